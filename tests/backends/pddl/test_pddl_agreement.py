"""Our grounded validator and unified-planning's agree on valid and mutated plans.

Valid plans come from Fast Downward (solved once per session); invalid ones are seeded mutations
of them. Both validators must agree on validity, the failing step, the reason and the details.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from nsr.backends.pddl.grounded import validate
from nsr.backends.pddl.plans import Step

pytestmark = pytest.mark.pddl

MUTATIONS = (
    "drop",
    "duplicate",
    "swap",
    "wrong_argument",
    "unknown_action",
    "wrong_arity",
    "unknown_object",
    "truncate",
)
SEEDS = (0, 1)


def mutate(plan: tuple[Step, ...], kind: str, objects: list[str], seed: int) -> tuple[Step, ...]:
    """One seeded mutation of ``plan`` (plans here have at least two steps)."""
    rng = random.Random(f"{kind}-{seed}-{len(plan)}")
    i = rng.randrange(len(plan))
    step = plan[i]
    if kind == "drop":
        return plan[:i] + plan[i + 1 :]
    if kind == "duplicate":
        return plan[: i + 1] + plan[i:]
    if kind == "swap":
        j = min(i, len(plan) - 2)
        return plan[:j] + (plan[j + 1], plan[j]) + plan[j + 2 :]
    if kind == "truncate":
        return plan[:i]
    if kind == "unknown_action":
        new = Step("frobnicate", step.args)
    elif kind == "unknown_object":
        k = rng.randrange(len(step.args))
        new = Step(step.action, step.args[:k] + ("nowhere",) + step.args[k + 1 :])
    elif kind == "wrong_arity":
        new = Step(step.action, step.args[:-1] if rng.random() < 0.5 else (*step.args, objects[0]))
    elif kind == "wrong_argument":
        k = rng.randrange(len(step.args))
        choice = rng.choice([o for o in objects if o != step.args[k]])
        new = Step(step.action, step.args[:k] + (choice,) + step.args[k + 1 :])
    else:  # pragma: no cover - MUTATIONS is closed
        raise ValueError(kind)
    return plan[:i] + (new,) + plan[i + 1 :]


def _key(report):
    return (
        report.valid,
        report.failed_step,
        report.reason,
        report.steps_applied,
        report.unmet_goals,
        round(report.goal_fraction, 9),
        report.unmet_preconditions,
    )


def test_validators_agree_on_valid_and_mutated_plans(solved_cases) -> None:
    from nsr.backends.pddl.up_engine import validate_up

    outcomes: Counter[str] = Counter()
    checked = 0
    for case in solved_cases:
        assert len(case.plan) >= 2, case.label
        objects = sorted(case.problem.objects)
        plans = [("valid", case.plan)]
        plans += [(f"{k}/{s}", mutate(case.plan, k, objects, s)) for k in MUTATIONS for s in SEEDS]
        for label, plan in plans:
            ours = validate(case.domain, case.problem, plan)
            theirs = validate_up(case.task, plan)
            assert _key(ours) == _key(theirs), (case.label, label, plan, ours, theirs)
            if label == "valid":
                assert ours.valid, (case.label, ours.message)
            outcomes[ours.reason] += 1
            checked += 1
    assert checked >= 200
    # the mutations exercise every verdict the validators can give
    assert set(outcomes) == {
        "ok",
        "precondition",
        "goal_not_reached",
        "unknown_action",
        "wrong_arity",
        "unknown_object",
        "type_mismatch",
    }
    assert outcomes["ok"] >= len(solved_cases)
    assert sum(n for r, n in outcomes.items() if r != "ok") >= 200
