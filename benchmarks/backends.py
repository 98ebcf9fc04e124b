"""Backend throughput: Prolog queries in-process vs a `swipl` subprocess per call, and plan
validation per second, our grounded validator vs unified-planning's, for 10/50/200-step plans.

Run: `.venv/bin/python benchmarks/backends.py` (or `make bench`). Writes
benchmarks/results/backends.json and the `backends` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import markdown_table, peak_rss_mb, update_results_md, write_json  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=20000, help="in-process queries to time")
    parser.add_argument("--subprocesses", type=int, default=30, help="swipl subprocess calls")
    parser.add_argument("--min-time", type=float, default=1.0, help="seconds per validator cell")
    args = parser.parse_args(argv)

    from nsr.backends.pddl.bench import measure_validation
    from nsr.backends.prolog.bench import measure_throughput

    start = time.perf_counter()
    prolog = measure_throughput(n_queries=args.queries, n_subprocess=args.subprocesses)
    plans = measure_validation(min_time=args.min_time)
    wall = time.perf_counter() - start
    speedup = prolog["in_process_us_per_query"] and (
        prolog["subprocess_ms_per_call"] * 1000.0 / prolog["in_process_us_per_query"]
        if prolog["subprocess_ms_per_call"]
        else None
    )
    result = {
        "prolog": {**prolog, "in_process_vs_subprocess_speedup": speedup},
        "plan_validation": plans,
        "wall_seconds": wall,
        "peak_rss_mb": peak_rss_mb(),
    }
    write_json("backends", result)

    rows_p = [
        ["in-process (pyswip, 5 s time limit per call)", f"{prolog['in_process_qps']:,.0f}",
         f"{prolog['in_process_us_per_query']:.1f} us"],
        ["in-process, no time limit", f"{prolog['in_process_no_limit_qps']:,.0f}",
         f"{1e6 / prolog['in_process_no_limit_qps']:.1f} us"],
    ]
    if prolog["subprocess_ms_per_call"]:
        rows_p.append(["`swipl` subprocess per call", f"{1000 / prolog['subprocess_ms_per_call']:,.1f}",
                       f"{prolog['subprocess_ms_per_call']:.1f} ms"])
    rows_v = [
        [length, f"{cell['ours_per_s']:,.0f}", f"{cell['up_per_s']:,.1f}",
         f"{cell['up_wrapped_per_s']:,.1f}", f"{cell['ratio']:.0f}x"]
        for length, cell in plans["lengths"].items()
    ]
    body = "\n\n".join([
        "## Backends (`benchmarks/backends.py`)",
        f"Trivial query `{prolog['goal']}`; in-process is "
        f"{speedup:,.0f}x faster than a subprocess per call." if speedup else "",
        markdown_table(["Prolog", "queries/s", "per query"], rows_p),
        "Plan validation of valid random-walk plans (blocksworld, gripper, logistics; "
        "ratio = geometric mean over domains of UP time / our time):",
        markdown_table(["plan steps", "ours /s", "unified-planning /s",
                        "UP incl. our wrapper /s", "speed-up"], rows_v),
        f"Wall time {wall:.0f} s, peak RSS {peak_rss_mb():.0f} MiB.",
    ])
    update_results_md("backends", body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
