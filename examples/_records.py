"""Shared by the examples: a few shipped prototype records and answers to score."""

from __future__ import annotations

import json

from nsr.resources import resource_path


def first_record(family: str, task: str | None = None) -> dict:
    """The first shipped example record of ``family`` (and ``task``), as a dict."""
    path = resource_path("prototypes", "examples", f"{family}.jsonl")
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if task is None or record["task"] == task:
            return record
    raise LookupError(f"no {task or ''} record in {path}")


def wrong_list(answer: str) -> str:
    """A different Prolog list: the derived answer with one more element."""
    return answer[:-1] + (", 99]" if answer != "[]" else "99]")
