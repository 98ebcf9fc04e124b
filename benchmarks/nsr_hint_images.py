"""NSR with IMAGE input: HINT where every symbol is a picture, three seeds x five test subsets.

The images are NOT CROHME (unavailable offline): digits are scikit-learn's bundled 8x8 UCI
handwritten digits, operators and parentheses are rendered, randomly distorted font glyphs; the
bank is split 75/5/20 by image, training examples draw from training images only and test
examples from test images only. The learner gets (image-id sequence, result) pairs: no symbol
labels; its CNN starts from a clustering warm start and learns through abduction. Each seed
trains in a fresh child process exactly as ``nsr train hint --input images`` does (the one
configuration: the learner's defaults with HINT's facts and ``perception="images"``),
then scores the five generated test subsets (data seed 0, the same files as
``benchmarks/nsr_hint.py``) with the Python evaluator. True labels are used only to score
perception: each true symbol is matched to the learned symbol most of its training images are
read as, and a test image counts as right when its learned symbol means the same.

    .venv/bin/python benchmarks/nsr_hint_images.py                      # 3 seeds, one at a time
    .venv/bin/python benchmarks/nsr_hint_images.py --seeds 1            # one seed (others kept)
    .venv/bin/python benchmarks/nsr_hint_images.py --seeds 0 --ship     # + hint-images.json
    .venv/bin/python benchmarks/nsr_hint_images.py --part toy --seeds 0 # toy task, ~2 min

The toy task ("unary arithmetic in pictures"): ``d`` -> d, ``( x`` -> x + 1, ``) x`` ->
max(0, x - 1), up to two operators; it measures the image path alone, in minutes.

Results: benchmarks/results/nsr_hint_images.json and the ``nsr_hint_images`` section of
RESULTS.md (runs of the other part and of other seeds are kept, so each seed can be re-run on
its own; the mean over the HINT seeds is reported with them). Each row names the commit it was
measured on; ``--notes TEXT`` stores what the figures mean, ``--render`` rewrites the section
from the stored JSON without training.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (  # noqa: E402
    PRETRAINED_DIR,
    RESULTS_DIR,
    code_commit,
    markdown_table,
    peak_rss_mb,
    update_results_md,
    write_json,
)

HINT_SPLITS = ("I", "SS", "LS", "SL", "LL")
PUBLISHED = {"SL": 83.2, "LL": 58.2, "avg": 76.0}  # NSR, HINT image input (CROHME)
IMAGES_NOTE = ("NOT CROHME: sklearn 8x8 UCI digits + rendered, distorted operator glyphs; "
               "split 75/5/20 by image")


def toy_examples(part: str, n: int, seed: int):
    """Unary arithmetic over bank images of ``part`` (labels used only to compute targets)."""
    from nsr.perception.image_data import SYMBOLS, load_bank
    from nsr.perception.image_ids import image_id
    from nsr.tasks.base import Example

    bank = load_bank()
    pools = {s: bank.pool(part, s).tolist() for s in SYMBOLS}
    rng = random.Random(seed)
    out = []
    for i in range(n):
        ops = [rng.choice("()") for _ in range(rng.choice((0, 0, 1, 1, 2)))]
        value = digit = rng.randrange(10)
        for op in reversed(ops):
            value = value + 1 if op == "(" else max(0, value - 1)
        ids = tuple(image_id(rng.choice(pools[t])) for t in (*ops, str(digit)))
        out.append(Example(ids, value, f"toy/{part}:{i}"))
    return out


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime + usage.ru_stime, 1)


def run_toy(seed: int, out: Path) -> dict[str, Any]:
    from nsr.learning.config import LearnerConfig
    from nsr.learning.images import perception_report
    from nsr.learning.loop import train

    train_set, test_set = toy_examples("train", 2000, seed), toy_examples("test", 1000, seed + 1)
    # The one configuration, as for HINT: only the facts (numbers, images)
    config = LearnerConfig(task="toy-unary-images", library="numbers", perception="images")
    t0 = time.perf_counter()
    result = train(train_set, config, seed=seed, out=out, progress=False)
    seconds = time.perf_counter() - t0
    preds = result.model.predict([ex.source for ex in test_set])
    correct = sum(p == ex.target for p, ex in zip(preds, test_set, strict=True))
    report = perception_report(result.model, [t for ex in test_set for t in ex.source])
    return {"part": "toy", "seed": seed, "train_seconds": round(seconds, 1),
            "train_cpu_seconds": _cpu_seconds(), "train_acc": result.metrics[-1]["train_acc"],
            "splits": {"test": {"accuracy": correct / len(test_set), "n": len(test_set)}},
            "symbol_classes": result.model.perception.n_symbols,
            "perception": report.as_dict()}


def hint_data(root: Path) -> Path:
    """The generated HINT data (seed 0, default sizes) under ``root``, made once."""
    from nsr.tasks.hint import HintConfig
    from nsr.tasks.hint.generate import generate

    out = root / "data-seed0"  # not hint-seed0: that is seed 0's checkpoint directory
    if not (out / "config.json").is_file():
        generate(HintConfig(seed=0), out)
    return out


def run_hint(seed: int, out: Path, data: Path) -> dict[str, Any]:
    """Train as ``nsr train hint --input images`` does, then score the five test subsets."""
    from nsr.learning.config import config_for_task
    from nsr.learning.images import perception_report
    from nsr.learning.loop import train
    from nsr.tasks import exact_match
    from nsr.tasks.hint import HintTask, images

    task = HintTask()
    train_set = images.image_examples(task.load("all", "train", data_dir=data), "train")
    config = config_for_task(task, "all", perception=images.PERCEPTION)
    t0 = time.perf_counter()
    result = train(train_set, config, seed=seed, out=out, progress=False)
    seconds = time.perf_counter() - t0
    cpu = _cpu_seconds()
    splits: dict[str, Any] = {}
    seen: list[str] = []
    for split in HINT_SPLITS:
        test_set = images.image_examples(task.load(split, "test", data_dir=data), "test")
        t1 = time.perf_counter()
        score = exact_match(result.model.predict([ex.source for ex in test_set]), test_set)
        splits[split] = {"accuracy": score.accuracy, "n": score.n,
                         "seconds": round(time.perf_counter() - t1, 1)}
        seen += [t for ex in test_set for t in ex.source]
    report = perception_report(result.model, seen)
    return {"part": "hint", "seed": seed, "train_seconds": round(seconds, 1),
            "train_cpu_seconds": cpu, "train_examples": len(train_set),
            "train_acc": result.metrics[-1]["train_acc"], "splits": splits,
            "symbol_classes": result.model.perception.n_symbols,
            "perception": report.as_dict(), "stages": result.metrics,
            "programs": {result.model.symbol_names[s]: result.model.program_text(s)
                         for s in sorted(result.model.programs)}}


def _child(part: str, seed: int, out: Path, data: Path | None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--one", part, str(seed), str(out), str(data or "")]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"part": part, "seed": seed, "code": code_commit(),
                "error": proc.stderr.strip().splitlines()[-1:]}
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "code": code_commit()}


def _one(part: str, seed: int, out: Path, data: str) -> dict[str, Any]:
    import torch

    torch.set_num_threads(1)
    figures = run_toy(seed, out) if part == "toy" else run_hint(seed, out, Path(data))
    figures["peak_rss_mb"] = round(peak_rss_mb(include_children=False), 1)
    return figures


def _table(runs: list[dict[str, Any]]) -> str:
    rows = []
    for r in runs:
        if "error" in r:
            rows.append([r["part"], r["seed"], r.get("code", ""),
                         "error: " + " ".join(r["error"])])
            continue
        accs = {k: 100 * v["accuracy"] for k, v in r["splits"].items()}
        cells = [f"{accs[s]:.2f}" if s in accs else "" for s in HINT_SPLITS] \
            if r["part"] == "hint" else [f"test {accs['test']:.2f}", "", "", "", ""]
        rows.append([r["part"], r["seed"], r.get("code", ""), *cells, f"{sum(accs.values()) / len(accs):.2f}",
                     f"{100 * r['perception']['accuracy']:.2f}", r.get("symbol_classes", ""),
                     r["train_seconds"],
                     r.get("train_cpu_seconds", ""), r["peak_rss_mb"]])
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return markdown_table(["part", "seed", "code", *HINT_SPLITS, "avg %", "perception %", "classes",
                           "train s",
                           "cpu s", "peak MiB"], rows)


def _per_symbol(runs: list[dict[str, Any]]) -> str:
    lines = []
    for r in runs:
        if "error" in r:
            continue
        lines.append(f"- {r['part']} seed {r['seed']}, perception per true symbol on "
                     f"{r['perception']['images']} test images: "
                     + ", ".join(f"`{s}` {100 * a:.1f}"
                                 for s, a in r["perception"]["per_symbol"].items()))
    return "\n".join(lines)


def hint_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The HINT runs' five-subset averages by seed, their mean and their minimum (%)."""
    avgs = {r["seed"]: round(100 * sum(v["accuracy"] for v in r["splits"].values())
                             / len(r["splits"]), 2)
            for r in runs if r.get("part") == "hint" and "error" not in r}
    if not avgs:
        return {}
    return {"seed_averages": avgs, "mean": round(sum(avgs.values()) / len(avgs), 2),
            "min": min(avgs.values()), "seeds": len(avgs)}


def _summary_line(summary: dict[str, Any]) -> str:
    if not summary:
        return ""
    per_seed = " / ".join(f"{v:.2f}" for _, v in sorted(summary["seed_averages"].items()))
    return (f"HINT five-subset average over {summary['seeds']} seed(s): mean "
            f"{summary['mean']:.2f}, lowest {summary['min']:.2f} (seeds "
            f"{', '.join(str(s) for s in sorted(summary['seed_averages']))}: {per_seed}).")


def write_results(runs: list[dict[str, Any]], jobs: int, command: str,
                  notes: str | None = None) -> None:
    """Merge ``runs`` with the stored ones (other parts and seeds are kept), then write the
    results JSON and this benchmark's RESULTS.md section. ``notes`` (what the figures mean,
    in words) replace the stored notes; None keeps them."""
    previous = RESULTS_DIR / "nsr_hint_images.json"
    stored = json.loads(previous.read_text(encoding="utf-8")) if previous.is_file() else {}
    fresh = {(r["part"], r["seed"]) for r in runs}
    runs = sorted([r for r in stored.get("runs", [])
                   if (r.get("part"), r.get("seed")) not in fresh] + runs,
                  key=lambda r: (r.get("part") != "toy", r.get("seed", 0)))
    notes = stored.get("notes", "") if notes is None else notes
    summary = hint_summary(runs)
    write_json("nsr_hint_images", {"runs": runs, "hint_summary": summary,
                                   "published_nsr_image": PUBLISHED,
                                   "images": IMAGES_NOTE, "jobs": jobs, "notes": notes,
                                   "command": command})
    update_results_md("nsr_hint_images", "\n".join([
        "## NSR on HINT, image input (benchmarks/nsr_hint_images.py)", "",
        "Images are NOT CROHME: sklearn's 8x8 UCI digits + rendered, distorted operator glyphs, "
        "split 75/5/20 by image (no test image is seen in training). Trained from (image "
        "sequence, result) pairs only: no symbol labels; the CNN starts from spectral "
        "clustering (as many classes as the images' neighbour graph asks for: twice the groups "
        "its spectrum shows, 34 on this bank) and learns through abduction. The one learner "
        "configuration: no image setting, the thresholds follow how many images perception "
        "reads as each symbol (`nsr/learning/noise.py`). Test: the generated HINT "
        "subsets of data seed 0 (as `benchmarks/nsr_hint.py`), drawn from test images. "
        "Perception % = test images read as a learned symbol that means the same as the one "
        "most training images of their true symbol are read as (labels for scoring only). "
        f"One process per seed, 1 torch thread, {jobs} at a time (train s: wall time; "
        "cpu s: the run's own CPU time; code: the commit a row was measured on, blank before "
        "rows recorded it). Published NSR on CROHME HINT images: "
        f"SL {PUBLISHED['SL']}, LL {PUBLISHED['LL']}, average {PUBLISHED['avg']}.", "",
        _table(runs), "", _summary_line(summary), "", _per_symbol(runs),
        *([f"- {notes}"] if notes else [])]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=("hint", "toy"), default="hint",
                    help="HINT (default) or the small toy task")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--jobs", type=int, default=1, help="seeds trained at once, one core each")
    ap.add_argument("--ship", action="store_true",
                    help="HINT: copy seed 0's checkpoint into the package (hint-images.json)")
    ap.add_argument("--notes", help="what the figures mean, in words (kept until replaced)")
    ap.add_argument("--render", action="store_true",
                    help="train nothing: rewrite the RESULTS.md section from the stored JSON "
                         "(with --notes: after replacing the notes)")
    ap.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        part, seed, out, data = args.one
        print(json.dumps(_one(part, int(seed), Path(out), data)))
        return 0
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")
    command = "python benchmarks/nsr_hint_images.py " + " ".join(argv or sys.argv[1:])
    if args.render:
        stored = RESULTS_DIR / "nsr_hint_images.json"
        if not stored.is_file():
            ap.error(f"--render needs {stored}: run the benchmark first")
        data = json.loads(stored.read_text(encoding="utf-8"))
        write_results([], data.get("jobs", 1), data.get("command", command), args.notes)
        return 0
    runs = []
    with tempfile.TemporaryDirectory(prefix="nsr-hint-images-") as tmp, \
            ThreadPoolExecutor(max_workers=args.jobs) as pool:
        data = hint_data(Path(tmp)) if args.part == "hint" else None
        outs = {seed: Path(tmp) / f"{args.part}-seed{seed}" for seed in args.seeds}
        futures = [pool.submit(_child, args.part, seed, outs[seed], data) for seed in args.seeds]
        for seed, future in zip(args.seeds, futures, strict=True):
            row = future.result()
            runs.append(row)
            print(json.dumps({k: v for k, v in row.items() if k not in ("programs", "stages")}),
                  flush=True)
            if args.ship and args.part == "hint" and seed == 0 and "error" not in row:
                shutil.copy2(outs[seed] / "checkpoint.json", PRETRAINED_DIR / "hint-images.json")
    write_results(runs, args.jobs, command, args.notes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
