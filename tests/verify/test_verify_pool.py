"""The engine-agnostic worker pool, driven by tiny Python workers that misbehave on purpose."""

from __future__ import annotations

import json
import sys
import threading
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


def test_jobs_queued_behind_a_killed_job_are_rerun_not_failed(tmp_path: Path) -> None:
    # One worker, so "a" and "b" are pipelined behind "hang" (sent while it is young).
    spec = WorkerSpec("echo", (sys.executable, "-c", WORKER), memory_limit_mb=None)
    lone = WorkerPool(spec, 1, tmp_path, depth=4)
    try:
        results = lone.run([job(1, "hang", deadline=0.5), job(2, "a"), job(3, "b")])
        assert [r.failure for r in results] == ["killed", None, None]
        assert [r.reply["echo"] for r in results[1:] if r.reply] == ["a", "b"]
        # their time counts from when a worker could start them, not from the hang
        assert all(r.seconds < 0.5 for r in results[1:])
    finally:
        lone.close()


def test_submit_returns_at_once_and_streams_results(pool: WorkerPool) -> None:
    seen: list[tuple[int, str]] = []
    both = threading.Event()

    def on_result(index: int, result) -> None:
        seen.append((index, result.reply["echo"]))
        if len(seen) == 2:
            both.set()

    ticket = pool.submit([job(1, "hang", deadline=30), job(2, "x"), job(3, "y")], on_result,
                         waitable=False)
    assert both.wait(20)  # the hanging job holds one worker, the queue flows to the other
    assert sorted(seen) == [(1, "x"), (2, "y")]
    with pytest.raises(EngineError, match="callbacks only"):
        ticket.wait()


def test_closing_fails_the_jobs_still_running(tmp_path: Path) -> None:
    spec = WorkerSpec("echo", (sys.executable, "-c", WORKER), memory_limit_mb=None)
    lone = WorkerPool(spec, 1, tmp_path)
    errors: list[BaseException] = []
    failed = threading.Event()

    def on_error(exc: BaseException) -> None:
        errors.append(exc)
        failed.set()

    lone.submit([job(1, "hang", deadline=30)], None, on_error, waitable=False)
    lone.close()
    assert failed.wait(10)
    assert isinstance(errors[0], EngineError) and "closed" in str(errors[0])
    assert lone.pids() == []


def test_a_forked_child_is_told_to_start_its_own_pool(pool: WorkerPool) -> None:
    owner, pool._pid = pool._pid, -1  # what a child sees after fork: no driver thread
    try:
        with pytest.raises(EngineError, match="belongs to process"):
            pool.run([job(1, "a")])
        pool.close()  # a no-op in a child: the workers are the parent's
        assert len(pool.pids()) == 2
    finally:
        pool._pid = owner
