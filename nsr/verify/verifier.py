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
temporary module and query it, with no sandbox, limits or thread; ``worker.pl`` does all of
that (sandbox check, thread, limits, comparison) in ~0.15-0.2 ms of worker CPU a sample, and
the framing (lengths in characters, one JSON line back) needs no quoting of untrusted text.

What is specific to each kind of sample (worker command, request bytes, reply reading, partial
credit) lives in :mod:`nsr.verify.checkers` (:class:`PrologChecker`, :class:`PlanChecker`,
one interface); the Verifier owns one pool per kind and runs a mixed batch on both at once.
Every caller's jobs join the pool's one queue (:mod:`nsr.verify.pool`): :meth:`check_many`
blocks until its own are done, :meth:`submit_many` returns at once and reports each verdict
by callback (what the reward dispatcher uses, so no thread waits per caller).
Workers start on first use (or :meth:`Verifier.start`); a dropped Verifier stops its workers.

Answer comparison: the query's answer variable, in the FIRST solution, must be a variant
(``=@=``) of the expected term: for ground terms that is plain equality (``1`` and ``1.0``
differ, ``abc`` and ``"abc"`` differ), and non-ground answers match up to variable renaming.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from nsr.errors import ConfigError
from nsr.verify.checkers import (
    PLAN_CREDIT_CAP,
    WORKER_SCRIPT,
    Limits,
    PlanChecker,
    PrologChecker,
    SampleChecker,
    failure_verdict,
    memory_reason,
    worker_argv,
)
from nsr.verify.pool import Job, JobResult, Ticket, WorkerPool
from nsr.verify.swipl import swipl_path
from nsr.verify.verdict import Item, PlanItem, PrologItem, Verdict

__all__ = [
    "PLAN_CREDIT_CAP",
    "WORKER_SCRIPT",
    "Verifier",
    "failure_verdict",
    "memory_reason",
    "worker_argv",
]


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

    streams_verdicts = True  # check_many takes on_verdict (see nsr.reward.dispatch)

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
        self.limits = Limits(
            time_limit=float(time_limit),
            inference_limit=int(inference_limit),
            stack_limit_mb=int(stack_limit_mb),
            memory_limit_mb=int(memory_limit_mb),
            partial=partial,
            partial_credit=partial_credit,
            plan_credit=plan_credit,
            max_input_chars=max_input_chars,
            kill_margin=kill_margin,
        )
        self._checkers: dict[type, SampleChecker] = {
            PrologItem: PrologChecker(self.limits, executable),
            PlanItem: PlanChecker(self.limits),
        }
        self._tmp = tempfile.TemporaryDirectory(prefix="nsr-verify-")
        self._lock = threading.Lock()
        self._closed = False
        # Pools started so far, one per kind; a finalizer kills them if the Verifier is dropped
        # unclosed (a long-running trainer must not accumulate orphan workers).
        self._pools: dict[str, WorkerPool] = {}
        self._tokens = itertools.count(1)  # request ids, unique per Verifier
        self._finalizer = weakref.finalize(self, _shutdown, self._pools, self._tmp, os.getpid())

    # The limits, readable as before the checkers took them over.
    time_limit = property(lambda self: self.limits.time_limit)
    inference_limit = property(lambda self: self.limits.inference_limit)
    stack_limit_mb = property(lambda self: self.limits.stack_limit_mb)
    memory_limit_mb = property(lambda self: self.limits.memory_limit_mb)
    partial = property(lambda self: self.limits.partial)
    partial_credit = property(lambda self: self.limits.partial_credit)
    plan_credit = property(lambda self: self.limits.plan_credit)
    max_input_chars = property(lambda self: self.limits.max_input_chars)
    kill_margin = property(lambda self: self.limits.kill_margin)

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
        with self._lock:
            pools = list(self._pools.values())
        return [pid for pool in pools for pid in pool.pids()]

    def start(self) -> Verifier:
        """Start the Prolog workers now rather than on the first check (returns self)."""
        self._pool(self._checkers[PrologItem])
        return self

    # -- checks -------------------------------------------------------------------------------

    def check_prolog(self, program: str, query: str, expected: str) -> Verdict:
        """Run ``query`` after ``program`` and compare its answer variable with ``expected``."""
        return self.check_many([PrologItem(program, query, expected)])[0]

    def check_plan(self, domain: str, problem: str, plan: str) -> Verdict:
        """Validate ``plan`` (one ``(action arg ...)`` per line) for the PDDL task."""
        return self.check_many([PlanItem(domain, problem, plan)])[0]

    def check_many(
        self,
        items: Iterable[Item],
        on_verdict: Callable[[int, Verdict], None] | None = None,
    ) -> list[Verdict]:
        """Check a batch in parallel over the workers; the verdicts keep the items' order.

        ``on_verdict(index, verdict)`` is called as each item's verdict is known (from the
        pools' driver threads), before the whole batch is done: a dispatcher uses it so a fast
        sample is not held up by a slow one beside it.
        """
        verdicts, tickets = self._submit(list(items), on_verdict, None)
        for ticket in tickets:
            ticket.wait()
        return [v if v is not None else Verdict(0.0, "worker_crash", "lost") for v in verdicts]

    def submit_many(
        self,
        items: Sequence[Item],
        on_verdict: Callable[[int, Verdict], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Queue a batch and return at once: ``on_verdict(index, verdict)`` gets each verdict
        (items rejected without a worker at once, in this thread; the others from the pools'
        driver threads), ``on_error(exc)`` is called if a pool cannot run them. Raises, like
        :meth:`check_many`, for items that are not Prolog or plan items."""
        self._submit(list(items), on_verdict, on_error)

    def _submit(
        self,
        items: list[Item],
        on_verdict: Callable[[int, Verdict], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> tuple[list[Verdict | None], list[Ticket]]:
        verdicts: list[Verdict | None] = [None] * len(items)
        groups: dict[SampleChecker, list[tuple[int, Job]]] = {}
        checkers = self._checkers
        for index, item in enumerate(items):
            checker = checkers.get(type(item)) or next(
                (c for kind, c in checkers.items() if isinstance(item, kind)), None)
            if checker is None:
                raise ConfigError(
                    f"item {index} is a {type(item).__name__}, not a PrologItem or PlanItem"
                )
            job_or_verdict = checker.job(item, next(self._tokens))
            if isinstance(job_or_verdict, Verdict):
                verdicts[index] = job_or_verdict
            else:
                groups.setdefault(checker, []).append((index, job_or_verdict))
        if self._closed:
            raise ConfigError("this Verifier is closed")
        if on_verdict is not None:
            for index, verdict in enumerate(verdicts):
                if verdict is not None:
                    on_verdict(index, verdict)
        tickets = []
        for checker, jobs in groups.items():
            tickets.append(self._pool(checker).submit(
                [job for _, job in jobs], _collector(checker, jobs, verdicts, on_verdict),
                on_error, waitable=on_error is None))
        return verdicts, tickets

    # -- internals ----------------------------------------------------------------------------

    def _pool(self, checker: SampleChecker) -> WorkerPool:
        """The pool of ``checker``'s kind, started on first use (a plan-only user never
        starts swipl)."""
        with self._lock:
            pool = self._pools.get(checker.kind)
            if pool is None:
                spec = checker.spec()
                pool = WorkerPool(spec, self.workers, Path(self._tmp.name) / spec.name)
                self._pools[checker.kind] = pool
            return pool


def _collector(
    checker: SampleChecker,
    jobs: list[tuple[int, Job]],
    verdicts: list[Verdict | None],
    on_verdict: Callable[[int, Verdict], None] | None,
) -> Callable[[int, JobResult], None]:
    """The pool callback that turns each job result into its item's verdict."""

    def finished(position: int, result: JobResult) -> None:
        index = jobs[position][0]
        verdict = verdicts[index] = checker.verdict(result)
        if on_verdict is not None:
            on_verdict(index, verdict)

    return finished


def _shutdown(pools: dict[str, WorkerPool], tmp: tempfile.TemporaryDirectory[str],
              owner: int) -> None:
    if os.getpid() != owner:  # a forked child exiting: the workers and files are the parent's
        return
    for pool in pools.values():
        pool.close()
    tmp.cleanup()
