"""TRL's own GRPOTrainer computes our rewards: its ``_calculate_rewards`` (sync and async reward
functions, ``log_extra`` / ``log_metric``) on chosen completions, and one training step of a
tiny randomly initialised model whose logs carry our metrics."""

from __future__ import annotations

import json
import math

import pytest

from nsr.reward import trl as nsr_trl

from .conftest import HOSTILE_PROGRAM, correct_forms, shipped_records

trl = pytest.importorskip("trl", reason="TRL is not installed (make frameworks)")
datasets = pytest.importorskip("datasets", reason="datasets is not installed")
transformers = pytest.importorskip("transformers", reason="transformers is not installed")

pytestmark = [pytest.mark.frameworks, pytest.mark.prolog, pytest.mark.pddl]


def tiny_model(tokenizer):
    config = transformers.Qwen2Config(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=8192,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
    return transformers.AutoModelForCausalLM.from_config(config)


def trainer_for(tokenizer, tmp_path, rows, reward_funcs, **overrides):
    args = trl.GRPOConfig(
        output_dir=str(tmp_path), per_device_train_batch_size=2, num_generations=2,
        max_completion_length=4, max_steps=1, logging_steps=1, report_to=[], use_cpu=True,
        save_strategy="no", seed=0, **overrides)
    return trl.GRPOTrainer(
        model=tiny_model(tokenizer), reward_funcs=reward_funcs, args=args,
        train_dataset=datasets.Dataset.from_list(rows), processing_class=tokenizer)


@pytest.fixture(scope="module")
def records():
    return shipped_records()


def test_grpo_reward_computation_scores_every_form_and_logs_reasons(
    tokenizer, tmp_path, records
) -> None:
    # The rows as `nsr proto export --format hf` writes them (prototype as JSON text).
    from nsr.prototypes.export import flat_row
    from nsr.prototypes.record import record_from_dict

    picked = [records[0]] + [r for r in records if r["kind"] == "pddl"][:1]
    inputs, completions, expected = [], [], []
    for record in picked:
        row = flat_row(record_from_dict(record))
        for form, text in correct_forms(record["answer"]).items():
            if record["kind"] == "pddl" and form.startswith("bare"):
                text = text.replace("<|im_end|>", "") + "<|im_end|>"
            inputs.append(row)
            completions.append(text)
            expected.append((1.0, "ok", form))
        inputs.append(row)
        completions.append("<answer>certainly wrong</answer>")
        expected.append((0.0, None, "wrong"))
    lists = picked[0]
    inputs.append(flat_row(record_from_dict(lists)))
    completions.append(HOSTILE_PROGRAM)
    expected.append((0.0, None, "hostile"))

    trainer = trainer_for(tokenizer, tmp_path, [dict(inputs[0], prompt="p")],
                          [nsr_trl.prototype_reward, nsr_trl.async_prototype_reward])
    prompts = [row["prompt"] for row in inputs]
    rewards = trainer._calculate_rewards(
        inputs, prompts, completions, [[0]] * len(completions))
    for column in range(2):  # the sync and the async reward function agree
        got = rewards[:, column].tolist()
        assert [g for g in got] == [e[0] for e in expected], (column, got, expected)
    reasons = trainer._pending_extra_logs["nsr_reason"]
    assert reasons[: len(expected)][-1] != "ok" and "ok" in reasons
    assert any(r in ("wrong_answer", "invalid_plan", "plan_syntax") for r in reasons)
    assert trainer._pending_metrics["nsr/accuracy"]


def test_hostile_program_scores_zero_within_its_limit(tokenizer, tmp_path, records) -> None:
    lists = next(r for r in records if r["family"] == "lists")
    trainer = trainer_for(tokenizer, tmp_path, [dict(record=json.dumps(lists), prompt="p")],
                          [nsr_trl.prototype_program_reward])
    program = "```prolog\npipeline(_, Answer) :- repeat, fail.\n```"
    inputs = [{"record": json.dumps(lists), "prompt": "p"}]
    rewards = trainer._calculate_rewards(inputs, ["p"], [program], [[0]])
    assert rewards[:, 0].tolist() == [0.0]
    reasons = trainer._pending_extra_logs["nsr_reason"]
    assert reasons[-1] in ("time_limit", "inference_limit")
    ms = trainer._pending_extra_logs["nsr_verify_ms"][-1]
    assert ms <= 1000 * (1.0 + 0.3) + 500  # the shared verifier's limit plus its kill margin


def test_one_grpo_training_step_logs_our_metrics(tokenizer, tmp_path, records) -> None:
    short = sorted((r for r in records if r["kind"] == "prolog"),
                   key=lambda r: len(r["prompt"]))[:2]
    rows = [{"prompt": [{"role": "user", "content": r["prompt"]}], "record": json.dumps(r)}
            for r in short]
    trainer = trainer_for(tokenizer, tmp_path, rows, [nsr_trl.async_prototype_reward])
    trainer.train()
    logged = {k: v for entry in trainer.state.log_history for k, v in entry.items()}
    assert "nsr/accuracy" in logged and "nsr/no_answer_rate" in logged
    assert not math.isnan(logged["nsr/accuracy"])
    # random tokens are not answers: reward 0, and the reason says why
    assert logged["nsr/accuracy"] == 0.0


@pytest.mark.slow  # ~1 minute: a whole `trl` process (run with -m slow)
def test_trl_command_line_imports_our_reward_by_name(tokenizer, tmp_path, records) -> None:
    """``trl grpo --reward_funcs nsr.reward.trl.prototype_reward`` on a records folder, as the
    README documents; options from the environment."""
    import os
    import shutil
    import subprocess
    import sys

    trl_cli = shutil.which("trl", path=os.path.dirname(sys.executable))
    if trl_cli is None:
        pytest.skip("the trl command is not installed next to this Python")
    tiny_model(tokenizer).save_pretrained(tmp_path / "model")
    tokenizer.save_pretrained(tmp_path / "model")
    (tmp_path / "data").mkdir()
    lists = [r for r in records if r["family"] == "lists"][:4]
    (tmp_path / "data" / "train.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in lists), encoding="utf-8")
    env = {**os.environ, "NSR_REWARD_TIME_LIMIT": "1", "NSR_REWARD_WORKERS": "1"}
    out = subprocess.run(
        [trl_cli, "grpo", "--model_name_or_path", "model", "--dataset_name", "data",
         "--reward_funcs", "nsr.reward.trl.prototype_reward", "--output_dir", "out",
         "--max_steps", "1", "--per_device_train_batch_size", "2", "--num_generations", "2",
         "--max_completion_length", "4", "--report_to", "none", "--use_cpu",
         "--save_strategy", "no", "--logging_steps", "1"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    logs = out.stdout + out.stderr
    assert "nsr/accuracy" in logs and "rewards/prototype_reward/mean" in logs
