"""The record format: round trip, and a loader that names the bad line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nsr.errors import DataError, ResourceNotFound
from nsr.prototypes.record import (
    RECORD_VERSION,
    PrototypeRecord,
    canonical_key,
    load_records,
    make_id,
    write_records,
)


def _record(query: str = "member(Answer, [1])", answer: str = "1") -> PrototypeRecord:
    proto = {"program": "p(1).", "query": query}
    return PrototypeRecord(
        id=make_id("demo", "query_answer", canonical_key("prolog", "query_answer", proto)),
        kind="prolog", task="query_answer", family="demo", source="test", prompt="?",
        prototype=proto, answer=answer, difficulty={"level": 1}, seed=3,
        verification={"engine": "swipl", "method": "derived", "inferences": 1},
    )


def test_round_trip(tmp_path: Path) -> None:
    records = [_record(), _record("Answer = 2", "2")]
    path = tmp_path / "r.jsonl"
    assert write_records(path, records) == 2
    assert load_records(path) == records
    first = json.loads(path.read_text().splitlines()[0])
    assert first["version"] == RECORD_VERSION
    assert list(first)[0] == "version"


def test_canonical_key_ignores_layout_not_content() -> None:
    a = canonical_key("prolog", "query_answer", {"program": "p(1).\n% c\n", "query": "p(X)"})
    b = canonical_key("prolog", "query_answer", {"program": "p(1).   ", "query": "p(X)"})
    c = canonical_key("prolog", "query_answer", {"program": "p(2).", "query": "p(X)"})
    assert a == b != c


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda d: "{not json", "not valid JSON"),
        (lambda d: {k: v for k, v in d.items() if k != "answer"}, "missing field(s) answer"),
        (lambda d: {**d, "kind": "lisp"}, "kind 'lisp'"),
        (lambda d: {**d, "task": "plan_generation"}, "not a prolog task"),
        (lambda d: {**d, "version": 99}, "version 99"),
        (lambda d: {**d, "seed": "x"}, "field 'seed' must be int"),
        (lambda d: {**d, "prototype": {"program": "p."}}, "prototype.query"),
        (lambda d: {**d, "verification": {"engine": "x", "method": "guessed"}},
         "verification.method"),
        (lambda d: {**d, "extra": 1}, "unknown field(s) extra"),
    ],
)
def test_loader_names_the_bad_line(tmp_path: Path, mutate, needle: str) -> None:
    good = _record().to_dict()
    bad = mutate(dict(good))
    path = tmp_path / "bad.jsonl"
    other = _record("Answer = 2", "2").to_json()
    path.write_text(other + "\n\n" + (bad if isinstance(bad, str) else json.dumps(bad)) + "\n")
    with pytest.raises(DataError) as info:
        load_records(path)
    assert f"{path}:3" in str(info.value)
    assert needle in str(info.value)


def test_duplicate_ids_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    line = _record().to_json()
    path.write_text(line + "\n" + line + "\n")
    with pytest.raises(DataError, match=r"duplicate id .*\(first on line 1\)"):
        load_records(path)
    with pytest.raises(ResourceNotFound):
        load_records(tmp_path / "absent.jsonl")
