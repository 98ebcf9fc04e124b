"""Convert natural-language problems into verified prototypes by asking an LLM.

Per problem, a short conversation (named steps: ask, parse, execute, accept or feed back):

1. ask: the system template and the kind's template filled with the problem;
2. parse the reply as a JSON prototype (:mod:`~nsr.prototypes.llm.reply`);
3. execute it with the interpreter and check the reference answer
   (:mod:`~nsr.prototypes.llm.execute`; Prolog passes a sandbox pre-check first);
4. accepted: a :class:`~nsr.prototypes.record.PrototypeRecord` whose answer is the derived one;
   rejected: the reason goes back to the model as the next user turn, up to ``retries`` times.

A failing problem never stops the batch: it ends as an :class:`ItemFailure` with its last
error. Only an endpoint that cannot be reached at all (no reply has ever come back) aborts the
batch with :class:`~nsr.prototypes.llm.errors.LlmUnreachable`. Problems run concurrently in
threads (each mostly waits on HTTP); the records keep the input order.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from nsr.errors import ConfigError, DataError
from nsr.prototypes.llm.client import ChatClient, Message
from nsr.prototypes.llm.errors import LlmError, LlmUnreachable, ReplyError
from nsr.prototypes.llm.execute import Execution, execute
from nsr.prototypes.llm.inputs import KINDS, LlmProblem
from nsr.prototypes.llm.prompts import TEMPLATES, feedback_message, first_messages
from nsr.prototypes.llm.reply import PrologReply, Reply, parse_reply
from nsr.prototypes.record import PrototypeRecord, canonical_key, make_id

FAMILY = "llm"
PLANNERS = ("fast-downward", "pyperplan")


@dataclass(frozen=True)
class LlmConvertConfig:
    """How hard to try. ``kind`` is the default for problems without their own ``kind``."""

    retries: int = 2
    kind: str = "auto"
    concurrency: int = 1
    time_limit: float = 10.0
    planner: str = "fast-downward"
    planner_timeout: float = 60.0
    #: Pre-check every Prolog program in nsr.verify's sandboxed workers before running it.
    sandbox: bool = True

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ConfigError(f"--retries must be >= 0, got {self.retries}")
        if self.kind not in KINDS:
            raise ConfigError(f"--kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.concurrency < 1:
            raise ConfigError(f"--concurrency must be at least 1, got {self.concurrency}")
        if not self.time_limit > 0 or not self.planner_timeout > 0:
            raise ConfigError("time limits must be positive")
        if self.planner not in PLANNERS:
            raise ConfigError(f"planner must be one of {', '.join(PLANNERS)}, "
                              f"got {self.planner!r}")


@dataclass(frozen=True)
class ItemFailure:
    """A problem that was not converted: its id, the last error and the requests it took."""

    id: str
    error: str
    attempts: int

    def __str__(self) -> str:
        return f"{self.id}: {self.error} (after {self.attempts} attempt(s))"


@dataclass(frozen=True)
class ItemResult:
    """The outcome of one problem: a record, or a failure."""

    id: str
    record: PrototypeRecord | None
    failure: ItemFailure | None
    attempts: int


@dataclass(frozen=True)
class LlmConvertReport:
    records: tuple[PrototypeRecord, ...]
    failures: tuple[ItemFailure, ...]
    #: (problem id, id of the earlier record it duplicates): accepted but not written twice
    duplicates: tuple[tuple[str, str], ...]
    requests: int
    seconds: float


def _claimed(reply: Reply) -> str | None:
    if isinstance(reply, PrologReply):
        return reply.claimed
    return "\n".join(reply.plan) or None


def build_record(problem: LlmProblem, reply: Reply, run: Execution, *, model: str, kind: str,
                 attempts: int, reply_text: str, seed: int | None) -> PrototypeRecord:
    """The record of an accepted reply; the LLM's side of the story goes under
    ``verification.llm`` (model, attempts, template, reference, the model's own answer, the
    final reply), since the record format has no free metadata field."""
    record_kind = reply.kind
    key = canonical_key(record_kind, run.task, run.prototype)
    llm: dict[str, Any] = {
        "model": model,
        "input_id": problem.id,
        "attempts": attempts,
        "template": TEMPLATES[kind],
        "reference": problem.answer,
        "model_answer": _claimed(reply),
        "reply": reply_text,
    }
    return PrototypeRecord(
        id=make_id(FAMILY, run.task, key), kind=record_kind, task=run.task, family=FAMILY,
        source=f"llm:{model}", prompt=problem.problem, prototype=run.prototype,
        answer=run.answer, difficulty={"level": 0}, seed=seed if seed is not None else 0,
        verification={**run.verification, "llm": llm},
    )


class _Serialised:
    """A verifier whose checks run one at a time (one worker; threads must not interleave)."""

    def __init__(self, verifier: Any) -> None:
        self._verifier = verifier
        self._lock = threading.Lock()

    def check_prolog(self, program: str, query: str, expected: str) -> Any:
        with self._lock:
            return self._verifier.check_prolog(program, query, expected)

    def close(self) -> None:
        self._verifier.close()


class LlmConverter:
    """Holds what a batch shares: the client, the settings, the planner lock and the sandboxed
    verifier workers (started on the first Prolog reply, stopped when the batch ends)."""

    def __init__(self, client: ChatClient, config: LlmConvertConfig | None = None) -> None:
        self.client = client
        self.config = config or LlmConvertConfig()
        self._planner_lock = threading.Lock()
        self._verifier_lock = threading.Lock()
        self._verifier: Any = None

    def verifier(self) -> Any:
        """The sandboxed workers (started on first use; None when ``config.sandbox`` is off)."""
        if not self.config.sandbox:
            return None
        with self._verifier_lock:
            if self._verifier is None:
                from nsr.verify import Verifier

                # Short limit: the pre-check is about what a program calls, its static part;
                # running out of time there is not a rejection (the runner has the full limit).
                self._verifier = _Serialised(
                    Verifier(workers=1, time_limit=min(2.0, self.config.time_limit)))
            return self._verifier

    def close(self) -> None:
        """Stop the sandboxed workers, if started."""
        with self._verifier_lock:
            if self._verifier is not None:
                self._verifier.close()
                self._verifier = None

    def ask(self, messages: Sequence[Message]) -> str:
        return self.client.complete(messages)

    def check(self, text: str, problem: LlmProblem, kind: str) -> tuple[Reply | None, Execution]:
        """Parse and execute one reply; a malformed reply is a rejection like any other."""
        try:
            reply = parse_reply(text, kind)
        except ReplyError as exc:
            return None, Execution(False, str(exc))
        cfg = self.config
        verifier = self.verifier() if isinstance(reply, PrologReply) else None
        return reply, execute(reply, problem.answer, time_limit=cfg.time_limit,
                              planner=cfg.planner, planner_timeout=cfg.planner_timeout,
                              lock=self._planner_lock, wanted=kind, verifier=verifier)

    def convert_one(self, problem: LlmProblem) -> ItemResult:
        """The conversation for one problem (see the module docstring)."""
        kind = problem.kind or self.config.kind
        messages: list[Message] = first_messages(problem.problem, kind)
        last_error = ""
        attempts = 0
        for attempts in range(1, self.config.retries + 2):
            try:
                text = self.ask(messages)
            except LlmUnreachable:
                raise
            except LlmError as exc:  # the endpoint's trouble, not the model's: stop here
                return self._failed(problem, str(exc), attempts)
            messages.append({"role": "assistant", "content": text})
            try:
                reply, run = self.check(text, problem, kind)
            except DataError as exc:
                return self._failed(problem, str(exc), attempts)
            if run.ok and reply is not None:
                cfg = self.client.config
                record = build_record(problem, reply, run, model=cfg.model, kind=kind,
                                      attempts=attempts, reply_text=text, seed=cfg.seed)
                return ItemResult(problem.id, record, None, attempts)
            last_error = run.error
            if not run.retryable:
                break
            messages.append(feedback_message(run.error))
        return self._failed(problem, last_error, attempts)

    @staticmethod
    def _failed(problem: LlmProblem, error: str, attempts: int) -> ItemResult:
        return ItemResult(problem.id, None, ItemFailure(problem.id, error, attempts), attempts)

    def convert(self, problems: Sequence[LlmProblem], *,
                progress: bool = False) -> LlmConvertReport:
        """Every problem, ``config.concurrency`` at a time; records in input order,
        duplicates (same canonical prototype) kept once."""
        from tqdm import tqdm

        start = time.perf_counter()
        results: list[ItemResult | None] = [None] * len(problems)
        bar = tqdm(total=len(problems), desc="llm convert", unit="problem", file=sys.stderr,
                   disable=not progress)
        pool = ThreadPoolExecutor(max_workers=self.config.concurrency,
                                  thread_name_prefix="nsr-llm")
        try:
            futures = {pool.submit(self.convert_one, p): i for i, p in enumerate(problems)}
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                for fut in done:
                    results[futures[fut]] = fut.result()  # re-raises LlmUnreachable
                    bar.update(1)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            bar.close()
            self.close()
        return _report([r for r in results if r is not None], time.perf_counter() - start)


def _report(results: Sequence[ItemResult], seconds: float) -> LlmConvertReport:
    records: dict[str, PrototypeRecord] = {}
    failures: list[ItemFailure] = []
    duplicates: list[tuple[str, str]] = []
    for res in results:
        if res.failure is not None:
            failures.append(res.failure)
        elif res.record is not None:
            if res.record.id in records:
                duplicates.append((res.id, res.record.id))
            else:
                records[res.record.id] = res.record
    return LlmConvertReport(tuple(records.values()), tuple(failures), tuple(duplicates),
                            sum(r.attempts for r in results), seconds)


def convert_problems(problems: Sequence[LlmProblem], client: ChatClient,
                     config: LlmConvertConfig | None = None, *,
                     progress: bool = False) -> LlmConvertReport:
    """Convert ``problems`` through ``client`` (see :class:`LlmConverter`)."""
    return LlmConverter(client, config).convert(problems, progress=progress)
