"""What a verification returns (:class:`Verdict`) and what it takes (:class:`PrologItem`,
:class:`PlanItem`).

Every verdict carries a short ``reason`` code from :data:`REASONS`, so a trainer can log *why* a
sample scored what it scored (a reward of 0 for a syntax error and for an infinite loop are very
different signals), the interpreter's message, and the wall-clock time it took.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nsr.errors import DataError

# Reason codes, with what each means. Only "ok" scores 1.
REASONS: Mapping[str, str] = {
    "ok": "the answer is correct (the plan is valid)",
    "wrong_answer": "the program ran, but its first solution differs from the expected answer",
    "no_solution": "the program ran, but the query has no solution",
    "syntax_error": "the program text does not parse",
    "directive": "the program contains a directive other than dynamic, discontiguous, table "
    "or use_module(library(...)) of an allowed library",
    "bad_program": "the program parses but cannot be loaded (redefines a built-in, ...)",
    "unsafe": "the program or query calls something the sandbox forbids "
    "(files, shell, network, halt, assert outside the sample, ...)",
    "undefined_predicate": "the program or query calls a predicate nobody defines",
    "bad_query": "the query does not parse or does not have exactly one answer variable",
    "bad_expected": "the expected answer does not parse as a Prolog term",
    "time_limit": "the sample ran out of time (in Prolog, or killed by the watchdog)",
    "inference_limit": "the sample ran out of inferences",
    "memory_limit": "the sample ran out of stack or memory",
    "runtime_error": "the program raised an error (type error, abort/0, uncaught throw, ...)",
    "worker_crash": "the worker process died while running the sample (it was restarted)",
    "too_large": "an input is larger than the verifier's size cap",
    "no_answer": "no answer could be extracted from the completion",
    "invalid_plan": "the plan is well-formed but not valid (see details['validator_reason'])",
    "plan_syntax": "the plan text is not a list of '(action arg ...)' steps",
    "pddl_syntax": "the domain or problem is malformed or inconsistent",
    "pddl_unsupported": "the domain uses a PDDL feature the grounded validator lacks",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The result of checking one sample.

    ``score`` is in [0, 1]: 1 only for reason ``ok``; partial credit (when enabled) below 1.
    ``answer`` is the program's first solution as text (Prolog samples that ran), else "".
    ``details`` holds extras: ``inferences`` and ``run_seconds`` (Prolog), the validator's
    report fields (plans).
    """

    score: float
    reason: str
    message: str = ""
    seconds: float = 0.0
    answer: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.reason == "ok"

    @property
    def correct(self) -> bool:
        """Same as :attr:`ok` (the name the prototype judge used before the types merged)."""
        return self.ok

    @property
    def failed_step(self) -> int | None:
        """The 1-based plan step that failed validation, when a validator named one."""
        step = self.details.get("failed_step")
        return step if isinstance(step, int) else None

    @property
    def specific_reason(self) -> str:
        """The validator's own reason (``precondition``, ``goal_not_reached``, ...) when it
        gave one, else :attr:`reason`."""
        return str(self.details.get("validator_reason") or self.reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "reason": self.reason,
            "message": self.message,
            "seconds": self.seconds,
            "answer": self.answer,
            "details": dict(self.details),
        }


def no_answer(message: str = "no answer found in the completion") -> Verdict:
    """The verdict for a completion from which no answer could be extracted."""
    return Verdict(score=0.0, reason="no_answer", message=message)


@dataclass(frozen=True, slots=True)
class PrologItem:
    """A Prolog sample: does ``query``'s answer variable equal ``expected`` after ``program``?

    ``program`` is Prolog source text (clauses; only a few inert directives are accepted),
    ``query`` a goal with exactly one named variable (e.g. ``grandparent(tom, X)``),
    ``expected`` the term that variable must equal in the first solution (compared with
    ``=@=``: equal up to variable renaming, so ``1`` and ``1.0`` differ).
    """

    program: str
    query: str
    expected: str

    kind = "prolog"


@dataclass(frozen=True, slots=True)
class PlanItem:
    """A planning sample: is ``plan`` (one ``(action arg ...)`` per line) valid for the task?"""

    domain: str
    problem: str
    plan: str

    kind = "pddl"


Item = PrologItem | PlanItem


def item_from_record(record: Any, *, answer: str | None = None) -> Item:
    """Build the item for a prototype record (``kind`` ``prolog`` or ``pddl``).

    Any shape :func:`nsr.verify.targets.parse_ground_truth` reads is accepted (the record as
    written by ``nsr proto``, its JSON text, or a flat dict). The record's own stored answer is
    checked unless ``answer`` (a model's answer term or plan text) is given. Raises
    :class:`~nsr.errors.DataError` naming what is missing or wrong.
    """
    from nsr.verify.targets import build_item, parse_ground_truth

    target = parse_ground_truth(record)
    item = build_item(target, target.answer if answer is None else answer)
    if isinstance(item, Verdict):  # rejected without running (e.g. not a permutation)
        raise DataError(f"record {target.id or '?'!r}: {item.message}")
    return item
