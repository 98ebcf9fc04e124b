"""Every export format's rows, read back the way the framework that reads that format reads
them, score 1.0 with their stored answers through that framework's adapter (and 0.0 with a
wrong one). Covers every shipped record: all prolog families and every PDDL task."""

from __future__ import annotations

import json

import pytest

from nsr.prototypes.export import export
from nsr.prototypes.families import family_names
from nsr.prototypes.record import load_records
from nsr.resources import resource_path
from nsr.reward import gym, openrlhf, trl, verl

datasets = pytest.importorskip("datasets", reason="datasets is not installed (nsr[export])")
pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed (nsr[export])")

pytestmark = [pytest.mark.prolog, pytest.mark.pddl]

END = "<|im_end|>"


@pytest.fixture(scope="module")
def records():
    out = []
    for family in family_names():
        out += load_records(resource_path("prototypes", "examples", f"{family}.jsonl"))
    assert {r.kind for r in out} == {"prolog", "pddl"}
    return out


def _answers(rows_answers: list[str]) -> list[str]:
    """Half tagged, half bare with the chat end token: both forms a trainer sees."""
    return [f"<answer>{a}</answer>" if i % 2 else a + END for i, a in enumerate(rows_answers)]


def test_jsonl_through_trl_columns_and_gym(records, tmp_path) -> None:
    out = export(records, tmp_path / "r.jsonl", "jsonl")
    # datasets merges the prolog and pddl prototypes into one schema (None-filled fields)
    rows = list(datasets.load_dataset("json", data_files=str(out), split="train"))
    columns = {k: [row[k] for row in rows] for k in rows[0] if k != "prompt"}
    answers = [row["answer"] for row in rows]
    rewards = trl.prototype_reward([r["prompt"] for r in rows], _answers(answers), **columns)
    assert rewards == [1.0] * len(rows)
    entries = [gym.entry_from_record(json.loads(line), index=i)
               for i, line in enumerate(out.read_text("utf-8").splitlines())]
    assert gym.score_answers([e["answer"] for e in entries], entries) == [1.0] * len(entries)


def test_hf_folder_through_trl(records, tmp_path) -> None:
    out = export(records, tmp_path / "ds", "hf")
    rows = list(datasets.load_from_disk(str(out)))
    columns = {k: [row[k] for row in rows] for k in rows[0] if k != "prompt"}
    answers = [row["answer"] for row in rows]
    assert trl.prototype_reward([r["prompt"] for r in rows], _answers(answers),
                                **columns) == [1.0] * len(rows)
    wrong = ["<answer>[nobody]</answer>"] * len(rows)
    assert trl.prototype_reward([r["prompt"] for r in rows], wrong,
                                **columns) == [0.0] * len(rows)


def test_verl_parquet_through_compute_score(records, tmp_path) -> None:
    out = export(records, tmp_path / "r.parquet", "verl")
    rows = list(datasets.load_dataset("parquet", data_files=str(out), split="train"))
    answers = _answers([row["reward_model"]["ground_truth"] for row in rows])
    scores = [verl.compute_score(row["data_source"], answer, row["reward_model"]["ground_truth"],
                                 row["extra_info"])["score"]
              for row, answer in zip(rows, answers, strict=True)]
    assert scores == [1.0] * len(rows)


def test_openrlhf_jsonl_through_reward_lists(records, tmp_path) -> None:
    out = export(records, tmp_path / "o.jsonl", "openrlhf")
    rows = list(datasets.load_dataset("json", data_files=str(out), split="train"))
    prompts = [f"<|im_start|>user\n{row['prompt']}{END}\n<|im_start|>assistant\n"
               for row in rows]
    answers = _answers([json.loads(row["record"])["answer"] for row in rows])
    queries = [p + a for p, a in zip(prompts, answers, strict=True)]
    body = openrlhf.reward_lists(queries, prompts, [row["record"] for row in rows])
    assert body["rewards"] == [1.0] * len(rows)
    assert set(body["reasons"]) == {"ok"}
