"""NSR on compositional English -> French translation, against a seq2seq baseline.

Data: ``../shared/data/mt`` (Lake & Baroni 2018; train 6,073 pairs incl. 1,000 copies of
"i am daxy ." -> "je suis daxiste ."; test 583; test-daxy 8: "daxy" in contexts never seen with
it). For every seed a fresh child process trains the NSR learner with the task's declared facts
only (token inputs, token outputs, library ``lists``) and scores exact match on test-daxy and
test, and corpus BLEU on test (:mod:`nsr.tasks.bleu`; an input with a word never seen in
training gets no answer: counted wrong, an empty hypothesis for BLEU). The baseline, a small
Transformer (``benchmarks/seq2seq.py``), trains on the same pairs for a fixed wall-time budget
per seed in the same run. Figures: exact match, BLEU, train seconds, peak memory.

    .venv/bin/python benchmarks/nsr_mt.py                              # 3 seeds, full data
    .venv/bin/python benchmarks/nsr_mt.py --seeds 0 --train-limit 500 --budget 60   # smoke run

Results: benchmarks/results/nsr_mt.json and the ``nsr_mt`` section of RESULTS.md.
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

from benchmarks.common import markdown_table, peak_rss_mb, update_results_md, write_json  # noqa: E402

SPLITS = ("test-daxy", "test")


def training_pairs(limit: int | None, seed: int) -> list:
    """The training examples, or ``limit`` distinct ones drawn with ``seed`` (always keeping
    "i am daxy .", the only sentence with the new word)."""
    from nsr.tasks import get_task

    examples = get_task("mt").load(part="train")
    if limit is None:
        return examples
    unique = list({ex.source: ex for ex in examples}.values())
    daxy = [ex for ex in unique if "daxy" in ex.source]
    rest = [ex for ex in unique if "daxy" not in ex.source]
    return daxy + random.Random(seed).sample(rest, min(limit, len(rest)))


def run_one(seed: int, out: Path, limit: int | None) -> dict[str, Any]:
    """Train NSR on the training pairs and score the test sets, in this process."""
    import torch

    torch.set_num_threads(1)
    from nsr.commands.model_io import answer
    from nsr.learning.config import config_for_task
    from nsr.learning.loop import train
    from nsr.tasks import exact_match, get_task
    from nsr.tasks.bleu import corpus_bleu

    task = get_task("mt")
    examples = training_pairs(limit, seed)
    t0 = time.perf_counter()
    result = train(examples, config_for_task(task, "train"), seed=seed, out=out, progress=False)
    seconds = time.perf_counter() - t0
    row: dict[str, Any] = {"system": "nsr", "seed": seed, "train_examples": len(examples),
                           "train_seconds": round(seconds, 1),
                           "train_accuracy": result.metrics[-1].get("train_acc", 0.0)
                           if result.metrics else 0.0,
                           "programs": len(result.model.programs),
                           "meaning": "programs" if result.model.phrases is None
                           else "phrases"}
    for split in SPLITS:
        tests = task.load(split, "test")
        answers = answer(result.model, [ex.source for ex in tests],
                         lambda m, xs: m.predict(xs))
        row[split] = {**exact_match(answers.predictions, tests).as_dict(),
                      "unknown_inputs": answers.unknown_inputs}
        if split == "test":
            row["bleu_test"] = round(corpus_bleu(answers.predictions,
                                                 [ex.target for ex in tests]), 2)
    row["peak_rss_mb"] = round(peak_rss_mb(False), 1)
    return row


def run_child(seed: int, out: Path, limit: int | None) -> dict[str, Any]:
    """:func:`run_one` in a fresh process (its own peak memory); an ``error`` row on failure."""
    cmd = [sys.executable, __file__, "--one", str(seed), str(out), str(limit or 0)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"system": "nsr", "seed": seed, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_baseline(seed: int, limit: int | None, budget: float) -> dict[str, Any]:
    """The Transformer on the same pairs, ``budget`` seconds of training (one thread, as NSR)."""
    import torch

    from benchmarks.seq2seq import Seq2SeqConfig, train_and_test

    torch.set_num_threads(1)
    from nsr.tasks import get_task
    from nsr.tasks.bleu import corpus_bleu

    task = get_task("mt")
    train = [(ex.source, ex.target) for ex in training_pairs(limit, seed)]
    tests = {split: [(ex.source, ex.target) for ex in task.load(split, "test")]
             for split in SPLITS}
    res = train_and_test(train, tests, seed=seed, config=Seq2SeqConfig(budget_s=budget),
                         keep_predictions=True)
    row: dict[str, Any] = {"system": "seq2seq", "seed": seed, "model": res["model"],
                           "train_examples": len(train), "train_seconds": res["train_seconds"],
                           "steps": res["steps"]}
    for split in SPLITS:
        row[split] = res["scores"][split]
    row["bleu_test"] = round(corpus_bleu(res["predictions"]["test"],
                                         [t for _, t in tests["test"]]), 2)
    row["peak_rss_mb"] = round(peak_rss_mb(False), 1)
    return row


def _cells(r: dict[str, Any]) -> list[Any]:
    if "error" in r:
        return [r["system"], r["seed"], "error", "", "", "", "", "", ""]
    return [r["system"], r["seed"], r.get("train_examples", ""), r.get("meaning", "-"),
            f"{r['test-daxy']['correct']}/{r['test-daxy']['n']}",
            f"{100 * r['test']['accuracy']:.2f}", r["bleu_test"], r["train_seconds"],
            r["peak_rss_mb"]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    ap.add_argument("--train-limit", type=int, default=0,
                    help="train on this many distinct pairs (+ the daxy one); 0: all")
    ap.add_argument("--budget", type=float, default=300.0,
                    help="seq2seq training seconds per seed (default: 300)")
    ap.add_argument("--keep", type=Path, default=None,
                    help="keep each seed's NSR checkpoint in KEEP/mt-seedN (default: a "
                         "temporary folder, removed)")
    ap.add_argument("--one", nargs=3, metavar=("SEED", "OUT", "LIMIT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        seed, out, limit = args.one
        print(json.dumps(run_one(int(seed), Path(out), int(limit) or None)))
        return 0
    limit = args.train_limit or None
    runs = []
    with tempfile.TemporaryDirectory(prefix="nsr-mt-") as tmp:
        where = args.keep if args.keep is not None else Path(tmp)
        for seed in args.seeds:
            for row in (run_child(seed, where / f"mt-seed{seed}", limit),
                        run_baseline(seed, limit, args.budget)):
                runs.append(row)
                print(json.dumps(row), flush=True)
    write_json("nsr_mt", {"runs": runs, "command": "python benchmarks/nsr_mt.py "
                          + " ".join(argv if argv is not None else sys.argv[1:])})
    body = ["## NSR on compositional MT (benchmarks/nsr_mt.py)", "",
            "English -> French (Lake & Baroni 2018, `../shared/data/mt`): exact match on "
            "test-daxy (8) and test (583), corpus BLEU-4 on test; NSR trained with the task's "
            "facts only (token outputs, library `lists`), one process per seed (meaning: what "
            "the learner kept, programs or phrase readings of words, see "
            "`nsr/learning/phrase_choice.py`); the baseline is "
            f"a small Transformer trained {args.budget:.0f} s per seed on the same pairs. "
            + (f"Smoke run: {limit} training pairs. " if limit else ""), "",
            markdown_table(["system", "seed", "train n", "meaning", "test-daxy", "test EM %",
                            "BLEU test", "train s", "peak MiB"], [_cells(r) for r in runs])]
    update_results_md("nsr_mt", "\n".join(body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
