"""Acceptance (slow): 10,000 fresh items of every family verify with 0 mismatches."""

from __future__ import annotations

import pytest

from nsr.prototypes.families import family_names
from nsr.prototypes.synth import synthesize
from nsr.prototypes.verify import verify_records


@pytest.mark.slow
@pytest.mark.prolog
def test_ten_thousand_fresh_items_verify() -> None:
    records = []
    for name in family_names():
        records += synthesize(name, 1000, seed=99, workers=2).records
    assert len(records) == 10_000
    assert verify_records(list(enumerate(records, start=1)), workers=2) == []


@pytest.mark.slow
@pytest.mark.pddl
def test_pddl_items_pass_unified_planning_validator() -> None:
    records = []
    for name in ("blocksworld", "gripper", "logistics", "grid"):
        records += synthesize(name, 150, seed=98).records
    assert verify_records(list(enumerate(records, start=1)), reference=True, workers=2) == []


@pytest.mark.slow
@pytest.mark.prolog
def test_prolog_items_agree_with_plain_swipl_consult(swipl_file_answer) -> None:
    from nsr.prototypes.families import get_family
    from nsr.prototypes.judge import normalize_prolog

    for name in family_names():
        if get_family(name).kind != "prolog":
            continue
        for record in synthesize(name, 50, seed=97).records:
            assert normalize_prolog(swipl_file_answer(record)) == \
                normalize_prolog(record.answer), record.id
