"""NSR on PCFG SET: three splits x three seeds, trained from (input, output) pairs only.

For every (split, seed) a fresh child process builds the split's training set from the 10K
release (docs/datasets.md rules), trains with the task's configuration (open-class letters,
the "sequences" library), then scores the split's official test file with trees executed by
SWI-Prolog (the Python evaluator's answers are checked against Prolog's). Figures: exact-match
test accuracy, training wall time and the child's peak resident memory.

    .venv/bin/python benchmarks/nsr_pcfg.py                          # everything
    .venv/bin/python benchmarks/nsr_pcfg.py --splits iid --seeds 0
    .venv/bin/python benchmarks/nsr_pcfg.py --seeds 0 --ship         # also refresh shipped checkpoints

Results: benchmarks/results/nsr_pcfg.json and the ``nsr_pcfg`` section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import markdown_table, peak_rss_mb, update_results_md, write_json  # noqa: E402

SPLITS = ("iid", "systematicity", "productivity")
PRETRAINED = Path(__file__).resolve().parent.parent / "nsr" / "learning" / "pretrained"


def run_one(split: str, seed: int, out: Path) -> dict[str, Any]:
    """Train and test one (split, seed) in this process; returns the figures."""
    import torch

    torch.set_num_threads(1)
    from nsr.learning.loop import LearnerConfig, train
    from nsr.learning.prolog_export import predict_prolog
    from nsr.tasks import exact_match, get_task

    task = get_task("pcfg")
    train_set, test_set = task.load(split, "train"), task.load(split, "test")
    config = LearnerConfig(task="pcfg", split=split, library=task.primitive_library,
                           open_class=task.open_class, **dict(task.learner_options))
    t0 = time.perf_counter()
    result = train(train_set, config, seed=seed, out=out, progress=False)
    seconds = time.perf_counter() - t0
    parses = result.model.run([ex.source for ex in test_set])
    t1 = time.perf_counter()
    prolog = predict_prolog(result.model, parses)
    prolog_seconds = time.perf_counter() - t1
    score = exact_match(prolog, test_set)
    python_agrees = sum(p == q.output for p, q in zip(prolog, parses, strict=True)) / len(parses)
    return {
        "split": split, "seed": seed, "accuracy": score.accuracy, "n": score.n,
        "correct": score.correct, "train_seconds": round(seconds, 2),
        "test_prolog_seconds": round(prolog_seconds, 2),
        "python_prolog_agreement": python_agrees, "peak_rss_mb": round(peak_rss_mb(False), 1),
        "train_examples": len(train_set), "programs": {
            result.model.symbol_names[s]: result.model.program_text(s)
            for s in sorted(result.model.programs)},
        "stages": len(result.metrics),
    }


def _child(split: str, seed: int, out: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--one", split, str(seed), str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"split": split, "seed": seed, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--splits", nargs="*", default=list(SPLITS))
    ap.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    ap.add_argument("--ship", action="store_true", help="copy seed-0 checkpoints into the package")
    ap.add_argument("--one", nargs=3, metavar=("SPLIT", "SEED", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        split, seed, out = args.one
        print(json.dumps(run_one(split, int(seed), Path(out))))
        return 0
    runs = []
    with tempfile.TemporaryDirectory(prefix="nsr-pcfg-") as tmp:
        for split in args.splits:
            for seed in args.seeds:
                out = Path(tmp) / f"pcfg-{split}-seed{seed}"
                row = _child(split, seed, out)
                runs.append(row)
                print(json.dumps({k: v for k, v in row.items() if k != "programs"}), flush=True)
                if args.ship and seed == 0 and "error" not in row:
                    shutil.copy2(out / "checkpoint.json", PRETRAINED / f"pcfg-{split}.json")
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
            "segment), library `sequences` (lists without atom constants), search size 11. "
            "One process per run, 1 torch thread.", "",
            markdown_table(["split", "seed", "test acc %", "n", "train n", "train s", "peak MiB"],
                           rows)]
    update_results_md("nsr_pcfg", "\n".join(body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
