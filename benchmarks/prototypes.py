"""Throughput of prototype synthesis: verified prototypes per minute per family, 1 and 2 workers.

"Verified" means the full pipeline of ``nsr proto synth``: draft, derive (SWI-Prolog) or
validate (grounded validator), re-check, de-duplicate. Difficulty levels 1-5 mixed. Afterwards
every item made with 2 workers is verified again with ``nsr proto verify``'s code (2 workers)
and the mismatch count is recorded (the acceptance check: 0 on >= 10,000 fresh items).

Usage: ``python benchmarks/prototypes.py [--prolog-n 1000] [--pddl-n 1500] [--families ...]``.
Writes ``benchmarks/results/prototypes.json`` and the ``prototypes`` section of RESULTS.md.
The machine's 2 cores may be shared with other jobs; figures are wall-clock.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import markdown_table, update_results_md, write_json  # noqa: E402
from nsr.prototypes.convert import convert_planning  # noqa: E402
from nsr.prototypes.families import family_names, get_family  # noqa: E402
from nsr.prototypes.synth import synthesize  # noqa: E402
from nsr.prototypes.verify import verify_records  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prolog-n", type=int, default=1000, help="items per Prolog family")
    parser.add_argument("--pddl-n", type=int, default=1500, help="items per PDDL family")
    parser.add_argument("--families", default="all", help="comma-separated names or 'all'")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--planner-problems", type=int, default=20,
                        help="blocksworld problems solved by Fast Downward (0 skips)")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    names = family_names() if args.families == "all" else tuple(args.families.split(","))
    rows = []
    results = []
    fresh = []
    for name in names:
        kind = get_family(name).kind
        n = args.prolog_n if kind == "prolog" else args.pddl_n
        entry = {"family": name, "kind": kind, "n": n}
        for workers in (1, 2):
            start = time.perf_counter()
            report = synthesize(name, n, seed=args.seed, levels="1-5", workers=workers)
            seconds = time.perf_counter() - start
            got = len(report.records)
            entry[f"workers_{workers}"] = {
                "records": got,
                "seconds": round(seconds, 3),
                "per_minute": round(got / seconds * 60, 1),
                "rejected": report.rejected,
                "duplicates": report.duplicates,
            }
            if workers == 2:
                fresh.extend(report.records)
            print(f"{name} workers={workers}: {got} in {seconds:.1f}s "
                  f"= {got / seconds * 60:,.0f}/min", flush=True)
        results.append(entry)
        rows.append([name, kind, n, entry["workers_1"]["per_minute"],
                     entry["workers_2"]["per_minute"]])
    start = time.perf_counter()
    mismatches = verify_records(list(enumerate(fresh, start=1)), workers=2)
    verify_seconds = time.perf_counter() - start
    print(f"verify: {len(fresh)} items, {len(mismatches)} mismatches, {verify_seconds:.1f}s")

    planner = _planner_throughput(args.planner_problems) if args.planner_problems else None

    def total(kind: str, workers: int) -> float:
        picked = [e[f"workers_{workers}"] for e in results if e["kind"] == kind]
        recs = sum(p["records"] for p in picked)
        secs = sum(p["seconds"] for p in picked)
        return round(recs / secs * 60, 1) if secs else 0.0

    summary = {kind: {"workers_1_per_minute": total(kind, 1),
                      "workers_2_per_minute": total(kind, 2)} for kind in ("prolog", "pddl")}
    write_json("prototypes", {
        "families": results,
        "overall": summary,
        "verify": {"items": len(fresh), "mismatches": len(mismatches),
                   "seconds": round(verify_seconds, 2), "workers": 2},
        "planner_derived": planner,
        "load_average_at_start": load_before,
    })
    rows.append(["all Prolog", "prolog", "", summary["prolog"]["workers_1_per_minute"],
                 summary["prolog"]["workers_2_per_minute"]])
    rows.append(["all PDDL", "pddl", "", summary["pddl"]["workers_1_per_minute"],
                 summary["pddl"]["workers_2_per_minute"]])
    body = (
        "## Prototype synthesis (`benchmarks/prototypes.py`)\n\n"
        "Verified prototypes per minute (draft + interpreter derivation or validation + "
        "re-check + de-duplication), difficulty levels 1-5 mixed, wall clock on the shared "
        f"2-core machine (1-minute load average {load_before:.1f} at the start: other jobs "
        "were running, so the 2-worker column is not a clean scaling figure; each run also "
        "pays ~1 s to spawn workers). PDDL plans here are constructed and validated by the "
        "grounded validator (no planner call).\n\n"
        + markdown_table(["family", "kind", "items", "per min, 1 worker", "per min, 2 workers"],
                         rows)
        + f"\n\nRe-verification of the {len(fresh):,} items made with 2 workers "
          f"(`nsr proto verify` code, 2 workers): {len(mismatches)} mismatches in "
          f"{verify_seconds:.1f} s.\n"
        + (f"\nPlanner-derived PDDL (`nsr proto convert planning`, Fast Downward, level-3 "
           f"blocksworld): {planner['records']} records from {planner['problems']} problems in "
           f"{planner['seconds']:.1f} s = {planner['per_minute']:,.0f} records/min (1 process).\n"
           if planner else "")
    )
    update_results_md("prototypes", body)
    return 0 if not mismatches else 1


def _planner_throughput(problems: int) -> dict[str, float | int]:
    """Records per minute when every plan comes from Fast Downward (three tasks per problem)."""
    fam = get_family("blocksworld")
    with tempfile.TemporaryDirectory() as tmp:
        domain = Path(tmp) / "domain.pddl"
        domain.write_text(fam.domain())
        paths = []
        for i in range(problems):
            path = Path(tmp) / f"p{i:02d}.pddl"
            path.write_text(fam.instance(random.Random(f"planner-{i}"), 3).problem)
            paths.append(path)
        start = time.perf_counter()
        report = convert_planning(domain, paths)
        seconds = time.perf_counter() - start
    got = len(report.records)
    print(f"planner-derived: {got} records from {problems} problems in {seconds:.1f}s")
    return {"problems": problems, "records": got, "failures": len(report.failures),
            "seconds": round(seconds, 2), "per_minute": round(got / seconds * 60, 1)}


if __name__ == "__main__":
    sys.exit(main())
