"""`verify` re-derives every answer: 0 mismatches on fresh items, the exact tampered ids
otherwise, and a bad line never stops the rest of the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nsr.prototypes.verify import verify_file

pytestmark = pytest.mark.prolog


def test_fresh_items_verify(mixed_file: Path) -> None:
    report = verify_file(mixed_file, workers=2)
    assert report.checked == 100
    assert report.ok, report.mismatches[:3]


def _tamper(path: Path) -> dict[str, int]:
    """Edit a few records in place; returns id -> line of each edited record."""
    lines = path.read_text().splitlines()
    edited: dict[str, int] = {}
    done: set[str] = set()
    for i, line in enumerate(lines):
        rec = json.loads(line)
        what = (rec["kind"], rec["task"])
        if what in done:
            continue
        if what == ("prolog", "query_answer"):
            rec["answer"] = rec["answer"] + "x" if not rec["answer"].endswith("]") else "[]"
        elif rec["task"] == "plan_generation":
            rec["answer"] = "\n".join(rec["answer"].splitlines()[:-1])  # drop the last step
        elif rec["task"] == "plan_reordering":
            steps = rec["answer"].splitlines()
            rec["answer"] = "\n".join(steps[::-1])
        elif rec["task"] == "plan_completion":
            rec["prototype"]["missing"] += 0
            rec["prototype"]["suffix"] = rec["prototype"]["suffix"][1:]  # edited prototype
            if not rec["prototype"]["suffix"]:
                continue
        done.add(what)
        edited[rec["id"]] = i + 1
        lines[i] = json.dumps(rec)
    path.write_text("\n".join(lines) + "\n")
    return edited


def test_reports_exactly_the_tampered_records(mixed_file: Path) -> None:
    edited = _tamper(mixed_file)
    assert len(edited) == 4
    report = verify_file(mixed_file)
    assert {m.id: m.line for m in report.mismatches} == edited
    reasons = {m.reason for m in report.mismatches}
    assert "answer_mismatch" in reasons and "id_mismatch" in reasons


def test_bad_lines_are_reported_and_the_rest_checked(mixed_file: Path) -> None:
    lines = mixed_file.read_text().splitlines()
    broken = json.loads(lines[0])
    broken["prototype"]["program"] += "\nbroken(:- ."
    lines[0] = json.dumps(broken)
    lines.insert(1, "{oops")
    mixed_file.write_text("\n".join(lines) + "\n")
    report = verify_file(mixed_file)
    by_line = {m.line: m for m in report.mismatches}
    assert set(by_line) == {1, 2}
    assert by_line[2].reason == "malformed"
    assert by_line[1].reason in ("id_mismatch", "syntax_error")
    assert report.checked == 101
