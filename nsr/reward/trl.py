"""TRL ``GRPOTrainer`` reward functions: ``reward_funcs=[prototype_reward]`` (or the async one).

TRL calls ``reward_func(prompts=..., completions=..., completion_ids=..., trainer_state=...,
**columns)`` where every other dataset column arrives as a keyword list, one entry per
completion. The ground truth is found, per row, in the first column that has one:
``record`` (a record dict or JSON), ``ground_truth``, or the record's own columns (``kind``,
``task``, ``prototype``, ``answer``, ``id``) when the dataset was built from records directly.

Returns one float per completion, or ``None`` for a row without a prolog/pddl record (TRL then
ignores this reward for that row, so it mixes with rewards for other kinds of rows).
``async_prototype_reward`` does the same without blocking TRL's event loop (the samples join
the shared verifier's queue and are awaited); TRL runs async reward functions concurrently.
``prototype_program_reward`` scores ProtoReasoning's conversion task instead: the completion
is a Prolog program, run with the record's query, that must derive the record's answer.

Observability: TRL hands every reward function ``log_extra`` (a column of the completions
table) and ``log_metric`` (a scalar averaged per logging step). When present they get the
verdict of each completion (``nsr_reason``, ``nsr_verify_ms``) and the batch's
``nsr/accuracy``, ``nsr/timeout_rate``, ``nsr/no_answer_rate`` and ``nsr/verify_seconds``,
so why a reward was 0 (a wrong answer, a loop cut at its limit, nothing extracted) shows up
next to TRL's own metrics.

TRL's command line imports the function by its dotted path::

    trl grpo --model_name_or_path ... --dataset_name DIR \\
        --reward_funcs nsr.reward.trl.prototype_reward

and the verifier is configured from the environment there (``NSR_REWARD_TIME_LIMIT=2``,
``NSR_REWARD_WORKERS=4``, ``NSR_REWARD_PARTIAL=1``: see :mod:`nsr.reward.scoring`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nsr.errors import ConfigError
from nsr.reward.scoring import score_batch, score_batch_async
from nsr.verify import Verdict

TIMEOUT_REASONS = frozenset({"time_limit", "inference_limit"})

RECORD_COLUMNS: tuple[str, ...] = ("kind", "task", "prototype", "answer", "id")


def prototype_reward(
    prompts: Sequence[Any], completions: Sequence[Any], **kwargs: Any
) -> list[float | None]:
    """1.0 for a correct answer / valid plan, 0.0 otherwise, None for rows not ours."""
    return _rewards(completions, kwargs, "answer")


def prototype_program_reward(
    prompts: Sequence[Any], completions: Sequence[Any], **kwargs: Any
) -> list[float | None]:
    """1.0 when the completion's Prolog program derives the record's answer, else 0.0."""
    return _rewards(completions, kwargs, "program")


async def async_prototype_reward(
    prompts: Sequence[Any], completions: Sequence[Any], **kwargs: Any
) -> list[float | None]:
    """:func:`prototype_reward` for TRL's event loop: the batch joins the shared verifier's
    queue and is awaited without blocking the loop or holding a thread."""
    truths = ground_truths_from_columns(len(completions), kwargs)
    verdicts = await score_batch_async(completions, truths, mode="answer")
    return _report(verdicts, kwargs)


def ground_truths_from_columns(size: int, columns: dict[str, Any]) -> list[Any]:
    """One ground truth per row from TRL's keyword columns (see the module docstring)."""
    for name in ("record", "ground_truth"):
        column = columns.get(name)
        if column is not None:
            return _checked(name, column, size)
    present = {k: _checked(k, columns[k], size) for k in RECORD_COLUMNS if k in columns}
    if "kind" not in present:
        return [None] * size
    return [{key: values[row] for key, values in present.items()} for row in range(size)]


def _rewards(completions: Sequence[Any], columns: dict[str, Any], mode: str) -> list[float | None]:
    truths = ground_truths_from_columns(len(completions), columns)
    return _report(score_batch(completions, truths, mode=mode), columns)


def _report(verdicts: Sequence[Verdict | None], columns: dict[str, Any]) -> list[float | None]:
    """The rewards, after sending the verdicts to TRL's ``log_extra`` / ``log_metric``."""
    log_extra, log_metric = columns.get("log_extra"), columns.get("log_metric")
    if callable(log_extra):
        log_extra("nsr_reason", [None if v is None else v.reason for v in verdicts])
        log_extra("nsr_verify_ms",
                  [None if v is None else round(v.seconds * 1000, 3) for v in verdicts])
    ours = [v for v in verdicts if v is not None]
    if callable(log_metric) and ours:
        size = len(ours)
        log_metric("nsr/accuracy", sum(v.ok for v in ours) / size)
        log_metric("nsr/timeout_rate", sum(v.reason in TIMEOUT_REASONS for v in ours) / size)
        log_metric("nsr/no_answer_rate", sum(v.reason == "no_answer" for v in ours) / size)
        log_metric("nsr/verify_seconds", sum(v.seconds for v in ours) / size)
    return [None if v is None else float(v.score) for v in verdicts]


def _checked(name: str, column: Any, size: int) -> list[Any]:
    if isinstance(column, str | bytes) or not isinstance(column, Sequence):
        raise ConfigError(f"column {name!r} must be a list with one entry per completion")
    if len(column) != size:
        raise ConfigError(f"column {name!r} has {len(column)} entries for {size} completions")
    return list(column)


# The names TRL's documentation uses, for users who copy its examples.
reward_func = prototype_reward
async_reward_func = async_prototype_reward
