"""The engine-agnostic worker pool, driven by tiny Python workers that misbehave on purpose."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nsr.errors import EngineError
from nsr.verify.pool import Job, WorkerPool, WorkerSpec

# Answers {"id": token, "echo": text}; "stale" first sends a reply with a wrong id, "garble"
# sends a broken line, "hang" never answers, "die" exits.
WORKER = r"""
import json, sys, time
print('{"ready":true}', flush=True)
for line in sys.stdin:
    req = json.loads(line)
    text = req["text"]
    if text == "stale":
        print(json.dumps({"id": -1, "echo": "old"}), flush=True)
    if text == "garble":
        print("{not json", flush=True)
        continue
    if text == "hang":
        time.sleep(60)
    if text == "die":
        sys.exit(3)
    print(json.dumps({"id": req["id"], "echo": text}), flush=True)
"""


def job(token: int, text: str, deadline: float = 5.0) -> Job:
    return Job((json.dumps({"id": token, "text": text}) + "\n").encode(), deadline, token)


@pytest.fixture()
def pool(tmp_path: Path) -> Iterator[WorkerPool]:
    spec = WorkerSpec("echo", (sys.executable, "-c", WORKER), memory_limit_mb=None)
    p = WorkerPool(spec, 2, tmp_path)
    yield p
    p.close()


def test_results_keep_order_and_stale_replies_are_ignored(pool: WorkerPool) -> None:
    texts = ["a", "stale", "b", "c", "stale", "d"]
    results = pool.run([job(i + 1, t) for i, t in enumerate(texts)])
    assert [r.reply["echo"] for r in results if r.reply] == texts
    assert all(r.failure is None and r.seconds >= 0 for r in results)


def test_garbled_late_and_dead_workers_are_replaced(pool: WorkerPool) -> None:
    jobs = [job(1, "garble"), job(2, "hang", deadline=0.5), job(3, "die"), job(4, "ok")]
    results = pool.run(jobs)
    assert [r.failure for r in results] == ["crashed", "killed", "crashed", None]
    assert "killed and restarted" in results[1].message
    after = pool.run([job(5, "x"), job(6, "y"), job(7, "z")])
    assert [r.reply["echo"] for r in after if r.reply] == ["x", "y", "z"]
    assert len(pool.pids()) == 2


def test_a_closed_pool_refuses_work(pool: WorkerPool) -> None:
    pool.close()
    with pytest.raises(EngineError, match="closed"):
        pool.run([job(1, "a")])
