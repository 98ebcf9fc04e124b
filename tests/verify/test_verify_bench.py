"""The benchmark's workload is honest: its expected answers (from a Python oracle) agree with
Prolog, hostile samples really fail, and every row is complete. Speed itself is not asserted."""

from __future__ import annotations

import pytest

from nsr.verify.bench import BenchRow, benign_items, measure, mixed_items

pytestmark = pytest.mark.prolog


def test_benign_items_are_seeded_and_distinct() -> None:
    assert benign_items(30, 1) == benign_items(30, 1)
    assert len({item.program for item in benign_items(30, 1)}) > 20
    assert len({item.program for item in benign_items(30, 1, repeat_program=True)}) == 1
    hostile = [it for it in mixed_items(200, 0.1, 1) if "ancestor" not in it.program]
    assert 5 <= len(hostile) <= 40


def test_measure_rows_are_complete_and_answers_agree_with_prolog() -> None:
    rows = measure(workers=(1,), n=40, hostile_fraction=(0.0, 0.1), time_limit=0.3,
                   subprocess_n=2)
    assert [(r.mode, r.hostile_fraction) for r in rows] == [
        ("pool", 0.0), ("pool", 0.1), ("subprocess", 0.0), ("bare_subprocess", 0.0)
    ]
    assert all(isinstance(r, BenchRow) and r.throughput > 0 and r.p99_ms >= r.p50_ms for r in rows)
    assert rows[0].reasons == {"ok": 40}
    assert rows[2].reasons == {"ok": 2} and rows[3].reasons == {"ok": 2}
    assert rows[1].reasons.get("ok", 0) < 40 and sum(rows[1].reasons.values()) == 40
