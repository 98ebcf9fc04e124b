"""Throughput and latency of the verifier: the worker pool vs a ``swipl`` process per sample.

``python -m nsr.verify.bench`` prints one JSON row per configuration. Targets (issue 6):
>= 1,000 benign verifications/s on 2 cores through the pool, >= 20x a subprocess per sample,
and p99 latency <= time limit + 100 ms with 10% hostile samples. Speed is measured here, never
asserted in tests.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from nsr.verify.swipl import swipl_argv
from nsr.verify.verdict import PrologItem
from nsr.verify.verifier import Verifier, worker_argv

ANCESTOR_RULES = (
    "ancestor(X, Y) :- parent(X, Y).\n"
    "ancestor(X, Y) :- parent(X, Z), ancestor(Z, Y).\n"
)

# Hostile samples a trainer really sees: loops, runaway recursion, forbidden calls, garbage.
HOSTILE = (
    PrologItem("loop :- loop.", "loop, X = 1", "1"),
    PrologItem("", "sleep(100), X = 1", "1"),
    PrologItem("r(N) :- M is N + 1, r(M), true.", "r(0), X = 1", "1"),
    PrologItem("p(X) :- shell('rm -rf /'), X = 1.", "p(X)", "1"),
    PrologItem("p(X :- .", "p(X)", "1"),
)


@dataclass(frozen=True, slots=True)
class BenchRow:
    """One configuration's result; latencies are per sample, dispatch to reply."""

    mode: str  # "pool" or "subprocess"
    workers: int
    hostile_fraction: float
    n: int
    throughput: float  # verifications per second
    p50_ms: float
    p99_ms: float
    time_limit: float
    reasons: dict[str, int]
    repeat_program: bool = False


def _family(rng: random.Random, size: int = 12) -> dict[str, str]:
    """A random family tree: person i > 0 gets a parent among persons 0..i-1."""
    return {f"p{i}": f"p{rng.randrange(i)}" for i in range(1, size)}


def _ancestor_count(person: str, parent_of: dict[str, str]) -> int:
    count = 0
    while person in parent_of:
        person = parent_of[person]
        count += 1
    return count


def benign_items(n: int, seed: int, *, repeat_program: bool = False) -> list[PrologItem]:
    """``n`` ancestor-count queries over family programs, all with correct answers.

    Each sample gets its own random family (distinct program text, the worst case for the
    worker's safety-check cache) unless ``repeat_program``. The expected counts come from an
    independent Python walk of the tree, not from Prolog.
    """
    rng = random.Random(seed)
    shared = _family(rng)
    items = []
    for _ in range(n):
        parent_of = shared if repeat_program else _family(rng)
        facts = "".join(f"parent({p}, {c}).\n" for c, p in parent_of.items())
        person = rng.choice(sorted(parent_of))
        query = f"aggregate_all(count, ancestor(_P, {person}), X)"
        expected = str(_ancestor_count(person, parent_of))
        items.append(PrologItem(facts + ANCESTOR_RULES, query, expected))
    return items


def mixed_items(
    n: int, hostile_fraction: float, seed: int, *, repeat_program: bool = False
) -> list[PrologItem]:
    """Benign items with a seeded ``hostile_fraction`` of them replaced by hostile ones."""
    rng = random.Random(seed + 1)
    items = benign_items(n, seed, repeat_program=repeat_program)
    for i in range(n):
        if rng.random() < hostile_fraction:
            items[i] = rng.choice(HOSTILE)
    return items


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def _pool_row(
    workers: int, items: list[PrologItem], fraction: float, time_limit: float, repeat: bool
) -> BenchRow:
    with Verifier(workers=workers, time_limit=time_limit) as verifier:
        verifier.check_many(items[: 4 * workers])  # warm up: start the workers
        start = time.perf_counter()
        verdicts = verifier.check_many(items)
        wall = time.perf_counter() - start
    latencies = [v.seconds * 1000 for v in verdicts]
    return BenchRow(
        mode="pool",
        workers=workers,
        hostile_fraction=fraction,
        n=len(items),
        throughput=len(items) / wall,
        p50_ms=statistics.median(latencies),
        p99_ms=_percentile(latencies, 0.99),
        time_limit=time_limit,
        reasons=dict(Counter(v.reason for v in verdicts)),
        repeat_program=repeat,
    )


def _subprocess_row(items: list[PrologItem], time_limit: float) -> BenchRow:
    """A fresh ``swipl`` per sample, running the same worker script (same safety)."""
    latencies, reasons = [], Counter()
    start = time.perf_counter()
    for index, item in enumerate(items):
        texts = (item.program, item.query, item.expected)
        header = f"R {index} {int(time_limit * 1000)} 50000000 {256 << 20} " + " ".join(
            str(len(t)) for t in texts
        )
        began = time.perf_counter()
        out = subprocess.run(
            worker_argv(),
            input=(header + "\n" + "".join(texts)).encode(),
            capture_output=True,
            timeout=time_limit + 10,
            check=False,
        )
        latencies.append((time.perf_counter() - began) * 1000)
        lines = out.stdout.decode().splitlines()
        reasons[json.loads(lines[-1])["reason"] if len(lines) > 1 else "worker_crash"] += 1
    wall = time.perf_counter() - start
    return BenchRow(
        mode="subprocess",
        workers=1,
        hostile_fraction=0.0,
        n=len(items),
        throughput=len(items) / wall,
        p50_ms=statistics.median(latencies),
        p99_ms=_percentile(latencies, 0.99),
        time_limit=time_limit,
        reasons=dict(reasons),
    )


def _bare_subprocess_row(items: list[PrologItem], time_limit: float) -> BenchRow:
    """The cheapest possible fresh process per sample: plain ``swipl`` consulting the program
    from stdin, with NO sandbox or limits (a lower bound on the per-process cost)."""
    latencies, reasons = [], Counter()
    start = time.perf_counter()
    for item in items:
        goal = (
            "load_files(sample, [stream(user_input)]), "
            f"({item.query} -> format('~q~n', [X]) ; true)"
        )
        began = time.perf_counter()
        out = subprocess.run(
            swipl_argv("-g", goal, "-t", "halt"),
            input=item.program.encode(),
            capture_output=True,
            timeout=time_limit + 10,
            check=False,
        )
        latencies.append((time.perf_counter() - began) * 1000)
        answer = out.stdout.decode().strip()
        reasons["ok" if answer == item.expected else "wrong_answer"] += 1
    wall = time.perf_counter() - start
    return BenchRow(
        mode="bare_subprocess",
        workers=1,
        hostile_fraction=0.0,
        n=len(items),
        throughput=len(items) / wall,
        p50_ms=statistics.median(latencies),
        p99_ms=_percentile(latencies, 0.99),
        time_limit=time_limit,
        reasons=dict(reasons),
    )


def measure(
    workers: Sequence[int] = (1, 2),
    n: int = 2000,
    hostile_fraction: Sequence[float] = (0.0, 0.1),
    *,
    time_limit: float = 1.0,
    subprocess_n: int = 100,
    seed: int = 0,
    repeat_program: bool = False,
) -> list[BenchRow]:
    """Pool rows for every (workers, hostile_fraction), then two process-per-sample rows: our
    worker script (same safety as the pool) and bare ``swipl`` (no safety; a lower bound).

    ``repeat_program`` makes every benign sample use the same program (as when many answers
    to one prototype are checked), which the worker's safety-check cache speeds up.
    """
    rows = []
    for fraction in hostile_fraction:
        items = mixed_items(n, fraction, seed, repeat_program=repeat_program)
        for count in workers:
            rows.append(_pool_row(count, items, fraction, time_limit, repeat_program))
    if subprocess_n > 0:
        few = benign_items(subprocess_n, seed)
        rows.append(_subprocess_row(few, time_limit))
        rows.append(_bare_subprocess_row(few, time_limit))
    return rows


def main() -> None:
    for row in measure():
        print(json.dumps(asdict(row)))
    for row in measure(hostile_fraction=(0.0,), subprocess_n=0, repeat_program=True):
        print(json.dumps(asdict(row)))


if __name__ == "__main__":
    main()
