"""The prototypes issue's verl export, read back with pyarrow, scores 1.0 through verl's reward.

Rows are passed exactly as verl's reward manager passes them: data_source, the model's
completion, reward_model["ground_truth"] and extra_info, with the file loaded by path.
"""

from __future__ import annotations

import pytest

from nsr.prototypes.export import export
from nsr.prototypes.families import family_names
from nsr.prototypes.record import load_records
from nsr.resources import resource_path
from nsr.reward import verl

from .test_adapters import load_by_path, tagged

pq = pytest.importorskip("pyarrow.parquet")
pytestmark = [pytest.mark.prolog, pytest.mark.pddl]


def _shipped(per_family: int) -> list:
    records = []
    for family in family_names():
        path = resource_path("prototypes", "examples", f"{family}.jsonl")
        records += load_records(path)[:per_family]
    return records


def test_exported_ground_truths_score_one_and_wrong_answers_zero(tmp_path) -> None:
    records = _shipped(per_family=3)
    assert {r.kind for r in records} == {"prolog", "pddl"}
    out = export(records, tmp_path / "train.parquet", "verl")
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == len(records)
    compute_score = load_by_path(verl.__file__, "compute_score")

    scores = [
        compute_score(
            data_source=row["data_source"],
            solution_str=tagged(row["reward_model"]["ground_truth"]),
            ground_truth=row["reward_model"]["ground_truth"],
            extra_info=row["extra_info"],
        )["score"]
        for row in rows
    ]
    assert scores == [1.0] * len(rows)

    wrong = [
        compute_score(
            data_source=row["data_source"],
            solution_str="<answer>certainly not the answer</answer>",
            ground_truth=row["reward_model"]["ground_truth"],
            extra_info=row["extra_info"],
        )["score"]
        for row in rows
    ]
    assert wrong == [0.0] * len(rows)
