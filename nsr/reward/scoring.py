"""The reward core every adapter shares: completions + ground truths -> verdicts, in one batch.

Two things matter for RL throughput and robustness, so they live here once:

- one process-wide :class:`~nsr.verify.Verifier` per option set (created on first use, behind
  a lock, closed at exit), because starting workers per call would cost more than the
  verification itself;
- one dispatcher in front of it (:mod:`nsr.reward.dispatch`) that puts the items of all
  concurrent callers (verl's per-sample coroutines, TRL's async rewards, the server's
  requests) into the verifier pool's one queue, so samples run in parallel over the workers,
  no caller holds a thread, and a degenerate sample costs at most its own time limit.

Configure the shared verifier with :func:`configure` (or ``NSR_REWARD_<OPTION>`` environment
variables such as ``NSR_REWARD_WORKERS`` and ``NSR_REWARD_TIME_LIMIT``, for trainers that
import the reward function by name or path and cannot pass options), or per call with the
verifier options of :data:`VERIFIER_OPTIONS` (verl's ``reward_kwargs``): each distinct option
set gets its own pool.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from nsr.errors import ConfigError
from nsr.verify import Item, Verdict, Verifier, extract_answer, no_answer
from nsr.verify.extract import model_reply
from nsr.verify.targets import (
    MODES,
    GroundTruthError,
    NotApplicable,
    Target,
    build_item,
    parse_ground_truth,
)

log = logging.getLogger("nsr.reward")

BAD_GROUND_TRUTH = "bad_ground_truth"  # reason code of a broken record (a data bug, score 0)


class Checker(Protocol):
    """Anything that checks a batch of items in order: a Verifier, a Ray scorer, a fake."""

    def check_many(self, items: Sequence[Item]) -> list[Verdict]: ...


# Verifier options a trainer may pass per call (verl reward_kwargs, TRL/env settings).
VERIFIER_OPTIONS: tuple[str, ...] = (
    "workers", "time_limit", "inference_limit", "stack_limit_mb", "memory_limit_mb",
    "partial", "partial_credit", "plan_credit", "max_input_chars", "kill_margin",
)
BATCH_ITEMS = 32  # items per batch, for checkers without a queue (Ray) batched by lanes
MAX_ENGINES = 4  # option sets kept running at once (a trainer uses one or two); LRU beyond


class _Engine:
    """One running Verifier and the dispatcher its concurrent callers go through."""

    def __init__(self, options: dict[str, Any]) -> None:
        from nsr.reward.dispatch import Dispatcher

        self.verifier = Verifier(**options)
        # The Verifier has a queue (submit_many): the dispatcher hands requests straight to it.
        self.dispatcher = Dispatcher(self.verifier, max_batch=BATCH_ITEMS)

    def close(self) -> None:
        self.dispatcher.close()
        self.verifier.close()


class _SharedEngines:
    """The module's locked engine table: base options plus one engine per option set."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.engines: dict[tuple[tuple[str, Any], ...], _Engine] = {}
        self.options: dict[str, Any] = {}
        self.env: dict[str, Any] | None = None  # NSR_REWARD_* options, read at first use
        self.default: _Engine | None = None  # the engine of calls without overrides

    def get(self, overrides: Mapping[str, Any] | None = None) -> _Engine:
        if not overrides:  # the common call: no per-call options, no lock, no key to build
            engine = self.default
            if engine is not None:
                return engine
        with self.lock:
            if self.env is None:  # read once per configuration, not on every call
                self.env = _env_options()
            options = {**self.env, **self.options, **(overrides or {})}
            key = tuple(sorted(options.items()))
            engine = self.engines.pop(key, None)
            evicted = None
            if engine is None:
                if len(self.engines) >= MAX_ENGINES:
                    # the least recently used option set makes room (dicts keep order)
                    oldest = next(iter(self.engines))
                    evicted = self.engines.pop(oldest)
                    log.warning("reward: more than %d verifier option sets in one process; "
                                "closing the least recently used one", MAX_ENGINES)
                engine = _Engine(options)
            self.engines[key] = engine  # now the most recently used
            if not overrides:
                self.default = engine
            if evicted is not None and evicted is self.default:
                self.default = None
        if evicted is not None:
            evicted.close()
        return engine

    def configure(self, options: dict[str, Any]) -> None:
        with self.lock:
            old, self.engines, self.options, self.env = self.engines, {}, options, None
            self.default = None
        for engine in old.values():
            engine.close()

    def close(self) -> None:
        with self.lock:
            old, self.engines, self.env = self.engines, {}, None
            self.default = None
        for engine in old.values():
            engine.close()


    def forget(self) -> None:
        """In a forked child: drop the parent's engines without closing them (their workers
        and driver threads belong to the parent); the child starts its own on first use."""
        self.lock = threading.Lock()  # the parent's may have been held at the fork
        self.engines, self.default, self.env = {}, None, None


_SHARED = _SharedEngines()
atexit.register(_SHARED.close)
os.register_at_fork(after_in_child=_SHARED.forget)


def configure(**verifier_options: Any) -> None:
    """Set the shared verifier's options (``workers``, ``time_limit``, ``partial``, ...).

    A verifier already running is closed; the next call starts one with these options (and
    checks them: a bad option raises :class:`~nsr.errors.ConfigError` then).
    """
    unknown = sorted(set(verifier_options) - set(VERIFIER_OPTIONS))
    if unknown:
        raise ConfigError(f"unknown verifier option(s) {unknown}; known: {list(VERIFIER_OPTIONS)}")
    _SHARED.configure(dict(verifier_options))


def shared_verifier(**overrides: Any) -> Verifier:
    """The process-wide verifier (for these option overrides), started on first use."""
    return _SHARED.get(overrides).verifier


def shared_checker(**overrides: Any) -> Checker:
    """The process-wide dispatcher in front of :func:`shared_verifier` (what adapters use)."""
    return _SHARED.get(overrides).dispatcher


def close_shared() -> None:
    """Stop the shared verifier's workers now (also done at interpreter exit)."""
    _SHARED.close()


def split_options(kwargs: Mapping[str, Any]) -> tuple[dict[str, Any], bool, str]:
    """``(verifier options, extract, mode)`` from a trainer's reward keywords.

    Raises :class:`~nsr.errors.ConfigError` naming unknown keywords, so a misspelt option
    (``time_limt``) fails the first step instead of silently doing nothing.
    """
    known = {*VERIFIER_OPTIONS, "extract", "mode"}
    unknown = sorted(set(kwargs) - known)
    if unknown:
        raise ConfigError(
            f"unknown reward option(s) {unknown}; known: {sorted(known)}"
        )
    options = {k: kwargs[k] for k in VERIFIER_OPTIONS if k in kwargs}
    extract = kwargs.get("extract", True)
    if not isinstance(extract, bool):
        raise ConfigError(f"extract must be true or false, got {extract!r}")
    mode = str(kwargs.get("mode", "answer"))
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    return options, extract, mode


def completion_text(completion: Any) -> str:
    """The text of a completion: a string, or a chat message list (the last assistant turn).

    TRL passes conversational completions as ``[{"role": "assistant", "content": ...}]`` and
    ``content`` may itself be a list of ``{"type": "text", "text": ...}`` parts.
    """
    if completion is None:
        return ""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        return _content_text(completion.get("content"))
    if isinstance(completion, Sequence):
        messages = [m for m in completion if isinstance(m, Mapping)]
        replies = [m for m in messages if m.get("role", "assistant") == "assistant"]
        chosen = replies or messages
        return _content_text(chosen[-1].get("content")) if chosen else ""
    return str(completion)


def candidate_answer(
    text: str, target: Target, *, extract: bool = True, mode: str = "answer"
) -> str | None:
    """The answer to check in ``text`` (first cut to the model's reply: chat-template end
    tokens and a leading prompt removed): extracted (answer tag, boxed, code block, ...) or, when
    no marker is found, the bare text if it looks like an answer on its own (one line for
    Prolog; only ``(step ...)`` lines for a plan; anything for a program). None when there is
    no answer.
    """
    text = model_reply(text)
    if not extract:
        return text.strip() or None
    found = extract_answer(text, language=target.language)
    if found is not None:
        return found.text
    bare = text.strip()
    lines = [line.strip() for line in bare.splitlines() if line.strip()]
    if not lines:
        return None
    if mode == "program":
        return bare
    if target.kind == "prolog":
        return bare if len(lines) == 1 else None
    return bare if all(line.startswith("(") for line in lines) else None


def score_batch(
    completions: Sequence[Any],
    ground_truths: Sequence[Any],
    *,
    extract: bool = True,
    mode: str = "answer",
    checker: Checker | None = None,
    options: Mapping[str, Any] | None = None,
) -> list[Verdict | None]:
    """Verdicts for each (completion, ground truth) pair; None where the row is not ours.

    ``mode``: ``"answer"`` (the completion holds the answer) or ``"program"`` (it holds a
    Prolog program that must derive the record's answer; see :func:`build_item`).
    ``checker``: who runs the items (default: the shared verifier for ``options``, the
    verifier options of :data:`VERIFIER_OPTIONS` on top of :func:`configure`'s).

    A row is not ours (None) when its ground truth is None or not a prolog/pddl record; a
    broken prolog/pddl record gets a score-0 verdict with reason ``bad_ground_truth`` (logged),
    so one bad row never stops a training step. All runnable items are submitted together.
    """
    verdicts, pending = prepare_batch(completions, ground_truths, extract, mode)
    if pending:
        runner = checker or shared_checker(**(options or {}))
        checked = runner.check_many([item for _, item in pending])
        fill_verdicts(verdicts, pending, checked)
    return verdicts


async def score_batch_async(
    completions: Sequence[Any],
    ground_truths: Sequence[Any],
    *,
    extract: bool = True,
    mode: str = "answer",
    options: Mapping[str, Any] | None = None,
) -> list[Verdict | None]:
    """:func:`score_batch` for an event loop: the items join the shared pool's queue and the
    caller awaits them without holding a thread."""
    verdicts, pending = prepare_batch(completions, ground_truths, extract, mode)
    if pending:
        engine = _SHARED.get(options)
        checked = await engine.dispatcher.check_async([item for _, item in pending])
        fill_verdicts(verdicts, pending, checked)
    return verdicts


def prepare_batch(
    completions: Sequence[Any], ground_truths: Sequence[Any], extract: bool, mode: str
) -> tuple[list[Verdict | None], list[tuple[int, Item]]]:
    """The verdicts known without running anything (None placeholders elsewhere) and the
    ``(index, item)`` pairs still to check: the CPU part of :func:`score_batch`."""
    if len(completions) != len(ground_truths):
        raise ConfigError(
            f"got {len(completions)} completions but {len(ground_truths)} ground truths"
        )
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    verdicts: list[Verdict | None] = [None] * len(completions)
    pending: list[tuple[int, Item]] = []
    for index, (completion, truth) in enumerate(zip(completions, ground_truths, strict=True)):
        outcome = _prepare(completion, truth, extract, mode)
        if isinstance(outcome, Verdict) or outcome is None:
            verdicts[index] = outcome
        else:
            pending.append((index, outcome))
    return verdicts, pending


def fill_verdicts(
    verdicts: list[Verdict | None], pending: list[tuple[int, Item]], checked: list[Verdict]
) -> None:
    """Put the checked verdicts of :func:`prepare_batch`'s pending items in place."""
    for (index, _), verdict in zip(pending, checked, strict=True):
        verdicts[index] = verdict


def score_one(
    completion: Any, ground_truth: Any, *, extract: bool = True, mode: str = "answer"
) -> Verdict | None:
    """:func:`score_batch` for a single pair."""
    return score_batch([completion], [ground_truth], extract=extract, mode=mode)[0]


# -- internals -------------------------------------------------------------------------------


def _prepare(completion: Any, truth: Any, extract: bool, mode: str) -> Item | Verdict | None:
    if truth is None:
        return None
    try:
        target = parse_ground_truth(truth)
    except NotApplicable:
        return None
    except GroundTruthError as exc:
        log.warning("reward: %s", exc)
        return Verdict(0.0, BAD_GROUND_TRUTH, str(exc))
    answer = candidate_answer(completion_text(completion), target, extract=extract, mode=mode)
    if answer is None:
        return no_answer()
    return build_item(target, answer, mode=mode)


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        parts = [p.get("text", "") for p in content if isinstance(p, Mapping)]
        return "".join(p for p in parts if isinstance(p, str))
    return "" if content is None else str(content)


_ENV_CASTS: Mapping[str, Any] = {
    "workers": int, "inference_limit": int, "stack_limit_mb": int, "memory_limit_mb": int,
    "max_input_chars": int, "time_limit": float, "partial_credit": float,
    "kill_margin": float, "plan_credit": str,
    "partial": lambda raw: {"1": True, "true": True, "yes": True, "0": False, "false": False,
                            "no": False}[raw.strip().lower()],
}


def _env_options() -> dict[str, Any]:
    """Verifier options from ``NSR_REWARD_<OPTION>`` variables (``NSR_REWARD_TIME_LIMIT=2``),
    for trainers that load us by name or file path and cannot pass options."""
    options: dict[str, Any] = {}
    for key in VERIFIER_OPTIONS:
        name = f"NSR_REWARD_{key.upper()}"
        raw = os.environ.get(name)
        if raw:
            try:
                options[key] = _ENV_CASTS[key](raw)
            except (ValueError, KeyError):
                raise ConfigError(f"{name}={raw!r} is not a valid value for {key}") from None
    return options
