"""NSR on PCFG SET: three splits x three seeds, trained from (input, output) pairs only.

For every (split, seed) a fresh child process builds the split's training set from the 10K
release (docs/datasets.md rules), trains with the task's configuration (open-class letters,
the "sequences" library, projective trees, learning from beam-rescued parses), then scores
the split's official test file with trees executed by SWI-Prolog (the Python evaluator's
answers are checked against Prolog's). Figures: exact-match test accuracy, training wall time
and the child's peak resident memory.

    .venv/bin/python benchmarks/nsr_pcfg.py                          # everything
    .venv/bin/python benchmarks/nsr_pcfg.py --splits iid --seeds 0
    .venv/bin/python benchmarks/nsr_pcfg.py --seeds 0 --ship         # also refresh shipped checkpoints

Results: benchmarks/results/nsr_pcfg.json and the ``nsr_pcfg`` section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (  # noqa: E402
    markdown_table,
    run_seeds,
    train_and_score,
    update_results_md,
    write_json,
)

SPLITS = ("iid", "systematicity", "productivity")


def run_one(split: str, seed: int, out: Path) -> dict[str, Any]:
    """Train and test one (split, seed) in this process; returns the figures."""
    return train_and_score("pcfg", split, seed, out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--splits", nargs="*", default=list(SPLITS))
    ap.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    ap.add_argument("--ship", action="store_true", help="copy seed-0 checkpoints into the package")
    ap.add_argument("--jobs", type=int, default=1, help="seeds trained at once, one core each")
    ap.add_argument("--one", nargs=3, metavar=("SPLIT", "SEED", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        split, seed, out = args.one
        print(json.dumps(run_one(split, int(seed), Path(out))))
        return 0
    runs = []
    with tempfile.TemporaryDirectory(prefix="nsr-pcfg-") as tmp:
        for split in args.splits:
            runs += run_seeds(__file__, "pcfg", split, args.seeds, Path(tmp), ship=args.ship,
                              jobs=args.jobs)
    write_json("nsr_pcfg", {"runs": runs,
                            "command": "python benchmarks/nsr_pcfg.py " + " ".join(argv or sys.argv[1:])})
    rows = [[r["split"], r["seed"], f"{100 * r['accuracy']:.2f}" if "accuracy" in r else "error",
             r.get("n", ""), r.get("train_examples", ""), r.get("train_seconds", ""),
             r.get("peak_rss_mb", "")] for r in runs]
    body = ["## NSR on PCFG SET (benchmarks/nsr_pcfg.py)", "",
            "Trained from (input, output) pairs only, on the 10K release filtered per split "
            "(7,779 / 6,963 / 6,865 examples: less than the published 82K sets); test = the "
            "official test file of each split; trees executed by SWI-Prolog. Task configuration: "
            "letters `[A-Z][0-9]+` are an open class (a run of them is one value-carrying "
            "segment), library `sequences` (lists without atom constants), search size 9 grown to 12 while rows are unexplained, "
            "projective trees (prefix expressions), examples only the fallback beam parses "
            "right still train the parser (`learn_rescued`). "
            f"One process per run, 1 torch thread, {args.jobs} at a time.", "",
            markdown_table(["split", "seed", "test acc %", "n", "train n", "train s", "peak MiB"],
                           rows)]
    update_results_md("nsr_pcfg", "\n".join(body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
