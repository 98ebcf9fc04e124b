"""Throughput of the Prolog backend: in-process queries versus one ``swipl`` process per call.

Why both: verifiers and reward functions run many tiny goals; the in-process engine is the
fast path, a subprocess per call is the simple isolated alternative. The lead's
benchmarks/backends.py calls :func:`measure_throughput` and records the figures.
"""

from __future__ import annotations

import subprocess
import time
from typing import Any

from nsr.errors import ConfigError


def measure_throughput(
    n_queries: int = 5000, n_subprocess: int = 20, goal: str = "X = f(1, [a, b])"
) -> dict[str, Any]:
    """Time ``goal`` ``n_queries`` times in-process and ``n_subprocess`` times via ``swipl``.

    Returns ``in_process_qps``, ``in_process_us_per_query``, ``in_process_no_limit_qps``
    (same goal without the default 5 s time limit, whose timer costs a few microseconds),
    ``subprocess_ms_per_call`` (None if ``swipl`` is not on PATH) and the counts used.
    """
    if n_queries < 1 or n_subprocess < 0:
        raise ConfigError("n_queries must be >= 1 and n_subprocess >= 0")
    from nsr.backends.prolog import get_engine

    engine = get_engine()
    engine.query(goal)  # warm up: thread engine, predicate handles
    start = time.perf_counter()
    for _ in range(n_queries):
        engine.query(goal)
    with_limit = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(n_queries):
        engine.query(goal, time_limit=None)
    no_limit = time.perf_counter() - start

    subprocess_ms = None
    from nsr.verify.swipl import swipl_argv, swipl_available

    if swipl_available() and n_subprocess:
        cmd = swipl_argv("-g", f"({goal}), print(X), nl", "-t", "halt")
        start = time.perf_counter()
        for _ in range(n_subprocess):
            subprocess.run(cmd, check=True, capture_output=True)
        subprocess_ms = (time.perf_counter() - start) / n_subprocess * 1000.0
    return {
        "goal": goal,
        "n_queries": n_queries,
        "in_process_qps": n_queries / with_limit,
        "in_process_us_per_query": with_limit / n_queries * 1e6,
        "in_process_no_limit_qps": n_queries / no_limit,
        "n_subprocess": n_subprocess,
        "subprocess_ms_per_call": subprocess_ms,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(measure_throughput(), indent=2))
