"""Verifier and reward-server throughput: isolated pool vs a process per sample vs in-process
pyswip, plan validation ours vs unified-planning's, and a bounded load test of ``nsr serve``.

Run: ``.venv/bin/python benchmarks/verify.py`` (``--quick`` for a smoke run). Writes
benchmarks/results/verify.json and the ``verify`` section of benchmarks/RESULTS.md.

Targets (issue 6): >= 1,000 benign Prolog verifications/s on 2 cores through the isolated pool
and >= 20x a ``swipl`` subprocess per sample; p99 latency <= time limit + 100 ms with 10%
hostile samples; the server answers 10,000 requests from 32 concurrent clients (127.0.0.1
only) with no error and no lost request, then shuts down cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (  # noqa: E402
    markdown_table,
    peak_rss_mb,
    start_serve,
    stop_child,
    update_results_md,
    wait_for_url,
    write_json,
)

SEED = 0
TIME_LIMIT = 1.0


def prolog_rows(n: int, hostile_n: int, subprocess_n: int) -> list[dict[str, Any]]:
    """Pool rows (1 and 2 workers, 0% and 10% hostile) plus the process-per-sample rows.

    The hostile mix runs fewer samples: each hostile loop costs a full time limit.
    """
    from nsr.verify.bench import measure

    rows = measure((1, 2), n, (0.0,), time_limit=TIME_LIMIT, subprocess_n=subprocess_n,
                   seed=SEED)
    rows += measure((1, 2), hostile_n, (0.1,), time_limit=TIME_LIMIT, subprocess_n=0, seed=SEED)
    return [asdict(row) for row in rows]


def pyswip_row(n: int) -> dict[str, Any]:
    """The same benign samples in THIS process through nsr.backends.prolog (pyswip): no
    sandbox, no isolation (a looping sample would need its time limit; a crash kills us)."""
    from nsr.backends.prolog import get_engine
    from nsr.verify.bench import benign_items

    engine = get_engine()
    items = benign_items(n, SEED)
    latencies, ok = [], 0
    start = time.perf_counter()
    for index, item in enumerate(items):
        began = time.perf_counter()
        module = f"bench_{index % 8}"
        engine.consult_text(item.program, module)
        # Our own generated integers: safe to put in the goal text (benchmark only).
        ok += engine.has_solution(f"({item.query}), X =:= {int(item.expected)}", module=module,
                                  time_limit=TIME_LIMIT)
        latencies.append((time.perf_counter() - began) * 1000)
    wall = time.perf_counter() - start
    return {
        "mode": "in_process_pyswip",
        "workers": 1,
        "hostile_fraction": 0.0,
        "n": n,
        "throughput": n / wall,
        "p50_ms": statistics.median(latencies),
        "p99_ms": _percentile(latencies, 0.99),
        "time_limit": TIME_LIMIT,
        "reasons": {"ok": ok, "wrong_answer": n - ok},
    }


def plan_rows(n: int, up_n: int) -> list[dict[str, Any]]:
    """Validating the shipped plan records' answers: isolated pool, in-process grounded
    validator, unified-planning's validator (tasks parsed once, outside the timing)."""
    from nsr.backends.pddl.grounded import parse_domain, parse_problem, validate
    from nsr.backends.pddl.plans import parse_plan
    from nsr.backends.pddl.up_engine import load_task, validate_up
    from nsr.resources import resource_path
    from nsr.verify import PlanItem, Verifier
    from nsr.verify.targets import build_item, parse_ground_truth

    records = []
    for family in ("blocksworld", "gripper", "grid", "logistics"):
        path = resource_path("prototypes", "examples", f"{family}.jsonl")
        records += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    items = [build_item(parse_ground_truth(r), r["answer"]) for r in records]
    items = [item for item in items if isinstance(item, PlanItem)]
    steps = statistics.mean(len(parse_plan(i.plan)) for i in items)
    rows = []

    batch = [items[i % len(items)] for i in range(n)]
    with Verifier(workers=2, time_limit=TIME_LIMIT) as verifier:
        verifier.check_many(batch[:20])
        start = time.perf_counter()
        verdicts = verifier.check_many(batch)
        wall = time.perf_counter() - start
    rows.append(_plan_row("pool, 2 workers (ours)", n, wall, verdicts.count(None) == 0 and
                          sum(v.ok for v in verdicts)))

    parsed = [(parse_domain(i.domain), i) for i in items]
    tasks = [(d, parse_problem(i.problem, d), parse_plan(i.plan)) for d, i in parsed]
    start = time.perf_counter()
    valid = sum(validate(*tasks[i % len(tasks)]).valid for i in range(n))
    rows.append(_plan_row("in-process grounded (ours)", n, time.perf_counter() - start, valid))

    up_tasks = [(load_task(i.domain, i.problem), parse_plan(i.plan)) for i in items]
    start = time.perf_counter()
    valid = sum(validate_up(*up_tasks[i % len(up_tasks)]).valid for i in range(up_n))
    rows.append(_plan_row("unified-planning", up_n, time.perf_counter() - start, valid))
    for row in rows:
        row["mean_plan_steps"] = round(steps, 1)
    return rows


def server_load(requests: int, clients: int, workers: int) -> dict[str, Any]:
    """``nsr serve`` in a subprocess on 127.0.0.1; ``clients`` concurrent clients send
    ``requests`` one-sample /score requests (alternately right and wrong answers, so a mixed-up
    reply would be caught); then SIGTERM and a clean-shutdown check."""
    import httpx

    from nsr.verify.bench import benign_items

    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "serve.log"
        proc = start_serve(log_path, workers, TIME_LIMIT)
        try:
            url = wait_for_url(log_path, proc)
            samples = benign_items(64, SEED)
            bodies = []
            for i in range(requests):
                item = samples[i % len(samples)]
                answer = item.expected if i % 2 == 0 else str(int(item.expected) + 1)
                truth = {"kind": "prolog", "program": item.program, "query": item.query}
                bodies.append({"completions": [answer], "ground_truths": [truth],
                               "extract": False})
            result = asyncio.run(_drive(url, bodies, clients))
            metrics = httpx.get(f"{url}/metrics", timeout=30).json()
        finally:
            status = stop_child(proc)
        events = [json.loads(line) for line in log_path.read_text().splitlines()
                  if line.startswith("{")]
    result.update(
        server_counted=metrics["requests"].get("/score", 0),
        server_latency_ms=metrics["latency_ms"].get("/score"),
        exit_status=status,
        shutdown_logged=any(e.get("event") == "shutdown" for e in events),
        clean_shutdown=status in (0, -signal.SIGTERM)
        and any(e.get("event") == "shutdown" for e in events),
        workers=workers,
    )
    return result


async def _drive(url: str, bodies: list[dict[str, Any]], clients: int) -> dict[str, Any]:
    import httpx

    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(bodies)):
        queue.put_nowait(index)
    answers: dict[int, float] = {}
    errors: Counter[str] = Counter()
    latencies: list[float] = []

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            while True:
                try:
                    index = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                began = time.perf_counter()
                try:
                    reply = await http.post("/score", json=bodies[index])
                    if reply.status_code != 200:
                        errors[f"http_{reply.status_code}"] += 1
                        continue
                    answers[index] = reply.json()["scores"][0]
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                finally:
                    latencies.append((time.perf_counter() - began) * 1000)

    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(client() for _ in range(clients))), timeout=900)
    wall = time.perf_counter() - start
    wrong = sum(1 for i, s in answers.items() if s != (1.0 if i % 2 == 0 else 0.0))
    return {
        "requests": len(bodies),
        "clients": clients,
        "answered": len(answers),
        "lost": len(bodies) - len(answers) - sum(errors.values()),
        "errors": dict(errors),
        "wrong_scores": wrong,
        "requests_per_s": len(bodies) / wall,
        "p50_ms": statistics.median(latencies),
        "p99_ms": _percentile(latencies, 0.99),
        "wall_seconds": wall,
    }


def _plan_row(mode: str, n: int, wall: float, valid: int) -> dict[str, Any]:
    return {"mode": mode, "n": n, "per_s": n / wall, "ms_each": 1000 * wall / n,
            "valid": int(valid)}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="samples per pool configuration")
    parser.add_argument("--hostile-n", type=int, default=2000, help="samples, 10%% hostile")
    parser.add_argument("--subprocess-n", type=int, default=100, help="samples, process each")
    parser.add_argument("--pyswip-n", type=int, default=2000, help="samples in-process")
    parser.add_argument("--plans", type=int, default=2000, help="plan validations (ours)")
    parser.add_argument("--up-plans", type=int, default=100, help="plan validations (UP)")
    parser.add_argument("--requests", type=int, default=10_000, help="server load requests")
    parser.add_argument("--clients", type=int, default=32, help="concurrent server clients")
    parser.add_argument("--quick", action="store_true", help="small counts (a smoke run)")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.hostile_n, args.subprocess_n, args.pyswip_n = 400, 200, 10, 200
        args.plans, args.up_plans, args.requests = 200, 10, 500

    start = time.perf_counter()
    prolog = prolog_rows(args.n, args.hostile_n, args.subprocess_n)
    prolog.append(pyswip_row(args.pyswip_n))
    plans = plan_rows(args.plans, args.up_plans)
    server = server_load(args.requests, args.clients, workers=2)
    wall = time.perf_counter() - start

    def row(mode: str, workers: int = 1, hostile: float = 0.0) -> dict[str, Any]:
        return next(r for r in prolog if r["mode"] == mode and r["workers"] == workers
                    and r["hostile_fraction"] == hostile)

    pool2, per_process, bare = row("pool", 2), row("subprocess"), row("bare_subprocess")
    acceptance = {
        "benign_per_s_2_workers": pool2["throughput"],
        "benign_per_s_target_1000": pool2["throughput"] >= 1000,
        "speedup_vs_subprocess": pool2["throughput"] / per_process["throughput"],
        "speedup_vs_bare_subprocess": pool2["throughput"] / bare["throughput"],
        "speedup_target_20x": pool2["throughput"] / bare["throughput"] >= 20,
        "hostile_p99_ms": max(row("pool", w, 0.1)["p99_ms"] for w in (1, 2)),
        "hostile_p99_target_ms": TIME_LIMIT * 1000 + 100,
        "hostile_p99_target": max(row("pool", w, 0.1)["p99_ms"] for w in (1, 2))
        <= TIME_LIMIT * 1000 + 100,
        "server_no_error_no_loss": not server["errors"] and server["lost"] == 0
        and server["answered"] == server["requests"] == server["server_counted"]
        and server["wrong_scores"] == 0,
        "server_clean_shutdown": server["clean_shutdown"],
    }
    result = {"time_limit": TIME_LIMIT, "seed": SEED, "prolog": prolog, "plans": plans,
              "server": server, "acceptance": acceptance, "wall_seconds": wall,
              "peak_rss_mb": peak_rss_mb()}
    write_json("verify", result)

    prolog_table = markdown_table(
        ["mode", "workers", "hostile", "n", "verifications/s", "p50 ms", "p99 ms", "reasons"],
        [[r["mode"], r["workers"], f"{r['hostile_fraction']:.0%}", r["n"], r["throughput"],
          r["p50_ms"], r["p99_ms"], ", ".join(f"{k} {v}" for k, v in sorted(r["reasons"].items()))]
         for r in prolog],
    )
    plan_table = markdown_table(
        ["plan validator", "n", "validations/s", "ms each", "valid"],
        [[r["mode"], r["n"], r["per_s"], r["ms_each"], r["valid"]] for r in plans],
    )
    server_table = markdown_table(
        ["requests", "clients", "answered", "errors", "lost", "wrong", "req/s", "p50 ms",
         "p99 ms", "clean shutdown"],
        [[server["requests"], server["clients"], server["answered"],
          sum(server["errors"].values()), server["lost"], server["wrong_scores"],
          server["requests_per_s"], server["p50_ms"], server["p99_ms"],
          server["clean_shutdown"]]],
    )
    body = "\n\n".join([
        "## Verifier and reward server (`benchmarks/verify.py`)",
        f"Ancestor-count Prolog samples (a distinct random family program each), time limit "
        f"{TIME_LIMIT:g} s; hostile = loops, sleep, runaway recursion, shell, syntax errors. "
        f"Latency = dispatch to verdict per sample. `subprocess` = a fresh `swipl` running the "
        f"same sandboxed worker per sample; `bare_subprocess` = plain `swipl`, no safety; "
        f"`in_process_pyswip` = nsr.backends.prolog in the caller (no isolation).",
        prolog_table,
        f"2-worker pool: {acceptance['benign_per_s_2_workers']:,.0f} benign verifications/s "
        f"(target 1,000: {'met' if acceptance['benign_per_s_target_1000'] else 'NOT met'}), "
        f"{acceptance['speedup_vs_bare_subprocess']:,.0f}x a bare `swipl` per sample and "
        f"{acceptance['speedup_vs_subprocess']:,.0f}x our sandboxed worker per sample (target 20x: "
        f"{'met' if acceptance['speedup_target_20x'] else 'NOT met'}); p99 with 10% hostile "
        f"{acceptance['hostile_p99_ms']:,.0f} ms (target <= {TIME_LIMIT * 1000 + 100:,.0f} ms: "
        f"{'met' if acceptance['hostile_p99_target'] else 'NOT met'}).",
        "Plan validation of the shipped plan records' answers:",
        plan_table,
        "Reward server (`nsr serve --workers 2`, one-sample `/score` requests over HTTP/1.1 "
        "on 127.0.0.1, httpx clients in the same machine), then SIGTERM:",
        server_table,
        f"Wall time {wall:.0f} s, peak RSS {peak_rss_mb():.0f} MiB.",
    ])
    update_results_md("verify", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
