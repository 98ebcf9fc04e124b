"""Every family: answers agree with an independent plain `swipl` run / the validators, and the
difficulty knobs really make problems deeper."""

from __future__ import annotations

import random
import statistics

import pytest

from nsr.prototypes.families import family_names, get_family
from nsr.prototypes.judge import judge_answer, normalize_prolog
from nsr.prototypes.synth import synthesize

PROLOG = [n for n in family_names() if get_family(n).kind == "prolog"]
PDDL = [n for n in family_names() if get_family(n).kind == "pddl"]


def test_family_counts_and_tasks() -> None:
    assert len(PROLOG) >= 6 and len(PDDL) >= 4
    for name in PDDL:
        assert get_family(name).tasks == ("plan_generation", "plan_completion", "plan_reordering")


@pytest.mark.prolog
@pytest.mark.parametrize("family", PROLOG)
def test_prolog_answers_agree_with_plain_swipl(family: str, mixed_records, swipl_file_answer
                                               ) -> None:
    records = [r for r in mixed_records if r.family == family]
    assert len(records) == 10
    assert {r.level for r in records} == {1, 2, 3, 4, 5}
    for record in records[::3]:
        assert normalize_prolog(swipl_file_answer(record)) == \
            normalize_prolog(record.answer), record.id


@pytest.mark.pddl
@pytest.mark.parametrize("family", PDDL)
def test_pddl_answers_pass_unified_planning(family: str, mixed_records) -> None:
    from nsr.backends.pddl import up_engine
    from nsr.backends.pddl.plans import parse_plan
    from nsr.prototypes.judge import steps_of

    records = [r for r in mixed_records if r.family == family]
    assert {r.task for r in records} == set(get_family(family).tasks)
    for record in records[::2]:
        proto = record.prototype
        plan = parse_plan(record.answer)
        if record.task == "plan_completion":
            plan = steps_of(proto["prefix"]) + plan + steps_of(proto["suffix"])
        task = up_engine.load_task(proto["domain"], proto["problem"])
        assert up_engine.validate_up(task, plan).valid, record.id
        assert judge_answer(record, record.answer).correct


@pytest.mark.prolog
@pytest.mark.parametrize("family", PROLOG)
def test_prolog_difficulty_deepens_derivations(family: str) -> None:
    easy = synthesize(family, 12, seed=5, levels="1").records
    hard = synthesize(family, 12, seed=5, levels="5").records
    work = {lv: statistics.mean(r.verification["inferences"] for r in rs)
            for lv, rs in ((1, easy), (5, hard))}
    size = {lv: statistics.mean(len(r.prototype["program"]) for r in rs)
            for lv, rs in ((1, easy), (5, hard))}
    assert work[5] > work[1] and size[5] > size[1], (work, size)


@pytest.mark.parametrize("family", PDDL)
def test_pddl_difficulty_lengthens_plans(family: str) -> None:
    fam = get_family(family)
    lengths = {lv: statistics.mean(len(fam.instance(random.Random(i), lv).plan)
                                   for i in range(40) if _ok(fam, i, lv))
               for lv in (1, 5)}
    assert lengths[5] > 2 * lengths[1], lengths


def _ok(fam, i: int, level: int) -> bool:
    from nsr.prototypes.families.base import Rejected

    try:
        fam.instance(random.Random(i), level)
    except Rejected:
        return False
    return True


@pytest.mark.prolog
def test_shipped_examples_verify() -> None:
    from nsr.prototypes.examples import default_dir
    from nsr.prototypes.verify import verify_file

    files = sorted(default_dir().glob("*.jsonl"))
    assert [f.stem for f in files] == sorted(family_names())
    for path in files:
        report = verify_file(path)
        assert report.checked >= 10 and report.ok, (path, report.mismatches[:2])
