"""The reward server on 127.0.0.1 with an ephemeral port: endpoints, limits, drain, load."""

from __future__ import annotations

import concurrent.futures
import json
import threading
import time
from collections.abc import Iterator, Sequence

import pytest

from nsr.reward.server import RewardServer, ServerConfig, create_app
from nsr.verify import Item, Verdict, Verifier

from .conftest import FAST, wrong_list

httpx = pytest.importorskip("httpx")
pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

pytestmark = pytest.mark.prolog  # the module's server runs a real Verifier


class SlowChecker:
    """A checker that takes ``delay`` seconds per batch and remembers it was closed."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.closed = False
        self.finished = 0

    def check_many(self, items: Sequence[Item]) -> list[Verdict]:
        time.sleep(self.delay)
        self.finished += 1
        return [Verdict(1.0, "ok") for _ in items]

    def close(self) -> None:
        self.closed = True


@pytest.fixture(scope="module")
def server() -> Iterator[RewardServer]:
    verifier = Verifier(**FAST).start()
    config = ServerConfig(max_body_bytes=64_000, deadline=10.0, max_batch=50)
    running = RewardServer(create_app(verifier, config, on_shutdown=verifier.close)).start()
    yield running
    assert running.stop(timeout=30)


def test_get_reward_speaks_openrlhf(server, lists_record) -> None:
    prompt = "Q\n"
    body = {
        "query": [prompt + f"<answer>{lists_record['answer']}</answer>",
                  prompt + f"<answer>{wrong_list(lists_record['answer'])}</answer>"],
        "prompts": [prompt, prompt],
        "labels": [json.dumps(lists_record)] * 2,
    }
    reply = httpx.post(f"{server.url}/get_reward", json=body, timeout=30)
    assert reply.status_code == 200
    data = reply.json()
    assert data["rewards"] == [1.0, 0.0] and data["scores"] == [1.0, 0.0]
    assert data["extra_logs"]["correct"] == [1.0, 0.0]
    assert data["reasons"] == ["ok", "wrong_answer"]


def test_score_returns_verdicts_and_nulls(server, lists_record) -> None:
    body = {"completions": [lists_record["answer"], "x"], "ground_truths": [lists_record, None],
            "extract": False}
    data = httpx.post(f"{server.url}/score", json=body, timeout=30).json()
    assert data["scores"] == [1.0, None]
    assert data["verdicts"][0]["reason"] == "ok" and data["verdicts"][1] is None


def test_bad_requests_get_json_errors(server) -> None:
    url = server.url
    too_big = httpx.post(f"{url}/score", content=b"[" + b"1," * 40_000 + b"1]", timeout=30)
    assert too_big.status_code == 413 and "bytes" in too_big.json()["error"]
    batch = {"completions": ["a"] * 51, "ground_truths": [None] * 51}
    assert httpx.post(f"{url}/score", json=batch, timeout=30).status_code == 413
    bad_json = httpx.post(f"{url}/score", content=b"{nope", timeout=30)
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["error"]
    missing = httpx.post(f"{url}/get_reward", json={"prompts": []}, timeout=30)
    assert missing.status_code == 400 and "'query'" in missing.json()["error"]
    assert httpx.get(f"{url}/score", timeout=30).status_code == 405
    assert httpx.post(f"{url}/health", timeout=30).status_code == 405
    unknown = httpx.get(f"{url}/nope", timeout=30)
    assert unknown.status_code == 404 and "/nope" in unknown.json()["error"]


def test_health_and_metrics(server) -> None:
    assert httpx.get(f"{server.url}/health", timeout=30).json()["status"] == "ok"
    metrics = httpx.get(f"{server.url}/metrics", timeout=30).json()
    assert set(metrics) >= {"requests", "statuses", "samples", "reasons", "latency_ms"}
    for window in metrics["latency_ms"].values():
        assert window["p50"] <= window["p99"] <= window["max"]


def test_concurrent_clients_lose_no_request(server, lists_record) -> None:
    before = httpx.get(f"{server.url}/metrics", timeout=30).json()["requests"].get("/score", 0)
    right, wrong = lists_record["answer"], wrong_list(lists_record["answer"])

    def one(i: int) -> float:
        body = {"completions": [right if i % 2 else wrong], "ground_truths": [lists_record]}
        with httpx.Client(timeout=30) as client:
            reply = client.post(f"{server.url}/score", json=body)
        reply.raise_for_status()
        return reply.json()["scores"][0]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        scores = list(pool.map(one, range(120)))
    assert scores == [float(i % 2) for i in range(120)]
    after = httpx.get(f"{server.url}/metrics", timeout=30).json()["requests"]["/score"]
    assert after - before == 120


def test_deadline_gives_504_and_the_server_keeps_serving() -> None:
    checker = SlowChecker(delay=1.0)
    config = ServerConfig(deadline=0.2)
    running = RewardServer(create_app(checker, config, on_shutdown=checker.close)).start()
    try:
        body = {"completions": ["a"], "ground_truths": [{"kind": "prolog", "program": "",
                                                         "query": "p(X)"}]}
        reply = httpx.post(f"{running.url}/score", json=body, timeout=30)
        assert reply.status_code == 504
        assert "longer than 0.2 s" in reply.json()["error"]
        assert httpx.get(f"{running.url}/health", timeout=30).status_code == 200
    finally:
        assert running.stop(timeout=30)
    assert checker.closed


def test_shutdown_drains_in_flight_requests_then_closes() -> None:
    checker = SlowChecker(delay=0.8)
    running = RewardServer(create_app(checker, on_shutdown=checker.close)).start()
    body = {"completions": ["a"], "ground_truths": [{"kind": "prolog", "program": "",
                                                     "query": "p(X)"}]}
    result: dict[str, int] = {}

    def call() -> None:
        result["status"] = httpx.post(f"{running.url}/score", json=body, timeout=30).status_code

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.3)  # the request is in flight
    assert running.stop(timeout=30)
    caller.join(10)
    assert result.get("status") == 200  # answered, not dropped
    assert checker.finished == 1 and checker.closed
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{running.url}/health", timeout=2)


def test_score_in_program_mode_and_bad_mode(server, lists_record) -> None:
    program = lists_record["prototype"]["program"]
    body = {"completions": [f"```prolog\n{program}\n```"], "ground_truths": [lists_record],
            "mode": "program"}
    assert httpx.post(f"{server.url}/score", json=body, timeout=30).json()["scores"] == [1.0]
    reply = httpx.post(f"{server.url}/score", json={**body, "mode": "proof"}, timeout=30)
    assert reply.status_code == 400 and "mode must be one of" in reply.json()["error"]
