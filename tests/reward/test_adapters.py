"""Each adapter called exactly as its framework calls it (signature and return type), against
shipped prototype records, without the framework installed."""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import json

import pytest

from nsr.reward import gym, openrlhf, trl, verl
from nsr.reward.scoring import candidate_answer, completion_text, score_batch
from nsr.verify.targets import parse_ground_truth

from .conftest import load_record, wrong_list

pytestmark = pytest.mark.prolog


def tagged(answer: str) -> str:
    return f"Working it out step by step...\n<answer>{answer}</answer>"


def load_by_path(module_file: str, name: str):
    """Load a reward file the way verl and OpenRLHF do: by path, under another module name."""
    spec = importlib.util.spec_from_file_location("custom_reward_module", module_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


# -- verl ---------------------------------------------------------------------------------------


def test_verl_loads_by_file_path_and_takes_keywords(lists_record) -> None:
    compute_score = load_by_path(verl.__file__, "compute_score")
    result = compute_score(
        data_source="nsr/lists",
        solution_str=tagged(lists_record["answer"]),
        ground_truth=json.dumps(lists_record),
        extra_info={"split": "train"},
    )
    assert result["score"] == 1.0


def test_verl_single_call_is_positional_and_returns_numeric_fields(lists_record) -> None:
    truth = json.dumps(lists_record)
    right = verl.compute_score("nsr/lists", tagged(lists_record["answer"]), truth, {"index": 0})
    wrong = verl.compute_score("nsr/lists", tagged(wrong_list(lists_record["answer"])), truth)
    assert {k: right[k] for k in ("score", "acc", "timeout", "no_answer", "reason")} == {
        "score": 1.0, "acc": 1.0, "timeout": 0.0, "no_answer": 0.0, "reason": "ok"}
    assert right["verify_seconds"] > 0.0
    assert wrong["score"] == 0.0 and wrong["reason"] == "wrong_answer"
    assert set(right) == set(wrong)  # verl stacks the extra keys: they must always match
    numeric = {k: v for k, v in right.items() if k != "reason"}
    assert all(isinstance(v, float) for v in numeric.values())


def test_verl_async_compute_score_is_a_coroutine_function_with_the_same_result(
    lists_record, zebra_record
) -> None:
    assert inspect.iscoroutinefunction(verl.compute_score_async)
    plan = load_record("grid", "plan_generation")
    broken_plan = "\n".join(plan["answer"].splitlines()[:-1])
    cases = [
        (tagged(lists_record["answer"]), lists_record, 1.0, "ok"),
        (zebra_record["answer"] + "<|im_end|>", json.dumps(zebra_record), 1.0, "ok"),
        (f"```pddl\n{plan['answer']}\n```", plan, 1.0, "ok"),
        (f"```pddl\n{broken_plan}\n```", plan, 0.0, "invalid_plan"),
        ("I do not know.\nSorry.", lists_record, 0.0, "no_answer"),
    ]

    async def run() -> list[dict]:
        return await asyncio.gather(*[
            verl.compute_score_async(data_source="nsr", solution_str=text, ground_truth=truth,
                                     extra_info={"num_turns": None})
            for text, truth, _, _ in cases])

    results = asyncio.run(run())
    assert [(r["score"], r["reason"]) for r in results] == [(c[2], c[3]) for c in cases]
    assert results[4]["no_answer"] == 1.0


def test_verl_reward_kwargs_reach_the_verifier(lists_record) -> None:
    truth = json.dumps(lists_record)
    wrong = tagged(wrong_list(lists_record["answer"]))
    assert verl.compute_score("nsr", wrong, truth)["score"] == 0.0
    partial = verl.compute_score("nsr", wrong, truth, partial=True, partial_credit=0.25)
    assert partial["score"] == 0.25 and partial["acc"] == 0.0
    looping = "```prolog\npipeline(_, Answer) :- repeat, fail.\n```"
    limited = verl.compute_score("nsr", looping, truth, mode="program", inference_limit=1000)
    assert (limited["reason"], limited["timeout"]) == ("inference_limit", 1.0)
    bare = verl.compute_score("nsr", lists_record["answer"], truth, extract=False)
    assert bare["score"] == 1.0
    # verl's own keywords for generative reward models are ignored, a typo is refused
    assert verl.compute_score("nsr", tagged(lists_record["answer"]), truth,
                              reward_router_address=None)["score"] == 1.0
    with pytest.raises(ValueError, match="unknown reward option.*time_limt"):
        verl.compute_score("nsr", wrong, truth, time_limt=1)


def test_verl_record_in_extra_info(lists_record) -> None:
    result = verl.compute_score(
        "nsr", tagged(lists_record["answer"]), lists_record["answer"], {"record": lists_record}
    )
    assert result["score"] == 1.0


def test_verl_non_record_row_scores_zero() -> None:
    result = verl.compute_score("math", "\\boxed{4}", "4")
    assert (result["score"], result["acc"], result["reason"]) == (0.0, 0.0, "not_applicable")


# -- TRL ----------------------------------------------------------------------------------------


def trl_call(func, completions, **columns):
    """Call ``func`` as GRPOTrainer does: keywords only, extra columns as lists."""
    size = len(completions)
    return func(
        prompts=[[{"role": "user", "content": "solve"}]] * size,
        completions=completions,
        completion_ids=[[0, 1]] * size,
        trainer_state=None,
        **columns,
    )


def test_trl_conversational_completions_and_not_applicable_rows(lists_record) -> None:
    completions = [
        [{"role": "assistant", "content": tagged(lists_record["answer"])}],
        [{"role": "assistant", "content": [{"type": "text", "text": tagged("[0]")}]}],
        [{"role": "assistant", "content": "\\boxed{12}"}],
    ]
    rewards = trl_call(
        trl.prototype_reward, completions, record=[lists_record, lists_record, None]
    )
    assert rewards == [1.0, 0.0, None]
    assert all(r is None or isinstance(r, float) for r in rewards)


def test_trl_record_columns_spread_over_keywords(lists_record) -> None:
    other = load_record("lists", index=1)
    rows = [lists_record, other]
    columns = {k: [r[k] for r in rows] for k in ("kind", "task", "prototype", "answer", "id")}
    columns["prompt"] = [r["prompt"] for r in rows]
    completions = [tagged(other["answer"]), tagged(other["answer"])]
    expected = [float(lists_record["answer"] == other["answer"]), 1.0]
    assert trl_call(trl.prototype_reward, completions, **columns) == expected


def test_trl_without_ground_truth_columns_is_not_applicable() -> None:
    assert trl_call(trl.prototype_reward, ["a", "b"], solution=["1", "2"]) == [None, None]


def test_trl_async_form_matches_the_sync_form(lists_record) -> None:
    assert inspect.iscoroutinefunction(trl.async_prototype_reward)
    completions = [tagged(lists_record["answer"]), tagged("[]")]
    columns = {"ground_truth": [json.dumps(lists_record)] * 2}

    async def run():
        return await trl_call(trl.async_prototype_reward, completions, **columns)

    assert asyncio.run(run()) == trl_call(trl.prototype_reward, completions, **columns)
    assert asyncio.run(run()) == [1.0, 0.0]


def test_trl_column_length_mismatch_is_a_clear_error(lists_record) -> None:
    with pytest.raises(ValueError, match="column 'record' has 1 entries for 2 completions"):
        trl_call(trl.prototype_reward, ["a", "b"], record=[lists_record])


# -- OpenRLHF -----------------------------------------------------------------------------------


def test_openrlhf_reward_func_returns_tensors(lists_record) -> None:
    torch = pytest.importorskip("torch")
    prompt = lists_record["prompt"] + "\n"
    queries = [prompt + tagged(lists_record["answer"]), prompt + tagged("[1]"),
               prompt + lists_record["answer"] + "<|im_end|>"]
    labels = [json.dumps(lists_record)] * 3
    out = openrlhf.reward_func(queries, [prompt] * 3, labels)
    assert set(out) == {"rewards", "scores", "extra_logs"}
    assert isinstance(out["rewards"], torch.Tensor) and out["rewards"].shape == (3,)
    assert out["rewards"].tolist() == [1.0, 0.0, 1.0]
    assert torch.equal(out["scores"], out["rewards"])
    assert out["extra_logs"]["correct"].tolist() == [1.0, 0.0, 1.0]


@pytest.mark.parametrize("label", ["not a record", None, {"kind": "math"}, "{\"kind\": 1"])
def test_openrlhf_refuses_labels_that_are_not_records(lists_record, label) -> None:
    with pytest.raises(openrlhf.LabelError, match="label 1 .*--data.label_key record"):
        openrlhf.reward_func(["a", "b"], ["", ""], [json.dumps(lists_record), label])


def test_openrlhf_loads_by_file_path(lists_record) -> None:
    torch = pytest.importorskip("torch")
    func = load_by_path(openrlhf.__file__, "reward_func")
    out = func([tagged(lists_record["answer"])], [""], [json.dumps(lists_record)])
    assert isinstance(out["rewards"], torch.Tensor) and out["rewards"].tolist() == [1.0]


def test_openrlhf_response_is_the_query_without_its_prompt() -> None:
    assert openrlhf.response_of("Q: hi A: 1", "Q: hi ") == "A: 1"
    assert openrlhf.response_of("other", "Q:") == "other"


# -- reasoning-gym ------------------------------------------------------------------------------


def test_gym_score_answer_on_entries_and_bare_records(zebra_record) -> None:
    entry = gym.entry_from_record(zebra_record)
    assert set(entry) == {"question", "answer", "metadata"}
    assert gym.score_answer(entry["answer"], entry) == 1.0
    assert gym.score_answer(entry["answer"], zebra_record) == 1.0  # a bare record works too
    assert gym.score_answer("[house(1, [])]", entry) == 0.0
    assert gym.score_answer(None, entry) == 0.0
    assert gym.score_answer("x", {"question": "q", "answer": "x", "metadata": {}}) == 0.0


@pytest.mark.parametrize("task", ["plan_generation", "plan_completion", "plan_reordering"])
def test_gym_plans_of_every_task(task) -> None:
    record = load_record("blocksworld", task)
    entry = gym.entry_from_record(record)
    assert gym.score_answer(record["answer"], entry) == 1.0
    wrong = "\n".join(record["answer"].splitlines()[1:])  # drop the first step
    assert gym.score_answer(wrong, entry) == 0.0


# -- shared core --------------------------------------------------------------------------------


def test_hostile_sample_costs_only_its_own_time_limit(lists_record) -> None:
    hostile = dict(lists_record)
    hostile["prototype"] = {"program": "loop :- loop.", "query": "loop, Answer = 1"}
    verdicts = score_batch(
        [tagged("1"), tagged(lists_record["answer"])], [hostile, lists_record]
    )
    assert verdicts[0].reason in ("time_limit", "inference_limit")
    assert verdicts[1].ok


def test_completion_text_and_bare_answers(lists_record) -> None:
    target = parse_ground_truth(lists_record)
    assert completion_text([{"role": "user", "content": "q"}, {"role": "assistant",
                                                              "content": "a"}]) == "a"
    assert candidate_answer("[1, 2]", target) == "[1, 2]"
    assert candidate_answer("first line\nsecond line", target) is None
    plan = parse_ground_truth(load_record("grid", "plan_generation"))
    assert candidate_answer("(move a b)\n(move b c)", plan) == "(move a b)\n(move b c)"


# -- program mode (ProtoReasoning's conversion task) --------------------------------------------


def test_program_mode_runs_the_models_program_with_the_records_query(lists_record) -> None:
    program = lists_record["prototype"]["program"]
    no_pipeline = "\n".join(
        line for line in program.splitlines() if not line.startswith("pipeline(")
    )
    completions = [
        f"Here is the prototype:\n```prolog\n{program}\n```",
        f"```prolog\n{no_pipeline}\n```",
        "```prolog\npipeline(_, Answer) :- repeat, fail.\n```",
        "```prolog\n:- shell('echo hi').\n```",
    ]
    results = [verl.compute_score("nsr", c, json.dumps(lists_record), mode="program")
               for c in completions]
    assert (results[0]["score"], results[0]["reason"]) == (1.0, "ok")
    assert [r["score"] for r in results[1:]] == [0.0, 0.0, 0.0]
    assert results[2]["reason"] in ("time_limit", "inference_limit")
    assert results[3]["reason"] in ("directive", "unsafe")
    rewards = trl_call(trl.prototype_program_reward, completions[:2], record=[lists_record] * 2)
    assert rewards == [1.0, 0.0]


def test_unknown_mode_is_a_clear_error(lists_record) -> None:
    with pytest.raises(ValueError, match="mode must be one of answer, program"):
        score_batch(["x"], [lists_record], mode="proof")


def test_trl_reward_reports_reasons_and_metrics_through_trls_loggers(lists_record) -> None:
    extra: dict[str, list] = {}
    metrics: dict[str, list] = {}

    def log_extra(column: str, values: list) -> None:
        extra.setdefault(column, []).extend(values)

    def log_metric(name: str, value: float) -> None:
        metrics.setdefault(name, []).append(value)

    completions = [tagged(lists_record["answer"]), "I do not know.\nSorry.",
                   lists_record["answer"] + "</s>",
                   "42"]
    rewards = trl_call(trl.prototype_reward, completions,
                       record=[lists_record, lists_record, lists_record, None],
                       log_extra=log_extra, log_metric=log_metric)
    assert rewards == [1.0, 0.0, 1.0, None]
    assert extra["nsr_reason"] == ["ok", "no_answer", "ok", None]
    assert len(extra["nsr_verify_ms"]) == 4 and extra["nsr_verify_ms"][3] is None
    assert metrics["nsr/accuracy"] == [2 / 3] and metrics["nsr/no_answer_rate"] == [1 / 3]
    assert metrics["nsr/timeout_rate"] == [0.0] and metrics["nsr/verify_seconds"][0] > 0
    asyncio.run(trl.async_prototype_reward(
        prompts=[None], completions=completions[:1], record=[lists_record],
        log_extra=log_extra, log_metric=log_metric))
    assert extra["nsr_reason"][-1] == "ok" and len(metrics["nsr/accuracy"]) == 2


def test_reward_options_from_the_environment(monkeypatch) -> None:
    from nsr.reward.scoring import _env_options

    monkeypatch.setenv("NSR_REWARD_TIME_LIMIT", "1.5")
    monkeypatch.setenv("NSR_REWARD_PARTIAL", "yes")
    monkeypatch.setenv("NSR_REWARD_WORKERS", "3")
    assert _env_options() == {"time_limit": 1.5, "partial": True, "workers": 3}
    monkeypatch.setenv("NSR_REWARD_PARTIAL", "maybe")
    with pytest.raises(ValueError, match="NSR_REWARD_PARTIAL='maybe'"):
        _env_options()
