"""Plan completion and reordering accept ANY valid answer and reject an invalid one with the
failing step; Prolog answers compare modulo layout."""

from __future__ import annotations

import random

import pytest

from nsr.backends.pddl.plans import parse_plan
from nsr.prototypes.families.base import PddlInstance, shipped_text
from nsr.prototypes.judge import judge_answer, normalize_prolog
from nsr.prototypes.synth import pddl_record

# Two balls from rooma to roomb: the two picks (and the two drops) commute.
PROBLEM = """(define (problem two-balls) (:domain gripper)
  (:objects rooma roomb - room ball1 ball2 - ball left right - gripper)
  (:init (at-robby rooma) (at ball1 rooma) (at ball2 rooma))
  (:goal (and (at ball1 roomb) (at ball2 roomb))))"""
PLAN = parse_plan("""(pick ball1 rooma left)
(pick ball2 rooma right)
(move rooma roomb)
(drop ball1 roomb left)
(drop ball2 roomb right)""")


def _record(task: str, seed: int = 0):
    inst = PddlInstance(PROBLEM, PLAN, "two balls", {"level": 1})
    return pddl_record("gripper", "test", shipped_text("pddl", "gripper", "domain.pddl"), task,
                       inst, random.Random(seed), seed)


def test_generation_accepts_another_valid_plan_and_rejects_a_bad_one() -> None:
    record = _record("plan_generation")
    other = ("(pick ball2 rooma left)\n(move rooma roomb)\n(drop ball2 roomb left)\n"
             "(move roomb rooma)\n(pick ball1 rooma left)\n(move rooma roomb)\n"
             "(drop ball1 roomb left)")
    assert record.answer != other
    assert judge_answer(record, other).correct
    bad = judge_answer(record, "(pick ball1 rooma left)\n(drop ball1 roomb left)")
    assert not bad.correct and bad.failed_step == 2 and bad.reason == "invalid_plan"
    assert bad.specific_reason == "precondition"
    short = judge_answer(record, "(pick ball1 rooma left)")
    assert not short.correct and short.specific_reason == "goal_not_reached"
    assert judge_answer(record, "pick ball1").reason == "plan_syntax"


def test_completion_accepts_any_valid_fill() -> None:
    for seed in range(20):
        record = _record("plan_completion", seed)
        if "(move rooma roomb)" in record.answer.splitlines():
            break
    else:
        pytest.fail("no gap covering the move")
    assert judge_answer(record, record.answer).correct
    # A longer, different fill that is still valid: wander back and forth first.
    lines = record.answer.splitlines()
    i = lines.index("(move rooma roomb)")
    detour = lines[:i] + ["(move rooma roomb)", "(move roomb rooma)"] + lines[i:]
    assert judge_answer(record, "\n".join(detour)).correct
    # Leaving the move out breaks the first drop after the gap (or inside it).
    broken = [s for s in lines if s != "(move rooma roomb)"]
    verdict = judge_answer(record, "\n".join(broken))
    assert not verdict.correct and verdict.failed_step is not None
    assert "step" in verdict.message


def test_reordering_accepts_any_valid_order_and_names_the_failing_step() -> None:
    record = _record("plan_reordering")
    assert sorted(record.prototype["steps"]) == sorted(str(s) for s in PLAN)
    swapped = [str(s) for s in PLAN]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    swapped[3], swapped[4] = swapped[4], swapped[3]
    assert judge_answer(record, "\n".join(swapped)).correct
    wrong = [swapped[2]] + swapped[:2] + swapped[3:]  # move before picking up
    verdict = judge_answer(record, "\n".join(wrong))
    # The robot leaves first, so the first pick (step 2) finds it in the wrong room.
    assert not verdict.correct and verdict.failed_step == 2
    assert verdict.specific_reason == "precondition"
    missing = judge_answer(record, "\n".join(swapped[:-1]))
    assert missing.specific_reason == "not_a_permutation" and "missing" in missing.message


def test_the_judge_and_the_reward_path_give_the_same_verdict_type() -> None:
    """One verdict type: a record's judgement reads like a reward verdict (reason codes of
    nsr.verify.verdict.REASONS, the validator's own reason in details)."""
    from nsr.verify import Verdict
    from nsr.verify.verdict import REASONS

    record = _record("plan_reordering")
    for answer in (record.answer, "(pick ball1 rooma left)", "not a plan"):
        verdict = judge_answer(record, answer)
        assert isinstance(verdict, Verdict) and verdict.reason in REASONS
        assert verdict.score == (1.0 if verdict.ok else 0.0)


def test_prolog_answers_compare_modulo_layout() -> None:
    assert normalize_prolog("[a,b, 'x y']") == normalize_prolog("[a, b, 'x y'].")
    assert normalize_prolog("'x y'") != normalize_prolog("'xy'")
