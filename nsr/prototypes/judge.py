"""Judge a candidate answer against a record: Prolog by derived-answer equality, PDDL by validation.

Plan completion and plan reordering accept ANY answer that makes a valid plan (a planning
problem usually has many), so they are judged by running our grounded validator, never by
comparing strings; an invalid answer is rejected with the failing step and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from nsr.backends.pddl import grounded
from nsr.backends.pddl.plans import Step, parse_plan, parse_step
from nsr.errors import DataError
from nsr.prototypes.record import PrototypeRecord
from nsr.verify.targets import permutation_problem


@dataclass(frozen=True)
class Judgement:
    """The verdict on one answer. ``failed_step`` is 1-based in the full plan (PDDL only)."""

    correct: bool
    reason: str
    message: str = ""
    failed_step: int | None = None


def normalize_prolog(text: str) -> str:
    """Drop whitespace outside quotes: ``[a,b]`` and ``[a, b]`` are the same answer."""
    out: list[str] = []
    quote: str | None = None
    escaped = False
    for ch in text.strip():
        if quote:
            out.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
            out.append(ch)
        elif not ch.isspace():
            out.append(ch)
    return "".join(out).rstrip(".")


@lru_cache(maxsize=64)
def parsed_domain(text: str) -> grounded.Domain:
    return grounded.parse_domain(text, name="<domain>")


@lru_cache(maxsize=256)
def parsed_problem(domain_text: str, problem_text: str) -> grounded.Problem:
    return grounded.parse_problem(problem_text, parsed_domain(domain_text), name="<problem>")


def steps_of(lines: list[str]) -> tuple[Step, ...]:
    return tuple(parse_step(s) for s in lines)


def judge_plan(domain_text: str, problem_text: str, plan: tuple[Step, ...]) -> Judgement:
    """Validate a full plan with the grounded validator."""
    report = grounded.validate(parsed_domain(domain_text), parsed_problem(domain_text, problem_text),
                               plan)
    if report.valid:
        return Judgement(True, "ok", "the plan is valid")
    return Judgement(False, report.reason, report.message, report.failed_step)


def judge_answer(record: PrototypeRecord, candidate: str) -> Judgement:
    """Is ``candidate`` a correct answer to ``record``? Never raises for a bad candidate."""
    if record.kind == "prolog":
        if normalize_prolog(candidate) == normalize_prolog(record.answer):
            return Judgement(True, "ok", "matches the derived answer")
        return Judgement(False, "mismatch", f"expected {record.answer}, got {candidate.strip()}")
    proto = record.prototype
    try:
        answer = parse_plan(candidate, name="answer")
    except DataError as exc:
        return Judgement(False, "syntax", str(exc))
    try:
        if record.task == "plan_generation":
            return judge_plan(proto["domain"], proto["problem"], answer)
        if record.task == "plan_completion":
            prefix, suffix = steps_of(proto["prefix"]), steps_of(proto["suffix"])
            verdict = judge_plan(proto["domain"], proto["problem"], prefix + answer + suffix)
            if not verdict.correct and verdict.failed_step is not None:
                k = verdict.failed_step - len(prefix)
                where = (f"step {k} of the answer" if 1 <= k <= len(answer)
                         else "a given step after the gap" if k > len(answer)
                         else "a given step before the gap")
                return Judgement(False, verdict.reason, f"{where}: {verdict.message}",
                                 verdict.failed_step)
            return verdict
        problem = permutation_problem(steps_of(proto["steps"]), answer)
        if problem is not None:
            return Judgement(False, "not_a_permutation", problem)
        return judge_plan(proto["domain"], proto["problem"], answer)
    except DataError as exc:
        return Judgement(False, "bad_prototype", str(exc))
