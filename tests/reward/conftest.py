"""Fixtures for the reward tests: shipped prototype records and a fast shared verifier."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from nsr.resources import resource_path
from nsr.reward import close_shared, configure

FAST = dict(workers=2, time_limit=1.0, kill_margin=0.3, inference_limit=5_000_000)


def load_record(family: str, task: str | None = None, index: int = 0) -> dict[str, Any]:
    """The ``index``-th shipped example record of ``family`` (and ``task``)."""
    path = resource_path("prototypes", "examples", f"{family}.jsonl")
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    matching = [r for r in records if task is None or r["task"] == task]
    return matching[index]


def wrong_list(answer: str) -> str:
    """A Prolog list that differs from ``answer`` (one more element)."""
    return answer[:-1] + (", 99]" if answer != "[]" else "99]")


@pytest.fixture(scope="session", autouse=True)
def shared_verifier_options() -> Iterator[None]:
    """Every adapter in these tests uses the shared verifier with small limits."""
    configure(**FAST)
    yield
    close_shared()


@pytest.fixture()
def lists_record() -> dict[str, Any]:
    return load_record("lists")


@pytest.fixture()
def zebra_record() -> dict[str, Any]:
    return load_record("zebra")
