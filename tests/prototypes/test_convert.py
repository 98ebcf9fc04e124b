"""Conversion: task examples -> Prolog prototypes (answers derived, cross-checked with the data
and the oracles); planning problems -> the three PDDL tasks; bad items are per-item failures."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from nsr.prototypes.convert import convert_examples, convert_planning, expected_text
from nsr.prototypes.families import get_family
from nsr.prototypes.families.base import shipped_text
from nsr.prototypes.verify import verify_records
from nsr.tasks.base import Example
from nsr.tasks.registry import get_task

pytestmark = pytest.mark.prolog


@pytest.mark.parametrize(("task", "split", "part"), [("scan", "length", "test"),
                                                     ("pcfg", "pcfgset", "test")])
def test_task_examples_convert_and_agree_with_the_data(task: str, split: str, part: str,
                                                       shared_data: Path) -> None:
    examples = get_task(task).load(split, part)
    rng = random.Random(0)
    sample = rng.sample(examples, 150)
    report = convert_examples(task, sample)
    assert report.failures == ()
    assert len(report.records) == len({ex.source for ex in sample})
    by_source = {ex.id: ex for ex in sample}
    for record in report.records:
        ex = by_source[record.source.removeprefix("convert:")]
        assert record.answer == expected_text(ex.target)
        assert 1 <= record.level <= 5
    assert verify_records(list(enumerate(report.records, start=1))) == []


def test_hint_expressions_convert_and_match_the_oracle() -> None:
    from nsr.tasks.hint.expr import interpret

    exprs = ["3 + 4 * 2", "( 3 + 4 ) * 2", "2 - 7 + 1", "7 / 2", "9 / 3 / 2", "8 - ( 2 - 5 )",
             "( 1 + 2 ) * ( 3 - 1 ) / 4"]
    examples = [Example(tuple(e.split()), interpret(e.split()), f"hint/t:{i}")
                for i, e in enumerate(exprs)]
    report = convert_examples("hint", examples)
    assert report.failures == ()
    assert [r.answer for r in report.records] == [str(ex.target) for ex in examples]


def test_a_wrong_target_is_reported_not_converted() -> None:
    good = Example(("walk", "twice"), ("I_WALK", "I_WALK"), "scan/t:0")
    wrong = Example(("jump",), ("I_WALK",), "scan/t:1")
    bad = Example(("jump", "jump"), ("I_JUMP",), "scan/t:2")
    report = convert_examples("scan", [good, wrong, bad])
    assert [r.answer for r in report.records] == ["['I_WALK', 'I_WALK']"]
    failures = dict(report.failures)
    assert "the data says ['I_WALK']" in failures["scan/t:1"]
    assert failures["scan/t:2"].startswith("no_answer")


@pytest.mark.pddl
def test_planning_problems_convert_with_a_planner(tmp_path: Path) -> None:
    fam = get_family("blocksworld")
    domain = tmp_path / "domain.pddl"
    domain.write_text(shipped_text("pddl", "blocksworld", "domain.pddl"))
    good = tmp_path / "p1.pddl"
    good.write_text(fam.instance(random.Random(4), 2).problem)
    broken = tmp_path / "p2.pddl"
    broken.write_text("(define (problem p2) (:domain blocksworld) (:objects a - block")
    report = convert_planning(domain, [good, broken, tmp_path / "absent.pddl"])
    assert sorted(r.task for r in report.records) == ["plan_completion", "plan_generation",
                                                      "plan_reordering"]
    assert all(r.verification["method"] == "planner+validated" for r in report.records)
    assert all(r.verification["planner"] for r in report.records)
    failures = dict(report.failures)
    assert str(broken) in failures and str(tmp_path / "absent.pddl") in failures
    assert verify_records(list(enumerate(report.records, start=1)), reference=True) == []
