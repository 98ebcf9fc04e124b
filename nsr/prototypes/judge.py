"""Judge a candidate answer against a record: Prolog by derived-answer equality, PDDL by validation.

Plan completion and plan reordering accept ANY answer that makes a valid plan (a planning
problem usually has many), so they are judged by running our grounded validator, never by
comparing strings; an invalid answer is rejected with the failing step and the reason.
"""

from __future__ import annotations

from functools import lru_cache

from nsr.backends.pddl import grounded
from nsr.backends.pddl.plans import Step, parse_plan, parse_step
from nsr.errors import DataError
from nsr.prototypes.record import PrototypeRecord
from nsr.verify.targets import permutation_problem
from nsr.verify.verdict import Verdict

# One verdict type for rewards and records: the judge returns the verifier's Verdict (reason
# codes of nsr.verify.verdict.REASONS; a validator's own reason in details["validator_reason"]
# and the failing step in details["failed_step"]). The old name stays importable.
Judgement = Verdict


def _invalid(validator_reason: str, message: str, failed_step: int | None = None) -> Verdict:
    details: dict[str, object] = {"validator_reason": validator_reason}
    if failed_step is not None:
        details["failed_step"] = failed_step
    return Verdict(0.0, "invalid_plan", message, details=details)


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


def judge_plan(domain_text: str, problem_text: str, plan: tuple[Step, ...]) -> Verdict:
    """Validate a full plan with the grounded validator."""
    report = grounded.validate(parsed_domain(domain_text), parsed_problem(domain_text, problem_text),
                               plan)
    if report.valid:
        return Verdict(1.0, "ok", "the plan is valid")
    return _invalid(report.reason, report.message, report.failed_step)


def judge_answer(record: PrototypeRecord, candidate: str) -> Verdict:
    """Is ``candidate`` a correct answer to ``record``? Never raises for a bad candidate."""
    if record.kind == "prolog":
        if normalize_prolog(candidate) == normalize_prolog(record.answer):
            return Verdict(1.0, "ok", "matches the derived answer")
        return Verdict(0.0, "wrong_answer", f"expected {record.answer}, got {candidate.strip()}")
    proto = record.prototype
    try:
        answer = parse_plan(candidate, name="answer")
    except DataError as exc:
        return Verdict(0.0, "plan_syntax", str(exc))
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
                return _invalid(verdict.specific_reason, f"{where}: {verdict.message}",
                                verdict.failed_step)
            return verdict
        problem = permutation_problem(steps_of(proto["steps"]), answer)
        if problem is not None:
            return _invalid("not_a_permutation", problem)
        return judge_plan(proto["domain"], proto["problem"], answer)
    except DataError as exc:
        return Verdict(0.0, "pddl_syntax", str(exc))
