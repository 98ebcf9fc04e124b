"""OpenRLHF's own single-turn agent executor scores our rows: the prompt built by its
``preprocess_data`` (chat template applied) from a ``--format openrlhf`` row, the label from
``--data.label_key record``, a stub engine in place of vLLM that "generates" the response
tokens, and the reward fetched by OpenRLHF's code from ``nsr serve`` (HTTP) or from our
``reward_func`` file."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest

from nsr.prototypes.export import export
from nsr.prototypes.record import record_from_dict
from nsr.reward import openrlhf as nsr_openrlhf
from nsr.reward.server import RewardServer, create_app

from .conftest import END, correct_forms, shipped_records

pytest.importorskip("openrlhf", reason="OpenRLHF is not installed (make frameworks)")
pytest.importorskip("aiohttp", reason="aiohttp is not installed")
datasets = pytest.importorskip("datasets", reason="datasets is not installed")

pytestmark = [pytest.mark.frameworks, pytest.mark.prolog, pytest.mark.pddl]


class StubEngine:
    """Stands in for vLLM: answers every prompt with the token ids of ``text``."""

    def __init__(self, tokenizer, text: str) -> None:
        self.ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        self.text = text

    async def generate(self, prompt_ids, sampling_params, multi_modal_data=None):
        output = SimpleNamespace(token_ids=self.ids, text=self.text, finish_reason="stop",
                                 logprobs=None)
        return SimpleNamespace(outputs=[output])


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    records = [record_from_dict(r) for r in shipped_records()]
    out = export(records, tmp_path_factory.mktemp("orl") / "train.jsonl", "openrlhf")
    return list(datasets.load_dataset("json", data_files=str(out), split="train"))


@pytest.fixture(scope="module")
def server():
    from nsr.verify import Verifier

    verifier = Verifier(workers=2, time_limit=1.0, kill_margin=0.3).start()
    running = RewardServer(create_app(verifier, on_shutdown=verifier.close)).start()
    yield running
    running.stop()


def first(value) -> float:
    """The one sample's value: a list (HTTP, as OpenRLHF's own reward server answers) or a
    tensor (the Python reward_func)."""
    return float(value[0])


def execute(tokenizer, endpoint: str, row: dict, response: str) -> dict:
    from openrlhf.datasets.prompts_dataset import preprocess_data
    from openrlhf.utils.agent import SingleTurnAgentExecutor

    prompt, label = preprocess_data(row, input_key="prompt", label_key="record",
                                    apply_chat_template=tokenizer.apply_chat_template)
    executor = SingleTurnAgentExecutor(endpoint)
    params = SimpleNamespace(max_tokens=len(response) + 8, logprobs=None)
    return asyncio.run(executor.execute(prompt, label, params, 100_000, tokenizer,
                                        StubEngine(tokenizer, response)))


@pytest.mark.parametrize("via", ["http", "python"])
def test_every_exported_row_scores_one_with_its_stored_answer(tokenizer, rows, server, via):
    endpoint = f"{server.url}/get_reward" if via == "http" else nsr_openrlhf.__file__
    rewards = []
    for row in rows:
        answer = json.loads(row["record"])["answer"]
        out = execute(tokenizer, endpoint, row, f"<answer>{answer}</answer>{END}")
        rewards.append(first(out["reward"]))
    assert rewards == [1.0] * len(rows)


@pytest.mark.parametrize("via", ["http", "python"])
def test_answer_forms_wrong_and_hostile(tokenizer, rows, server, via) -> None:
    endpoint = f"{server.url}/get_reward" if via == "http" else nsr_openrlhf.__file__
    row = next(r for r in rows if r["kind"] == "prolog")
    answer = json.loads(row["record"])["answer"]
    texts = [*correct_forms(answer).values(), "<answer>[nobody]</answer>" + END,
             "<answer>" + "f(" * 100_000 + "</answer>" + END]
    outs = [execute(tokenizer, endpoint, row, t) for t in texts]

    assert [first(o["reward"]) for o in outs] == [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    # the per-sample logs OpenRLHF turns into metrics: correctness and verify time
    assert first(outs[0]["extra_logs"]["correct"]) == 1.0
    assert first(outs[-1]["extra_logs"]["verify_seconds"]) < 1.0 + 0.3 + 0.5
