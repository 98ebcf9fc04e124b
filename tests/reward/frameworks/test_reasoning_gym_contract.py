"""reasoning-gym's own factory serves our registered datasets: ``create_dataset``,
``get_score_answer_fn``, composites routing by ``source_dataset``, and its answer extraction
feeding our scorer."""

from __future__ import annotations

import pytest

from nsr.prototypes.families import family_names

from .conftest import END

rg = pytest.importorskip("reasoning_gym", reason="reasoning-gym is not installed (make frameworks)")

pytestmark = [pytest.mark.frameworks, pytest.mark.prolog, pytest.mark.pddl]


@pytest.fixture(scope="module")
def names() -> tuple[str, ...]:
    import nsr.reward.gym_datasets as gym_datasets

    return gym_datasets.DATASET_NAMES


def test_one_registered_dataset_per_family(names) -> None:
    from reasoning_gym.factory import DATASETS

    assert set(names) == {f"nsr_{f}" for f in family_names()}
    assert all(name in DATASETS for name in names)


@pytest.mark.parametrize("family", ["kinship", "lists", "blocksworld", "gripper"])
def test_create_dataset_entries_score_one_and_carry_the_expected_fields(names, family) -> None:
    data = rg.create_dataset(f"nsr_{family}", size=4, seed=3, levels="1-2")
    entries = list(data)
    assert len(entries) == 4
    for index, entry in enumerate(entries):
        meta = entry["metadata"]
        assert meta["source_dataset"] == f"nsr_{family}"
        assert meta["source_index"] == index and isinstance(meta["source_index"], int)
        assert isinstance(meta["difficulty"], dict) and meta["difficulty"]["level"] in (1, 2)
        assert data.score_answer(entry["answer"], entry) == 1.0
        assert data.score_answer(entry["answer"] + END, entry) == 1.0
        assert data.score_answer(None, entry) == 0.0
    # the same arguments give the same entries
    again = rg.create_dataset(f"nsr_{family}", size=4, seed=3, levels="1-2")
    assert [e["answer"] for e in again] == [e["answer"] for e in entries]


def test_get_score_answer_fn_and_extraction(names) -> None:
    from reasoning_gym.utils import extract_answer

    data = rg.create_dataset("nsr_kinship", size=2, seed=0)
    score = rg.get_score_answer_fn("nsr_kinship")
    entry = data[0]
    completion = f"Reasoning...\n<answer>{entry['answer']}</answer>"
    assert score(extract_answer(completion), entry) == 1.0
    assert score("[nobody_at_all]", entry) == 0.0
    assert score("loop :- loop.", entry) == 0.0


def test_composite_routes_scoring_to_our_datasets(names) -> None:
    from reasoning_gym.composite import DatasetSpec

    data = rg.create_dataset("composite", size=8, seed=1, datasets=[
        DatasetSpec("nsr_kinship", 1.0, {"levels": "1"}),
        DatasetSpec("nsr_grid", 1.0, {"task": "plan_reordering"}),
        DatasetSpec("leg_counting", 1.0, {}),
    ])
    sources = set()
    for entry in data:
        sources.add(entry["metadata"]["source_dataset"])
        assert data.score_answer(entry["answer"], entry) == 1.0
    assert {"nsr_kinship", "nsr_grid"} & sources
