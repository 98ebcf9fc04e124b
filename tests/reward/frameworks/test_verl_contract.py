"""verl's own reward loop scores our parquet: ``load_reward_manager`` builds the ``naive``
manager from verl's config keys (``reward.custom_reward_function.path/name/reward_kwargs``),
and its ``run_single`` decodes the response tokens and awaits our ``compute_score_async``."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from nsr.prototypes.export import export
from nsr.prototypes.record import record_from_dict
from nsr.reward import verl as nsr_verl

from .conftest import END, HOSTILE_PROGRAM, correct_forms, shipped_records

pytest.importorskip("verl", reason="verl is not installed (make frameworks)")
omegaconf = pytest.importorskip("omegaconf", reason="omegaconf is not installed")
pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed")
torch = pytest.importorskip("torch")

pytestmark = [pytest.mark.frameworks, pytest.mark.prolog, pytest.mark.pddl]


def manager(tokenizer, name: str, reward_kwargs: dict | None = None):
    from verl.trainer.ppo.reward import load_reward_manager

    config = omegaconf.OmegaConf.create({"reward": {
        "custom_reward_function": {"path": nsr_verl.__file__, "name": name,
                                   "reward_kwargs": reward_kwargs or {}},
        "reward_manager": {"source": "register", "name": "naive"},
    }})
    return load_reward_manager(config, tokenizer)


def batch_item(tokenizer, row: dict, response: str):
    """One sample as verl's rollout hands it to the reward manager (right-padded response)."""
    from verl import DataProto

    prompt_ids = tokenizer("q")["input_ids"]
    response_ids = tokenizer(response, add_special_tokens=False)["input_ids"]
    pad = 4
    responses = torch.tensor([response_ids + [tokenizer.pad_token_id] * pad])
    mask = torch.tensor([[1] * (len(prompt_ids) + len(response_ids)) + [0] * pad])
    return DataProto.from_dict(
        tensors={"prompts": torch.tensor([prompt_ids]), "responses": responses,
                 "attention_mask": mask},
        non_tensors={key: np.array([row[key]], dtype=object)
                     for key in ("data_source", "reward_model", "extra_info")},
    )


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    records = [record_from_dict(r) for r in shipped_records()]
    out = export(records, tmp_path_factory.mktemp("verl") / "train.parquet", "verl")
    return pq.read_table(out).to_pylist()


def run(manager_, items):
    async def all_of():
        return await asyncio.gather(*[manager_.run_single(item) for item in items])

    return manager_.loop.run_until_complete(all_of())


def test_naive_manager_scores_every_row_of_the_parquet_with_its_stored_answer(
    tokenizer, rows
) -> None:
    reward = manager(tokenizer, "compute_score_async")
    assert reward.is_async_reward_score
    items = [batch_item(tokenizer, row, f"<answer>{row['reward_model']['ground_truth']}"
                        f"</answer>{END}") for row in rows]
    results = run(reward, items)
    assert [r["reward_score"] for r in results] == [1.0] * len(rows)
    assert {r["reward_extra_info"]["reason"] for r in results} == {"ok"}
    assert all(r["reward_extra_info"]["verify_seconds"] > 0 for r in results)


def test_every_answer_form_wrong_and_hostile_through_the_manager(tokenizer, rows) -> None:
    row = next(r for r in rows if r["extra_info"]["kind"] == "prolog")
    answer = row["reward_model"]["ground_truth"]
    reward = manager(tokenizer, "compute_score_async")
    texts = [*correct_forms(answer).values(), "<answer>[nobody]</answer>"]
    results = run(reward, [batch_item(tokenizer, row, t) for t in texts])
    assert [r["reward_score"] for r in results] == [1.0, 1.0, 1.0, 1.0, 0.0]
    assert results[-1]["reward_extra_info"]["reason"] == "wrong_answer"


def test_reward_kwargs_from_verl_config_reach_the_verifier(tokenizer, rows) -> None:
    row = next(r for r in rows if r["extra_info"]["family"] == "lists")
    program = "```prolog\npipeline(_, Answer) :- repeat, fail.\n```"
    sync = manager(tokenizer, "compute_score",
                   {"mode": "program", "inference_limit": 100000, "time_limit": 1.0})
    assert not sync.is_async_reward_score
    result = run(sync, [batch_item(tokenizer, row, program)])[0]
    info = result["reward_extra_info"]
    assert result["reward_score"] == 0.0
    assert (info["reason"], info["timeout"]) == ("inference_limit", 1.0)
    assert info["verify_seconds"] <= 1.0 + 0.5 + 0.5  # within its limit (+ kill margin, slack)
    partial = manager(tokenizer, "compute_score_async", {"partial": True})
    wrong = run(partial, [batch_item(tokenizer, row, "<answer>[]</answer>")])[0]
    assert 0.0 < wrong["reward_score"] < 1.0 and wrong["reward_extra_info"]["acc"] == 0.0


def test_hostile_answer_scores_zero(tokenizer, rows) -> None:
    row = next(r for r in rows if r["extra_info"]["kind"] == "prolog")
    reward = manager(tokenizer, "compute_score_async", {"mode": "program"})
    result = run(reward, [batch_item(tokenizer, row, HOSTILE_PROGRAM)])[0]
    assert result["reward_score"] == 0.0
