"""NSR with IMAGE input: HINT (and a small toy task) where every symbol is a picture.

The images are NOT CROHME (unavailable offline): digits are scikit-learn's bundled 8x8 UCI
handwritten digits, operators and parentheses are rendered, randomly distorted font glyphs; the
bank is split 75/5/20 by image, training examples draw from training images only and test
examples from test images only. The learner gets (image-id sequence, result) pairs: no symbol
labels; its CNN starts from a clustering warm start and learns through abduction. True labels
are used only to score perception (each learned symbol mapped to the label it most often stands
for on the test images).

    .venv/bin/python benchmarks/nsr_hint_images.py --part toy        # ~2 min
    .venv/bin/python benchmarks/nsr_hint_images.py --part hint       # needs HINT symbol search
    .venv/bin/python benchmarks/nsr_hint_images.py --part hint --max-train 5000

The toy task ("unary arithmetic in pictures"): ``d`` -> d, ``( x`` -> x + 1, ``) x`` ->
max(0, x - 1), up to two operators; its programs are within the plain enumerative search, so it
measures the image path on its own. Each part runs in a child process (peak memory per run).

Results: benchmarks/results/nsr_hint_images.json and the ``nsr_hint_images`` section of
RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (  # noqa: E402
    RESULTS_DIR,
    markdown_table,
    peak_rss_mb,
    update_results_md,
    write_json,
)

HINT_SPLITS = ("I", "SS", "LS", "SL", "LL")
PUBLISHED = {"SL": 83.2, "LL": 58.2, "avg": 76.0}  # NSR, HINT image input (CROHME)


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


def run_toy(seed: int, out: Path) -> dict[str, Any]:
    from nsr.learning.images import perception_report
    from nsr.learning.loop import LearnerConfig, train

    train_set, test_set = toy_examples("train", 2000, seed), toy_examples("test", 1000, seed + 1)
    config = LearnerConfig(task="toy-unary-images", library="numbers", perception="images",
                           n_symbols=16, perception_revision=True, search_max_size=10,
                           search_budget_s=5.0, rounds_per_stage=6, guess_lower_holes=True)
    t0 = time.perf_counter()
    result = train(train_set, config, seed=seed, out=out, progress=False)
    seconds = time.perf_counter() - t0
    preds = result.model.predict([ex.source for ex in test_set])
    correct = sum(p == ex.target for p, ex in zip(preds, test_set, strict=True))
    report = perception_report(result.model, [t for ex in test_set for t in ex.source])
    return {"part": "toy", "seed": seed, "train_seconds": round(seconds, 1),
            "train_acc": result.metrics[-1]["train_acc"],
            "splits": {"test": {"accuracy": correct / len(test_set), "n": len(test_set)}},
            "perception": report.as_dict()}


def run_hint(seed: int, out: Path, max_train: int | None,
             checkpoint: Path | None = None) -> dict[str, Any]:
    from nsr.learning.images import perception_report
    from nsr.learning.loop import TrainResult, config_for_task, load_model, train
    from nsr.tasks import exact_match, get_task
    from nsr.tasks.hint import images

    task = get_task("hint")
    train_set = task.load("all", "train")
    if max_train is not None:
        train_set = train_set[:max_train]
    train_set = images.image_examples(train_set, "train")
    if checkpoint is not None:  # score a run made with `nsr train hint --input images`
        model, state = load_model(checkpoint)
        result = TrainResult(model, list(state.get("metrics", [])))
        seconds = float(state.get("progress", {}).get("seconds", 0.0))
    else:
        # HINT's symbol-mode settings (curriculum, search size), then the image-mode ones
        config = config_for_task(task, "all", **images.IMAGE_LEARNER_OPTIONS)
        t0 = time.perf_counter()
        result = train(train_set, config, seed=seed, out=out, progress=False)
        seconds = time.perf_counter() - t0
    splits: dict[str, Any] = {}
    seen: list[str] = []
    for split in HINT_SPLITS:
        test_set = images.image_examples(task.load(split, "test"), "test")
        score = exact_match(result.model.predict([ex.source for ex in test_set]), test_set)
        splits[split] = {"accuracy": score.accuracy, "n": score.n}
        seen += [t for ex in test_set for t in ex.source]
    report = perception_report(result.model, seen)
    return {"part": "hint", "seed": seed, "train_seconds": round(seconds, 1),
            "train_examples": len(train_set), "train_acc": result.metrics[-1]["train_acc"],
            "splits": splits, "perception": report.as_dict(),
            "programs": {result.model.symbol_names[s]: result.model.program_text(s)
                         for s in sorted(result.model.programs)}}


def _child(part: str, seed: int, out: Path, max_train: int | None,
           checkpoint: Path | None) -> dict[str, Any]:
    import torch

    torch.set_num_threads(1)
    figures = (run_toy(seed, out) if part == "toy"
               else run_hint(seed, out, max_train, checkpoint))
    figures["peak_rss_mb"] = round(peak_rss_mb(include_children=False), 1)
    if checkpoint is not None:  # memory of scoring only; training ran in `nsr train`
        figures["scored_checkpoint"] = str(checkpoint)
    return figures


def _table(runs: list[dict[str, Any]]) -> str:
    rows = []
    for r in runs:
        accs = {k: 100 * v["accuracy"] for k, v in r["splits"].items()}
        avg = sum(accs.values()) / len(accs)
        rows.append([r["part"], r["seed"], *(f"{k} {v:.1f}" for k, v in accs.items()),
                     f"{avg:.1f}", f"{100 * r['perception']['accuracy']:.1f}",
                     r["train_seconds"], r["peak_rss_mb"]])
    width = max(len(r) for r in rows)
    rows = [r[:-4] + [""] * (width - len(r)) + r[-4:] for r in rows]
    heads = ["part", "seed", *[f"split {i + 1}" for i in range(width - 6)],
             "avg %", "perception %", "train s", "peak MiB"]
    return markdown_table(heads, rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=("toy", "hint"), action="append")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--max-train", type=int, help="HINT: train on the first N examples only")
    ap.add_argument("--checkpoint", type=Path,
                    help="HINT: score this checkpoint (from `nsr train hint --input images`; "
                         "its recorded training time and metrics) instead of training")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        part, seed = args.child[0], int(args.child[1])
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(_child(part, seed, Path(tmp), args.max_train, args.checkpoint)))
        return 0
    runs = []
    for part in args.part or ["toy"]:
        for seed in args.seeds:
            cmd = [sys.executable, __file__, "--child", part, str(seed)]
            if args.max_train is not None:
                cmd += ["--max-train", str(args.max_train)]
            if args.checkpoint is not None:
                cmd += ["--checkpoint", str(args.checkpoint)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(done.stderr[-2000:], file=sys.stderr)
                return 1
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(runs[-1]))
    # keep the other parts' latest figures: each part can be re-run on its own
    previous = RESULTS_DIR / "nsr_hint_images.json"
    if previous.is_file():
        fresh = {(r["part"], r["seed"]) for r in runs}
        older = json.loads(previous.read_text(encoding="utf-8")).get("runs", [])
        runs = [r for r in older if (r["part"], r["seed"]) not in fresh] + runs
    write_json("nsr_hint_images", {"runs": runs, "published_nsr_image": PUBLISHED,
                                   "images": "NOT CROHME: sklearn 8x8 digits + rendered, "
                                             "distorted operator glyphs; split 75/5/20 by image"})
    per_symbol = "\n".join(
        f"- {r['part']} seed {r['seed']} per-symbol perception (test images): "
        + ", ".join(f"{s} {100 * a:.1f}" for s, a in r["perception"]["per_symbol"].items())
        for r in runs)
    update_results_md("nsr_hint_images", (
        "## NSR with image input (benchmarks/nsr_hint_images.py)\n\n"
        "Images are NOT CROHME: sklearn's 8x8 UCI digits + rendered, distorted operator "
        "glyphs, split 75/5/20 by image. No symbol labels in training; perception accuracy maps "
        "each learned symbol to its majority true label on the test images (scoring only). "
        f"Published NSR on CROHME HINT images: SL {PUBLISHED['SL']}, LL {PUBLISHED['LL']}, "
        f"avg {PUBLISHED['avg']}.\n\n" + _table(runs) + "\n\n" + per_symbol))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
