"""Reward throughput with many concurrent callers sharing ONE verifier pool (issue 15).

Three set-ups, each the way a trainer calls us:

- ``verl_async``: 64 coroutines awaiting ``nsr.reward.verl.compute_score_async`` one sample
  at a time (verl's reward loop awaits one call per sample);
- ``trl_async``: 64 coroutines awaiting ``nsr.reward.trl.async_prototype_reward`` on
  8-completion batches (TRL's async reward functions);
- ``http``: ``nsr serve`` in a subprocess, 64 keep-alive connections each posting one-sample
  ``/get_reward`` bodies (OpenRLHF's protocol and granularity). The client is a minimal
  asyncio HTTP/1.1 client so that it takes little of the 2 cores from the server.

Each runs with benign samples (throughput) and with 10% hostile samples (p99 latency against
``time_limit + 100 ms``). Every reply is checked (right answers must score 1, wrong 0). The
machine's load average is recorded, since the cores are shared.

Run: ``python benchmarks/rewards.py`` (~2-3 minutes); writes results/rewards.json and the
``rewards`` section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    machine_facts,
    markdown_table,
    start_serve,
    stop_child,
    update_results_md,
    wait_for_url,
    write_json,
)

CALLERS = 64
TIME_LIMIT = 1.0
WORKERS = 2
SEED = 0


def samples(n: int, hostile_fraction: float) -> list[tuple[str, dict[str, Any], float]]:
    """``(completion, record, expected score)``: benign ancestor-count problems (half answered
    right, half wrong) with a seeded fraction replaced by hostile programs' answers."""
    from nsr.verify.bench import HOSTILE, benign_items

    rng = random.Random(SEED + 1)
    out = []
    for i, item in enumerate(benign_items(n, SEED)):
        record = {"kind": "prolog", "id": f"b{i}", "program": item.program,
                  "query": item.query.replace(" X)", " Answer)")}
        if rng.random() < hostile_fraction:
            bad = rng.choice(HOSTILE)
            hostile = {"kind": "prolog", "id": f"h{i}", "program": bad.program,
                       "query": _answer_query(bad.query)}
            out.append((f"<answer>{bad.expected}</answer>", hostile, 0.0))
        elif i % 2 == 0:
            out.append((f"<answer>{item.expected}</answer><|im_end|>", record, 1.0))
        else:
            out.append((f"<answer>{int(item.expected) + 1}</answer>", record, 0.0))
    return out


def _answer_query(query: str) -> str:
    # the hostile queries bind X; records bind Answer
    return query.replace("X", "Answer")


def _p99_ms(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000, 3)


def _summary(latencies: list[float], wall: float, calls: int, n: int, wrong: int,
             reasons: Counter[str], verify: list[float]) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {
        # worker start to verdict per sample (the verifier's latency, the p99 target)
        "verify_p99_ms": _p99_ms(verify),
        "samples": n,
        "calls": calls,
        "wall_seconds": round(wall, 3),
        "samples_per_s": round(n / wall, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": _p99_ms(ordered),  # caller-observed, queueing included
        "wrong_scores": wrong,
        "reasons": dict(reasons),
    }


def verl_async(n: int, hostile: float) -> dict[str, Any]:
    from nsr.reward import close_shared, configure
    from nsr.reward.verl import compute_score_async

    rows = samples(n, hostile)
    configure(workers=WORKERS, time_limit=TIME_LIMIT)
    latencies: list[float] = []
    verify: list[float] = []
    wrong = 0
    reasons: Counter[str] = Counter()

    async def main() -> float:
        nonlocal wrong
        queue = iter(rows)
        await compute_score_async("w", rows[0][0], rows[0][1])  # start the pool

        async def caller() -> None:
            nonlocal wrong
            for text, record, want in queue:
                began = time.perf_counter()
                result = await compute_score_async("nsr", text, record)
                latencies.append(time.perf_counter() - began)
                wrong += result["score"] != want
                reasons[result["reason"]] += 1
                verify.append(result["verify_seconds"])

        start = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(CALLERS)))
        return time.perf_counter() - start

    wall = asyncio.run(main())
    close_shared()
    return _summary(latencies, wall, len(rows), len(rows), wrong, reasons, verify)


def trl_async(n: int, hostile: float, per_call: int = 8) -> dict[str, Any]:
    from nsr.reward import close_shared, configure
    from nsr.reward.trl import async_prototype_reward

    rows = samples(n, hostile)
    batches = [rows[i : i + per_call] for i in range(0, len(rows), per_call)]
    configure(workers=WORKERS, time_limit=TIME_LIMIT)
    latencies: list[float] = []
    verify: list[float] = []
    reasons: Counter[str] = Counter()
    wrong = 0

    def log_extra(column: str, values: list[Any]) -> None:  # TRL's logging hook
        if column == "nsr_verify_ms":
            verify.extend(v / 1000 for v in values)
        elif column == "nsr_reason":
            reasons.update(values)

    async def main() -> float:
        queue = iter(batches)
        await async_prototype_reward(prompts=[None], completions=[rows[0][0]],
                                     record=[rows[0][1]])

        async def caller() -> None:
            nonlocal wrong
            for batch in queue:
                began = time.perf_counter()
                got = await async_prototype_reward(
                    prompts=[None] * len(batch), completions=[b[0] for b in batch],
                    record=[b[1] for b in batch], log_extra=log_extra)
                latencies.append(time.perf_counter() - began)
                wrong += sum(g != b[2] for g, b in zip(got, batch, strict=True))

        start = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(CALLERS)))
        return time.perf_counter() - start

    wall = asyncio.run(main())
    close_shared()
    return _summary(latencies, wall, len(batches), len(rows), wrong, reasons, verify)


def http(n: int, hostile: float) -> dict[str, Any]:
    rows = samples(n, hostile)
    bodies = [json.dumps({"query": [f"Q{i}" + text], "prompts": [f"Q{i}"],
                          "labels": [json.dumps(record)]}).encode()
              for i, (text, record, _) in enumerate(rows)]
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "serve.log"
        proc = start_serve(log_path, WORKERS, TIME_LIMIT)
        try:
            url = wait_for_url(log_path, proc)
            host, port = url.removeprefix("http://").rsplit(":", 1)
            result = asyncio.run(_drive(host, int(port), bodies, [r[2] for r in rows]))
        finally:
            status = stop_child(proc)
    result["exit_status"] = status
    return result


async def _drive(host: str, port: int, bodies: list[bytes], want: list[float]) -> dict[str, Any]:
    latencies: list[float] = []
    verify: list[float] = []
    wrong = 0
    errors: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    queue = iter(range(len(bodies)))

    async def client() -> None:
        nonlocal wrong
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for index in queue:
                body = bodies[index]
                began = time.perf_counter()
                writer.write(b"POST /get_reward HTTP/1.1\r\nHost: bench\r\n"
                             b"Content-Type: application/json\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\n\r\n" + body)
                status = int((await reader.readline()).split()[1])
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                reply = json.loads(await reader.readexactly(length))
                latencies.append(time.perf_counter() - began)
                if status != 200:
                    errors[f"http_{status}"] += 1
                    continue
                wrong += reply["rewards"][0] != want[index]
                reasons[reply["reasons"][0]] += 1
                verify.append(reply["extra_logs"]["verify_seconds"][0])
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CALLERS)))
    wall = time.perf_counter() - start
    result = _summary(latencies, wall, len(bodies), len(bodies), wrong, reasons, verify)
    result["errors"] = dict(errors)
    result["requests_per_s"] = result.pop("samples_per_s")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=8000, help="benign samples per set-up")
    parser.add_argument("--hostile-n", type=int, default=600, help="samples with 10%% hostile")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    rows: list[dict[str, Any]] = []
    for name, run in (("verl_async", verl_async), ("trl_async", trl_async), ("http", http)):
        for hostile, n in ((0.0, args.n), (0.1, args.hostile_n)):
            load = os.getloadavg()[0]
            result = run(n, hostile)
            rows.append({"setup": name, "hostile": hostile, "load_1min_before": load, **result})
            print(json.dumps(rows[-1]), flush=True)
    facts = {**machine_facts(), "load_average_before": load_before,
             "load_average_after": os.getloadavg()}
    write_json("rewards", {"rows": rows, "callers": CALLERS, "workers": WORKERS,
                           "time_limit": TIME_LIMIT, "machine": facts})
    table = markdown_table(
        ["set-up", "hostile", "samples", "calls", "samples/s", "verify p99 ms",
         "caller p50 ms", "caller p99 ms", "wrong", "load (1 min)"],
        [[r["setup"], f"{r['hostile']:.0%}", r["samples"], r["calls"],
          f"{r.get('samples_per_s', r.get('requests_per_s')):,.0f}", r["verify_p99_ms"],
          r["p50_ms"], r["p99_ms"], r["wrong_scores"], f"{r['load_1min_before']:.1f}"]
         for r in rows])
    update_results_md("rewards", (
        "## Rewards with 64 concurrent callers, one pool (`benchmarks/rewards.py`)\n\n"
        f"{CALLERS} concurrent callers, one verifier pool of {WORKERS} workers, time limit "
        f"{TIME_LIMIT:g} s; verl_async = `compute_score_async` per sample, trl_async = "
        "`async_prototype_reward` on 8-completion batches (samples/s counts completions), "
        "http = `nsr serve`, one sample per `/get_reward` request on keep-alive connections. "
        "Half the benign answers are right (`<|im_end|>` appended), half wrong; every reply "
        "checked. verify p99 = from the moment a worker could start the sample (sent to an "
        "idle worker, or the previous reply read when it was queued in the worker's pipe) to "
        "its verdict (target with 10% hostile: "
        f"<= {TIME_LIMIT * 1000 + 100:,.0f} ms); caller p99 adds the queueing of a saturated "
        "closed loop (64 callers resubmitting at once behind hostile samples that hold a "
        "worker for their whole limit). The machine's 2 cores were shared with other work: "
        "the load column is the 1-minute load average when the row started.\n\n"
        + table + "\n"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
