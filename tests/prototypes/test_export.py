"""Export: JSON lines round trip, verl parquet schema, Hugging Face dataset folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nsr.errors import ConfigError
from nsr.prototypes.export import export
from nsr.prototypes.record import load_records


def test_jsonl_round_trip(tmp_path: Path, mixed_records) -> None:
    out = export(mixed_records, tmp_path / "out.jsonl", "jsonl")
    assert load_records(out) == mixed_records


def test_verl_parquet(tmp_path: Path, mixed_records) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = export(mixed_records, tmp_path / "train.parquet", "verl")
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == len(mixed_records)
    assert set(rows[0]) == {"data_source", "prompt", "ability", "reward_model", "extra_info"}
    for row, rec in zip(rows, mixed_records, strict=True):
        assert row["prompt"] == [{"role": "user", "content": rec.prompt}]
        assert row["reward_model"] == {"style": "rule", "ground_truth": rec.answer}
        assert row["ability"] == ("logic" if rec.kind == "prolog" else "planning")
        assert row["data_source"] == f"nsr/{rec.kind}/{rec.family}"
        assert json.loads(row["extra_info"]["prototype"]) == rec.prototype
        assert row["extra_info"]["id"] == rec.id


def test_hf_dataset(tmp_path: Path, mixed_records) -> None:
    datasets = pytest.importorskip("datasets")
    out = export(mixed_records[:20], tmp_path / "ds", "hf")
    ds = datasets.load_from_disk(str(out))
    assert len(ds) == 20
    assert ds[0]["answer"] == mixed_records[0].answer
    assert json.loads(ds[3]["prototype"]) == mixed_records[3].prototype


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown export format"):
        export([], tmp_path / "x", "csv")
