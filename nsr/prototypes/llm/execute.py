"""Run a model's prototype and decide whether it is accepted.

A reply counts only once an interpreter has run it: Prolog through the prototypes runner (a
plain ``swipl`` child with time and inference limits, see :mod:`nsr.prototypes.prolog_runner`),
PDDL through ``nsr.backends.pddl`` (our grounded reader and validator; Fast Downward when the
model's own plan is missing or invalid). When a reference answer is known it must agree with
what the interpreter derived. Every rejection carries a message written for the model, which
sees it on the next attempt.

Model-written Prolog is untrusted (a directive such as ``:- initialization(shell(...))`` runs
while a file loads), so before the runner sees a program, :func:`sandbox_check` passes it
through the sandboxed workers of :mod:`nsr.verify` (clauses read as terms, only inert
directives, ``library(sandbox)``'s static check): a program that would touch files, the shell
or the network is rejected without ever being run.

Why a mismatch message does not reveal the reference: a model told the expected answer tends
to hard-code it (``Answer = 42``), which yields a prototype that "agrees" but encodes nothing.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from nsr.errors import DataError, EngineError
from nsr.prototypes.judge import normalize_prolog
from nsr.prototypes.llm.reply import PddlReply, PrologReply, Reply
from nsr.prototypes.prolog_runner import PrologJob, run_jobs, swipl_version

PDDL_ENGINE = "nsr-grounded"

_PROLOG_HINTS = {
    "syntax_error": "SWI-Prolog could not read the program or the query",
    "error": "running the query raised an error",
    "no_answer": "the query has no solution (it fails); check the facts, the rules and the "
                 "query",
    "ambiguous": "the query has more than one solution for Answer, but the answer must be "
                 "unique (collect a set with setof/3, or make the rules deterministic)",
    "timeout": "the query did not finish within the time limit (infinite recursion?)",
    "inference_limit": "the query exceeded the inference limit (infinite recursion?)",
    "crashed": "the Prolog process crashed on this program",
}


@dataclass(frozen=True)
class Execution:
    """The outcome of running one reply.

    Accepted (``ok``): ``task``, ``prototype``, ``answer`` and ``verification`` are the record's
    fields. Rejected: ``error`` says why, for the model; ``retryable`` is False when asking
    again cannot help (e.g. the reference answer itself is malformed).
    """

    ok: bool
    error: str = ""
    retryable: bool = True
    task: str = ""
    prototype: dict[str, Any] = field(default_factory=dict)
    answer: str = ""
    verification: dict[str, Any] = field(default_factory=dict)


def _rejected(error: str, *, retryable: bool = True) -> Execution:
    return Execution(False, error, retryable)


def _loose(text: str) -> str:
    """Quotes, whitespace and a final full stop dropped, case folded: ``'Alice'`` ~ ``alice``."""
    return re.sub(r"['\"`\s]", "", text).rstrip(".").casefold()


def answers_agree(derived: str, reference: str) -> bool:
    """Does the derived Prolog answer say what the reference says?

    Equal canonical text (layout ignored), equal numbers (``3`` and ``3.0``), or equal after
    dropping quotes and case (a reference written as ``Alice`` for the atom ``alice``).
    """
    if normalize_prolog(derived) == normalize_prolog(reference):
        return True
    try:
        return float(derived) == float(reference)
    except ValueError:
        pass
    return _loose(derived) == _loose(reference)


#: Verdicts of the sandboxed pre-check that forbid running a program; any other verdict
#: (a wrong or missing answer, a syntax error ...) leaves the diagnosis to the runner.
_UNSAFE_REASONS = {
    "unsafe": "the program calls something the sandbox forbids (files, shell, network, "
              "flags, ...)",
    "directive": "the program has a directive that is not allowed; keep to clauses and "
                 ":- use_module(library(...)), :- dynamic, :- table",
}
_PROBE = "nsr_llm_sandbox_probe"


def sandbox_check(verifier: Any, reply: PrologReply) -> Execution | None:
    """A rejection when the program is unsafe to run, else None.

    The query becomes the body of one extra clause, because the sandboxed workers take a query
    with a single named variable and the model's query may use several.
    """
    wrapped = f"{reply.program}\n\nnsr_llm_query(Answer) :-\n    {reply.query}.\n"
    verdict = verifier.check_prolog(wrapped, "nsr_llm_query(Answer)", _PROBE)
    if verdict.reason in _UNSAFE_REASONS:
        return _rejected(f"{_UNSAFE_REASONS[verdict.reason]}: {verdict.message}")
    return None


def run_prolog(reply: PrologReply, reference: str | None, *,
               time_limit: float = 10.0, verifier: Any = None) -> Execution:
    """Derive ``Answer`` from the program + query; accept a unique answer that agrees.

    ``verifier``: an :class:`nsr.verify.Verifier` for the sandbox pre-check (None skips it:
    only for trusted programs).
    """
    if "Answer" not in re.findall(r"\b[A-Z_][A-Za-z0-9_]*", reply.query):
        return _rejected("the query must bind the variable Answer (for example "
                         "'solution(Answer)')")
    if verifier is not None:
        unsafe = sandbox_check(verifier, reply)
        if unsafe is not None:
            return unsafe
    (out,) = run_jobs([PrologJob("llm", reply.program, reply.query, time_limit)])
    if not out.ok:
        hint = _PROLOG_HINTS.get(out.status, out.status)
        detail = f": {out.message}" if out.message and out.status != "no_answer" else ""
        return _rejected(f"{hint}{detail}")
    if reference is not None and not answers_agree(out.answer, reference):
        return _rejected(f"the program runs and derives Answer = {out.answer}, but that "
                         "disagrees with the known answer to this problem; re-read the problem "
                         "and correct the facts, rules or query (do not write the answer in)")
    return Execution(
        True, task="query_answer",
        prototype={"program": reply.program, "query": reply.query}, answer=out.answer,
        verification={"engine": swipl_version(), "method": "derived",
                      "inferences": out.inferences})


def run_pddl(reply: PddlReply, reference: str | None, *, planner: str = "fast-downward",
             planner_timeout: float = 60.0, lock: threading.Lock | None = None,
             may_switch: bool = False) -> Execution:
    """Read domain + problem, check that the reference plan (if any) is valid in them, and
    find the record's plan: the model's if valid, else the reference, else the planner's.
    ``may_switch``: the model chose PDDL itself (kind auto), so a reference that is not a plan
    means it should write Prolog instead, rather than that the input is wrong."""
    from nsr.backends.pddl import (
        PddlSyntaxError,
        PddlUnsupported,
        PlanSyntaxError,
        parse_domain,
        parse_plan,
        parse_problem,
        validate,
    )

    try:
        domain = parse_domain(reply.domain, name="domain", strict=True)
        problem = parse_problem(reply.problem, domain, name="problem")
    except PddlUnsupported as exc:
        return _rejected(f"the PDDL uses a feature the validator does not support "
                         f"(stay within STRIPS, typing, equality, negative preconditions): {exc}")
    except PddlSyntaxError as exc:
        return _rejected(f"the PDDL does not parse: {exc}")
    ref_plan = None
    if reference is not None:
        try:
            ref_plan = parse_plan(reference, name="reference answer")
        except PlanSyntaxError as exc:
            if may_switch:
                return _rejected("the known answer to this problem is not a plan, so it needs a "
                                 "Prolog prototype, not PDDL")
            return _rejected(f"the reference answer is not a plan: {exc}", retryable=False)
        report = validate(domain, problem, ref_plan)
        if not report.valid:
            where = f" at step {report.failed_step}" if report.failed_step else ""
            return _rejected(f"a known-valid plan for this problem is rejected by your PDDL"
                             f"{where} ({report.reason}): {report.message}; re-read the problem "
                             "and correct the domain or the problem")
    plan, source = None, "model"
    if reply.plan:
        try:
            steps = parse_plan("\n".join(reply.plan), name="plan")
        except PlanSyntaxError:
            steps = None  # only a hint: the reference or the planner gets its chance below
        if steps and validate(domain, problem, steps).valid:
            plan = steps
    if plan is None and ref_plan is not None:
        plan, source = ref_plan, "reference"  # validated above: no planner needed
    if plan is None:
        found = _solve(reply, planner, planner_timeout, lock)
        if isinstance(found, Execution):
            return found
        report = validate(domain, problem, found)
        if not report.valid:
            return _rejected(f"the planner's plan fails validation at step {report.failed_step} "
                             f"({report.reason}): {report.message}")
        plan, source = found, "planner"
    if not plan:
        return _rejected("the goal already holds in the initial state; the problem must need "
                         "at least one action")
    verification: dict[str, Any] = {
        "engine": PDDL_ENGINE,
        "method": "planner+validated" if source == "planner" else "constructed+validated",
        "plan_length": len(plan), "plan_source": source}
    if source == "planner":
        verification["planner"] = planner
    return Execution(True, task="plan_generation",
                     prototype={"domain": reply.domain, "problem": reply.problem},
                     answer="\n".join(str(s) for s in plan), verification=verification)


def _solve(reply: PddlReply, planner: str, timeout: float,
           lock: threading.Lock | None) -> Any:
    """The planner's plan, or a rejection. Serialised by ``lock``: unified-planning keeps a
    process-wide environment that threads should not share concurrently."""
    from nsr.backends.pddl import up_engine

    guard = lock or threading.Lock()
    try:
        with guard:
            result = up_engine.solve(up_engine.load_task(reply.domain, reply.problem),
                                     planner=planner, timeout=timeout)
    except DataError as exc:
        return _rejected(f"the planner cannot read the PDDL: {exc}")
    except EngineError as exc:
        return _rejected(f"the planner failed: {exc}")
    if result.plan is None:
        why = ("the goal cannot be reached from the initial state"
               if result.status == "unsolvable" else result.message or result.status)
        return _rejected(f"the planner found no plan: {why}")
    return result.plan


def execute(reply: Reply, reference: str | None, *, time_limit: float = 10.0,
            planner: str = "fast-downward", planner_timeout: float = 60.0,
            lock: threading.Lock | None = None, wanted: str = "auto",
            verifier: Any = None) -> Execution:
    """Run ``reply`` with the interpreter of its kind (``wanted``: the kind asked for)."""
    if isinstance(reply, PrologReply):
        return run_prolog(reply, reference, time_limit=time_limit, verifier=verifier)
    return run_pddl(reply, reference, planner=planner, planner_timeout=planner_timeout,
                    lock=lock, may_switch=wanted == "auto")
