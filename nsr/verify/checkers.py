"""The two sample checkers behind one interface: :class:`PrologChecker` (sandboxed ``swipl``
workers running ``worker.pl``) and :class:`PlanChecker` (Python workers running the grounded
plan validator).

A checker knows three things about its kind of sample, and nothing about pools or threads:
how to start a worker (:meth:`SampleChecker.spec`), how to turn an item into the bytes of one
request (:meth:`SampleChecker.job`, or a verdict when the item can be rejected without a
worker: a missing answer, an oversized text) and how to read the reply back into a
:class:`~nsr.verify.verdict.Verdict` (:meth:`SampleChecker.verdict`, where partial credit and
the memory-error classification are applied). The :class:`~nsr.verify.Verifier` owns the
pools and runs any mix of kinds at once.
"""

from __future__ import annotations

import json
import re
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nsr.errors import ConfigError
from nsr.verify.pool import Job, JobResult, WorkerSpec
from nsr.verify.swipl import swipl_argv
from nsr.verify.verdict import REASONS, Item, PlanItem, PrologItem, Verdict, no_answer

WORKER_SCRIPT = Path(__file__).with_name("worker.pl")
PLAN_CREDIT_CAP = 0.5  # with partial=True an invalid plan scores at most this much
# How running out of memory reads when it surfaces as an I/O error, a crash or a Python
# exception rather than as a resource error: "I/O error in write ... Cannot allocate memory"
# (ENOMEM under the address-space limit), glibc/C++ aborts, Python's MemoryError.
_MEMORY_TEXT = re.compile(
    r"cannot allocate memory|not enough memory|out of memory|memoryerror|bad_alloc",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Limits:
    """What every sample may use, and how scores are given (see :class:`Verifier`)."""

    time_limit: float = 2.0
    inference_limit: int = 50_000_000
    stack_limit_mb: int = 128
    memory_limit_mb: int = 2048
    partial: bool = False
    partial_credit: float = 0.1
    plan_credit: str = "goal_fraction"
    max_input_chars: int = 1_000_000
    kill_margin: float = 0.5

    @property
    def deadline(self) -> float:
        """Seconds the parent waits for a reply before it kills the worker."""
        return self.time_limit + self.kill_margin


class SampleChecker(ABC):
    """One kind of sample: worker start-up, request encoding, reply reading."""

    kind: str = ""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    @abstractmethod
    def spec(self) -> WorkerSpec:
        """How to start one worker of this kind."""

    @abstractmethod
    def job(self, item: Item, token: int) -> Job | Verdict:
        """The request for ``item`` (carrying ``token``), or its verdict if no worker is needed."""

    @abstractmethod
    def verdict(self, result: JobResult) -> Verdict:
        """The verdict of one worker reply (or of its absence: killed, crashed)."""

    def reject(self, **texts: str) -> Verdict | None:
        """A verdict for inputs that never reach a worker: missing answers, oversized texts."""
        for name, text in texts.items():
            if not isinstance(text, str):
                if name in ("expected", "plan") and text is None:
                    return no_answer(f"the {name} is missing")
                raise ConfigError(f"{name} must be text, got {type(text).__name__}")
            if len(text) > self.limits.max_input_chars:
                return Verdict(
                    0.0,
                    "too_large",
                    f"{name} has {len(text):,} characters; the limit is "
                    f"{self.limits.max_input_chars:,}",
                )
        return None

    def _reason(self, reply: dict[str, Any]) -> str:
        reason = str(reply.get("reason", "worker_crash"))
        if reason not in REASONS:  # a protocol error: our bug, never the sample's merit
            reason = "worker_crash"
        return memory_reason(reason, str(reply.get("message", "")))


class PrologChecker(SampleChecker):
    """Prolog samples in ``swipl`` workers (sandbox, fresh module and thread per sample)."""

    kind = "prolog"

    def __init__(self, limits: Limits, executable: str) -> None:
        super().__init__(limits)
        self.executable = executable
        # The header fields every request repeats: time (ms), inferences, stack (bytes).
        self._limits_field = (f"{int(limits.time_limit * 1000)} {limits.inference_limit} "
                              f"{limits.stack_limit_mb * 1024 * 1024}")

    def spec(self) -> WorkerSpec:
        return WorkerSpec(
            name="prolog",
            argv=tuple(worker_argv(self.executable, self.limits.stack_limit_mb)),
            memory_limit_mb=self.limits.memory_limit_mb,
        )

    def job(self, item: Item, token: int) -> Job | Verdict:
        assert isinstance(item, PrologItem)
        rejected = self.reject(program=item.program, query=item.query, expected=item.expected)
        if rejected is not None:
            return rejected
        texts = (item.program, item.query, item.expected)
        try:
            encoded = [text.encode("utf-8") for text in texts]
        except UnicodeEncodeError:  # lone surrogates: the worker reads them as U+FFFD
            texts = tuple(_clean(text) for text in texts)
            encoded = [text.encode("utf-8") for text in texts]
        header = (f"R {token} {self._limits_field} "
                  f"{len(texts[0])} {len(texts[1])} {len(texts[2])}\n")  # lengths in characters
        return Job(b"".join((header.encode("ascii"), *encoded)), self.limits.deadline, token)

    def verdict(self, result: JobResult) -> Verdict:
        if result.reply is None:
            return failure_verdict(result)
        reply = result.reply
        reason = self._reason(reply)
        score = 1.0 if reason == "ok" else 0.0
        if self.limits.partial and reason in ("wrong_answer", "no_solution"):
            score = self.limits.partial_credit
        return Verdict(
            score=score,
            reason=reason,
            message=str(reply.get("message", "")),
            seconds=result.seconds,
            answer=str(reply.get("answer", "")),
            details={
                "inferences": int(reply.get("inferences", 0)),
                "run_seconds": float(reply.get("run_seconds", 0.0)),
            },
        )


class PlanChecker(SampleChecker):
    """Plans in Python workers running the grounded validator (:mod:`.plan_worker`)."""

    kind = "pddl"

    def spec(self) -> WorkerSpec:
        package_root = str(Path(__file__).resolve().parents[2])
        return WorkerSpec(
            name="plan",
            argv=(sys.executable, "-u", "-m", "nsr.verify.plan_worker"),
            env={"PYTHONPATH": package_root, "PYTHONDONTWRITEBYTECODE": "1"},
            memory_limit_mb=max(self.limits.memory_limit_mb, 1024),
        )

    def job(self, item: Item, token: int) -> Job | Verdict:
        assert isinstance(item, PlanItem)
        rejected = self.reject(domain=item.domain, problem=item.problem, plan=item.plan)
        if rejected is not None:
            return rejected
        request = {
            "id": token,
            "domain": item.domain,
            "problem": item.problem,
            "plan": item.plan,
            "time_limit": self.limits.time_limit,
        }
        return Job((json.dumps(request) + "\n").encode("ascii"), self.limits.deadline, token)

    def verdict(self, result: JobResult) -> Verdict:
        if result.reply is None:
            return failure_verdict(result)
        reply = result.reply
        reason = self._reason(reply)
        details: dict[str, Any] = dict(reply.get("details") or {})
        score = 1.0 if reason == "ok" else 0.0
        if self.limits.partial and reason == "invalid_plan":
            if self.limits.plan_credit == "goal_fraction":
                fraction = float(details.get("goal_fraction", 0.0))
            else:
                length = int(details.get("plan_length", 0))
                fraction = int(details.get("steps_applied", 0)) / length if length else 0.0
            score = PLAN_CREDIT_CAP * fraction
        return Verdict(
            score=score,
            reason=reason,
            message=str(reply.get("message", "")),
            seconds=result.seconds,
            details=details,
        )


def worker_argv(executable: str | None = None, stack_limit_mb: int = 128) -> list[str]:
    """The command line of one sandboxed verifier worker (``worker.pl``)."""
    return swipl_argv(f"--stack-limit={max(64, stack_limit_mb * 2)}m", "-g",
                      "nsr_verify_worker:main", "-t", "halt", str(WORKER_SCRIPT),
                      executable=executable)


def memory_reason(reason: str, message: str) -> str:
    """``memory_limit`` when an error or crash was the sample running out of memory, however
    it was reported (a resource error, an I/O error with ENOMEM, a dying worker's stderr), so
    one hostile sample gets one verdict whatever the machine's load; else ``reason``."""
    if reason in ("runtime_error", "worker_crash") and _MEMORY_TEXT.search(message):
        return "memory_limit"
    return reason


def failure_verdict(result: JobResult) -> Verdict:
    """The verdict of a job with no reply: killed at its deadline, or its worker died."""
    if result.failure == "killed":
        return Verdict(0.0, "time_limit", result.message, result.seconds, details={"killed": True})
    reason = memory_reason("worker_crash", result.message)
    return Verdict(0.0, reason, result.message, result.seconds)


def _clean(text: str) -> str:
    """Text the worker can read: UTF-8 encodable (lone surrogates become U+FFFD)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text
