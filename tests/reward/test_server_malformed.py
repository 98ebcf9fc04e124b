"""Every malformed body gets a 4xx JSON answer with a message, never a 500 and never a silent
reward of 0: a fixed list of the bodies users and adversaries send, then a hypothesis fuzz of
both endpoints. The app runs in-process (Starlette's test client) with a fake checker, so
only the request handling is under test."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import pytest

from nsr.reward.server import ServerConfig, create_app
from nsr.verify import Item, Verdict

from .conftest import load_record

pytest.importorskip("starlette")
pytest.importorskip("httpx")
hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies


class OkChecker:
    def check_many(self, items: Sequence[Item]) -> list[Verdict]:
        return [Verdict(1.0, "ok") for _ in items]


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    from starlette.testclient import TestClient

    app = create_app(OkChecker(), ServerConfig(max_body_bytes=2_000_000, max_batch=64))
    with TestClient(app, raise_server_exceptions=False) as running:
        yield running


RECORD = json.dumps(load_record("lists"))
NESTED = "[" * 100_000 + "]" * 100_000

BAD_BODIES = [
    ("/get_reward", '{"query": [1], "prompts": [], "labels": [{}]}', "query[0] must be text"),
    ("/get_reward", '{"query": ' + NESTED + "}", "nested too deeply"),
    ("/get_reward", '{"query": ["x"], "prompts": ["p"]}', "lacks 'labels'"),
    ("/get_reward", '{"query": ["x"], "prompts": ["p"], "labels": null}', "lacks 'labels'"),
    ("/get_reward", json.dumps({"query": ["x"], "labels": ["42"]}), "not a prototype record"),
    ("/get_reward", json.dumps({"query": ["x"], "labels": [{"kind": "math"}]}),
     "not a prototype record"),
    ("/get_reward", json.dumps({"query": ["x"], "labels": [RECORD, RECORD]}), "2 labels"),
    ("/get_reward", json.dumps({"query": ["x"], "prompts": [3], "labels": [RECORD]}),
     "prompts[0] must be text"),
    ("/get_reward", json.dumps({"query": ["x"], "labels": [RECORD], "mode": ["a"]}), "mode"),
    ("/get_reward", json.dumps({"query": "x", "labels": [RECORD]}), "must be a list"),
    ("/get_reward", "[1, 2]", "must be a JSON object"),
    ("/get_reward", "\xff\xfe", "not valid JSON"),
    ("/score", json.dumps({"completions": [1], "ground_truths": [RECORD]}), "completions[0]"),
    ("/score", json.dumps({"completions": ["x"], "ground_truths": [RECORD], "extract": 1}),
     "extract"),
    ("/score", '{"completions": ["x"], "ground_truths": ' + NESTED + "}", "nested too deeply"),
]


@pytest.mark.parametrize(("path", "body", "message"), BAD_BODIES)
def test_malformed_bodies_are_4xx_json_with_a_message(client, path, body, message) -> None:
    reply = client.post(path, content=body.encode("utf-8", "surrogateescape"))
    assert 400 <= reply.status_code < 500, reply.text
    assert message in reply.json()["error"]


def test_a_good_body_still_scores(client) -> None:
    record = json.loads(RECORD)
    reply = client.post("/get_reward", json={"query": [record["answer"] + "<|im_end|>"],
                                             "prompts": [""], "labels": [RECORD]})
    assert reply.status_code == 200 and reply.json()["rewards"] == [1.0]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20,
)
KEYS = st.sampled_from(["query", "prompts", "labels", "mode", "completions", "ground_truths",
                        "extract"])
BODIES = st.one_of(
    JSON.map(json.dumps),
    st.dictionaries(KEYS, JSON | st.just([RECORD]) | st.just(["x"]), max_size=5).map(json.dumps),
    st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
)


@hypothesis.settings(max_examples=150, deadline=None, derandomize=True,
                     suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
@hypothesis.given(path=st.sampled_from(["/get_reward", "/score"]), body=BODIES)
def test_fuzzed_bodies_never_get_a_500(client, path, body) -> None:
    reply = client.post(path, content=body.encode("utf-8", "surrogatepass"))
    assert reply.status_code in (200, 400, 413), reply.text
    assert isinstance(reply.json(), dict)
    if reply.status_code == 400:
        assert reply.json()["error"]
