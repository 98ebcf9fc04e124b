"""The :class:`Verifier`: check untrusted Prolog answers and plans in isolated workers.

::

    with Verifier(workers=2, time_limit=2.0) as v:
        v.check_prolog("p(1). p(2).", "p(X), X > 1", "2")      # Verdict(score=1.0, ...)
        v.check_plan(domain_text, problem_text, plan_text)
        v.check_many([PrologItem(...), PlanItem(...), ...])   # parallel, order kept

Prolog samples go to a pool of ``swipl`` processes running ``worker.pl`` (sandbox, fresh
module and thread per sample, time/inference/stack limits; see that file). Plans go to a pool
of Python processes running :mod:`nsr.verify.plan_worker` (the grounded validator), started on
first use. In both, a reply later than ``time_limit + kill_margin`` gets the worker killed and
replaced. Nothing a sample does raises here: every outcome is a :class:`Verdict`.

Why our own pipe protocol rather than SWI's Machine Query Interface (``swiplserver``): measured
here, MQI costs ~0.23 ms for a trivial query and ~0.38 ms to load a small program into a
temporary module and query it, with no sandbox, limits or thread; one round trip to
``worker.pl`` does all of that (sandbox check, thread, limits, comparison) in ~0.33 ms, and
the framing (lengths in characters, one JSON line back) needs no quoting of untrusted text.

Workers start on first use (or :meth:`Verifier.start`); a dropped Verifier stops its workers.

Answer comparison: the query's answer variable, in the FIRST solution, must be a variant
(``=@=``) of the expected term: for ground terms that is plain equality (``1`` and ``1.0``
differ, ``abc`` and ``"abc"`` differ), and non-ground answers match up to variable renaming.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import tempfile
import threading
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from nsr.errors import ConfigError
from nsr.verify.pool import Job, JobResult, WorkerPool, WorkerSpec
from nsr.verify.swipl import swipl_argv, swipl_path
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


class Verifier:
    """A pool of isolated verifier workers; use as a context manager (or call :meth:`close`).

    ``time_limit``: seconds per sample (Prolog: wall clock inside the worker; plans: per
    validation). ``inference_limit``: Prolog inferences per sample (a machine-independent
    budget). ``stack_limit_mb``: Prolog stacks per sample. ``memory_limit_mb``: address space
    per worker process (the backstop for memory no stack limit sees, e.g. huge atoms).
    ``partial``: give ``partial_credit`` to Prolog programs that run but answer wrongly (or
    not at all) and ``PLAN_CREDIT_CAP`` x goal fraction (``plan_credit="goal_fraction"``) or x
    the valid-prefix fraction (``"prefix"``) to invalid plans; otherwise scores are 0 or 1.
    ``max_input_chars`` caps each text sent to a worker (reason ``too_large`` above it).
    """

    def __init__(
        self,
        workers: int = 2,
        time_limit: float = 2.0,
        *,
        inference_limit: int = 50_000_000,
        stack_limit_mb: int = 128,
        memory_limit_mb: int = 2048,
        partial: bool = False,
        partial_credit: float = 0.1,
        plan_credit: str = "goal_fraction",
        max_input_chars: int = 1_000_000,
        kill_margin: float = 0.5,
        swipl: str | None = None,
    ) -> None:
        if not isinstance(workers, int) or workers < 1:
            raise ConfigError(f"workers must be a positive integer, got {workers!r}")
        if not time_limit > 0:
            raise ConfigError(f"time_limit must be > 0 seconds, got {time_limit!r}")
        if inference_limit < 1 or stack_limit_mb < 8 or max_input_chars < 1:
            raise ConfigError(
                "inference_limit must be >= 1, stack_limit_mb >= 8 and max_input_chars >= 1"
            )
        if not 0.0 <= partial_credit < 1.0:
            raise ConfigError(f"partial_credit must be in [0, 1), got {partial_credit!r}")
        if plan_credit not in ("goal_fraction", "prefix"):
            raise ConfigError(f"plan_credit must be 'goal_fraction' or 'prefix', got {plan_credit!r}")
        if kill_margin <= 0:
            raise ConfigError(f"kill_margin must be > 0 seconds, got {kill_margin!r}")
        executable = swipl_path(swipl or "swipl")
        self.workers = workers
        self.time_limit = float(time_limit)
        self.inference_limit = int(inference_limit)
        self.stack_limit_mb = int(stack_limit_mb)
        self.memory_limit_mb = int(memory_limit_mb)
        self.partial = partial
        self.partial_credit = partial_credit
        self.plan_credit = plan_credit
        self.max_input_chars = max_input_chars
        self.kill_margin = kill_margin
        self._tmp = tempfile.TemporaryDirectory(prefix="nsr-verify-")
        self._lock = threading.Lock()
        self._plan_pool: WorkerPool | None = None
        self._closed = False
        self._swipl = executable
        self._prolog_pool: WorkerPool | None = None
        # Pools started so far; a finalizer kills them if the Verifier is dropped unclosed
        # (a long-running trainer must not accumulate orphan workers).
        self._pools: list[WorkerPool] = []
        self._tokens = itertools.count(1)  # request ids, unique per Verifier
        self._finalizer = weakref.finalize(self, _shutdown, self._pools, self._tmp)

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> Verifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker and remove the private directory. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._finalizer()

    def worker_pids(self) -> list[int]:
        """Process ids of the running workers (diagnostics, tests)."""
        return [
            pid
            for pool in (self._prolog_pool, self._plan_pool)
            if pool is not None
            for pid in pool.pids()
        ]

    # -- checks -------------------------------------------------------------------------------

    def check_prolog(self, program: str, query: str, expected: str) -> Verdict:
        """Run ``query`` after ``program`` and compare its answer variable with ``expected``."""
        return self.check_many([PrologItem(program, query, expected)])[0]

    def check_plan(self, domain: str, problem: str, plan: str) -> Verdict:
        """Validate ``plan`` (one ``(action arg ...)`` per line) for the PDDL task."""
        return self.check_many([PlanItem(domain, problem, plan)])[0]

    def check_many(self, items: Iterable[Item]) -> list[Verdict]:
        """Check a batch in parallel over the workers; the verdicts keep the items' order."""
        items = list(items)
        verdicts: list[Verdict | None] = [None] * len(items)
        prolog: list[tuple[int, Job]] = []
        plans: list[tuple[int, Job]] = []
        for index, item in enumerate(items):
            if isinstance(item, PrologItem):
                job_or_verdict = self._prolog_job(item)
                target = prolog
            elif isinstance(item, PlanItem):
                job_or_verdict = self._plan_job(item)
                target = plans
            else:
                raise ConfigError(
                    f"item {index} is a {type(item).__name__}, not a PrologItem or PlanItem"
                )
            if isinstance(job_or_verdict, Verdict):
                verdicts[index] = job_or_verdict
            else:
                target.append((index, job_or_verdict))
        if self._closed:
            raise ConfigError("this Verifier is closed")
        runs: list[tuple[WorkerPool, list[tuple[int, Job]]]] = []
        if prolog:
            runs.append((self._prologs(), prolog))
        if plans:
            runs.append((self._plans(), plans))
        if len(runs) == 2:
            # Mixed batch: drive the plan pool from a helper thread so both pools work at once.
            outcome: dict[str, Any] = {}

            def drive_plans() -> None:
                try:
                    outcome["plans"] = self._run(*runs[1])
                except BaseException as exc:  # re-raised in the calling thread below
                    outcome["error"] = exc

            helper = threading.Thread(target=drive_plans, name="nsr-verify-plans")
            helper.start()
            try:
                prolog_results = self._run(*runs[0])
            finally:
                helper.join()
            if "error" in outcome:
                raise outcome["error"]
            pairs = [(prolog, prolog_results, "prolog"), (plans, outcome["plans"], "plan")]
        else:
            pool, jobs = runs[0] if runs else (None, [])
            results = self._run(pool, jobs) if pool is not None else []
            kind = "plan" if pool is not None and pool is self._plan_pool else "prolog"
            pairs = [(jobs, results, kind)]
        for jobs, results, kind in pairs:
            for (index, _), result in zip(jobs, results, strict=True):
                if kind == "prolog":
                    verdicts[index] = self._prolog_verdict(result)
                else:
                    verdicts[index] = self._plan_verdict(result)
        return [v if v is not None else _crash("lost") for v in verdicts]

    # -- internals ----------------------------------------------------------------------------

    @staticmethod
    def _run(pool: WorkerPool, jobs: Sequence[tuple[int, Job]]) -> list[JobResult]:
        return pool.run([job for _, job in jobs])

    def _reject(self, **texts: str) -> Verdict | None:
        """A verdict for inputs that never reach a worker: missing answers, oversized texts."""
        for name, text in texts.items():
            if not isinstance(text, str):
                if name in ("expected", "plan") and text is None:
                    return no_answer(f"the {name} is missing")
                raise ConfigError(f"{name} must be text, got {type(text).__name__}")
            if len(text) > self.max_input_chars:
                return Verdict(
                    0.0,
                    "too_large",
                    f"{name} has {len(text):,} characters; the limit is {self.max_input_chars:,}",
                )
        return None

    def _prolog_job(self, item: PrologItem) -> Job | Verdict:
        rejected = self._reject(
            program=item.program, query=item.query, expected=item.expected
        )
        if rejected is not None:
            return rejected
        texts = [_clean(item.program), _clean(item.query), _clean(item.expected)]
        token = next(self._tokens)
        header = "R {} {} {} {} {} {} {}\n".format(
            token,
            int(self.time_limit * 1000),
            self.inference_limit,
            self.stack_limit_mb * 1024 * 1024,
            *(len(t) for t in texts),
        )
        payload = (header + "".join(texts)).encode("utf-8")
        return Job(payload, self.time_limit + self.kill_margin, token)

    def _plan_job(self, item: PlanItem) -> Job | Verdict:
        rejected = self._reject(domain=item.domain, problem=item.problem, plan=item.plan)
        if rejected is not None:
            return rejected
        token = next(self._tokens)
        request = {
            "id": token,
            "domain": item.domain,
            "problem": item.problem,
            "plan": item.plan,
            "time_limit": self.time_limit,
        }
        payload = (json.dumps(request) + "\n").encode("ascii")
        return Job(payload, self.time_limit + self.kill_margin, token)

    def _prologs(self) -> WorkerPool:
        """The Prolog pool, started on first use (a plan-only user never starts swipl)."""
        with self._lock:
            if self._prolog_pool is None:
                spec = WorkerSpec(
                    name="prolog",
                    argv=tuple(worker_argv(self._swipl, self.stack_limit_mb)),
                    memory_limit_mb=self.memory_limit_mb,
                )
                self._prolog_pool = WorkerPool(spec, self.workers, Path(self._tmp.name) / "prolog")
                self._pools.append(self._prolog_pool)
            return self._prolog_pool

    def start(self) -> Verifier:
        """Start the Prolog workers now rather than on the first check (returns self)."""
        self._prologs()
        return self

    def _plans(self) -> WorkerPool:
        with self._lock:
            if self._plan_pool is None:
                package_root = str(Path(__file__).resolve().parents[2])
                spec = WorkerSpec(
                    name="plan",
                    argv=(sys.executable, "-u", "-m", "nsr.verify.plan_worker"),
                    env={"PYTHONPATH": package_root, "PYTHONDONTWRITEBYTECODE": "1"},
                    memory_limit_mb=max(self.memory_limit_mb, 1024),
                )
                self._plan_pool = WorkerPool(spec, self.workers, Path(self._tmp.name) / "plan")
                self._pools.append(self._plan_pool)
            return self._plan_pool

    def _prolog_verdict(self, result: JobResult) -> Verdict:
        if result.reply is None:
            return _failure_verdict(result, self.time_limit)
        reply = result.reply
        reason = str(reply.get("reason", "worker_crash"))
        if reason not in REASONS:  # a protocol error: our bug, never the sample's merit
            reason = "worker_crash"
        reason = memory_reason(reason, str(reply.get("message", "")))
        score = 1.0 if reason == "ok" else 0.0
        if self.partial and reason in ("wrong_answer", "no_solution"):
            score = self.partial_credit
        details = {
            "inferences": int(reply.get("inferences", 0)),
            "run_seconds": float(reply.get("run_seconds", 0.0)),
        }
        return Verdict(
            score=score,
            reason=reason,
            message=str(reply.get("message", "")),
            seconds=result.seconds,
            answer=str(reply.get("answer", "")),
            details=details,
        )

    def _plan_verdict(self, result: JobResult) -> Verdict:
        if result.reply is None:
            return _failure_verdict(result, self.time_limit)
        reply = result.reply
        reason = str(reply.get("reason", "worker_crash"))
        if reason not in REASONS:
            reason = "worker_crash"
        reason = memory_reason(reason, str(reply.get("message", "")))
        details: dict[str, Any] = dict(reply.get("details") or {})
        score = 1.0 if reason == "ok" else 0.0
        if self.partial and reason == "invalid_plan":
            if self.plan_credit == "goal_fraction":
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


def _clean(text: str) -> str:
    """Text the worker can read: UTF-8 encodable (lone surrogates become U+FFFD)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


def _shutdown(pools: list[WorkerPool], tmp: tempfile.TemporaryDirectory[str]) -> None:
    for pool in pools:
        pool.close()
    tmp.cleanup()


def _crash(message: str) -> Verdict:
    return Verdict(0.0, "worker_crash", message)


def memory_reason(reason: str, message: str) -> str:
    """``memory_limit`` when an error or crash was the sample running out of memory, however
    it was reported (a resource error, an I/O error with ENOMEM, a dying worker's stderr), so
    one hostile sample gets one verdict whatever the machine's load; else ``reason``."""
    if reason in ("runtime_error", "worker_crash") and _MEMORY_TEXT.search(message):
        return "memory_limit"
    return reason


def _failure_verdict(result: JobResult, time_limit: float) -> Verdict:
    if result.failure == "killed":
        return Verdict(0.0, "time_limit", result.message, result.seconds, details={"killed": True})
    reason = memory_reason("worker_crash", result.message)
    return Verdict(0.0, reason, result.message, result.seconds)
