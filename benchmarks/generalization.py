"""Generalization on held-out splits nobody tuned the learner on, with the one configuration.

Suites (generators in ``nsr/tasks/*/splits.py``, seeded, from ``../shared`` data):

- ``official``: the published SCAN, PCFG and HINT splits with their official test files (HINT:
  generated data seed 0), to show the one configuration keeps what was reached with per-task
  settings;

- ``scan-templates``: every command holding a phrase template is held out (10 templates, both
  directions); train on the rest of SCAN simple's training file, test on the held-out commands
  of ``tasks.txt`` (``--max-test`` caps the test at a seeded sample);
- ``scan-fractions``: 1%, 2%, 4%, 8% of SCAN simple's training file, official simple test file;
- ``pcfg-fractions``: 10% and 25% of PCFG SET's training file, i.i.d. test file;
- ``hint-sizes``: 1,000 / 2,000 / 5,000 generated HINT training expressions, the five subsets;
- ``scan-new-verb``: few-shot, ``nsr train --init``: the shipped SCAN model learns a new verb
  ``dax`` from 10 commands of at most 3 words, tested on 2,000 held-out commands with it (and
  on SCAN simple's official test file, to show it kept what it knew);
- ``hint-fewshot``: few-shot, ``--init``: the shipped HINT symbol model learns a new operator
  (``max``, ``min`` with the precedence of ``+``; ``avg`` = ceil((a+b)/2), ``hmean`` =
  ceil(2ab/(a+b)) with that of ``*``) from 100 expressions per operator count 1..10 holding it,
  or a new number (``11``, ``12``: a leaf whose value it must find) from up to 100 per count
  0..10 (``nsr/tasks/hint/fewshot.py``), tested on 50 per count 2..20 (values <= 10,000), and
  on the five original subsets.

Every (split, seed) trains in a fresh child process with ``config_for_task`` (the learner's
defaults plus the task's declared facts) and reports test accuracy, training accuracy on its
own training set, training wall time and peak memory. A Transformer seq2seq baseline
(``benchmarks/seq2seq.py``, fixed time budget) trains and tests on the same splits in the
same run.

    .venv/bin/python benchmarks/generalization.py --suites scan-templates --seeds 0 1 2 3 4
    .venv/bin/python benchmarks/generalization.py --suites scan-fractions pcfg-fractions --jobs 2
    .venv/bin/python benchmarks/generalization.py --suites hint-sizes --baseline-seconds 120

Results: benchmarks/results/generalization.json and the ``generalization`` section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (  # noqa: E402
    RESULTS_DIR,
    code_commit,
    markdown_table,
    peak_rss_mb,
    update_results_md,
    write_json,
)

SUITES = ("official", "scan-templates", "scan-fractions", "pcfg-fractions", "hint-sizes",
          "scan-new-verb", "hint-fewshot")
#: A child that trains longer than this is stopped and its row says so (a stuck run must not
#: hold the suite; ``--limit-s``).
LIMIT_S = 1800.0
#: Few-shot suites: the shipped checkpoint each starts from (``nsr train --init``).
FEW_SHOT = {"scan-new-verb": "scan-simple.json", "hint-fewshot": "hint-symbols.json"}
#: ``official``: the published splits (task:split), to show the one configuration keeps them.
OFFICIAL = ("scan:simple", "scan:length", "scan:jump", "scan:turn_left", "scan:around_right",
            "pcfg:iid", "pcfg:systematicity", "pcfg:productivity", "hint:all")


def splits_of(suite: str) -> list[str]:
    """The split names of a suite (a template name, a fraction or a size)."""
    if suite == "official":
        return list(OFFICIAL)
    if suite == "scan-templates":
        from nsr.tasks.scan.splits import TEMPLATE_NAMES

        return list(TEMPLATE_NAMES)
    if suite == "scan-fractions":
        from nsr.tasks.scan.splits import FRACTIONS

        return [f"{f:g}" for f in FRACTIONS]
    if suite == "pcfg-fractions":
        from nsr.tasks.pcfg.splits import FRACTIONS as PCFG_FRACTIONS

        return [f"{f:g}" for f in PCFG_FRACTIONS]
    if suite == "hint-sizes":
        from nsr.tasks.hint.splits import SIZES

        return [str(n) for n in SIZES]
    if suite == "scan-new-verb":
        return ["dax"]
    if suite == "hint-fewshot":
        from nsr.tasks.hint.fewshot import CONCEPTS

        return list(CONCEPTS)
    raise SystemExit(f"unknown suite {suite!r}; known: {', '.join(SUITES)}")


def load(suite: str, split: str, seed: int, max_test: int) -> tuple[str, list, dict[str, list]]:
    """(task name, train, {test name: test}) of one split of a suite."""
    if suite == "official":
        from nsr.tasks import get_task

        name, part = split.split(":")
        task = get_task(name)
        if name == "hint":
            from nsr.tasks.hint.task import TEST_SUBSETS

            return name, task.load(part, "train"), {s: task.load(s, "test") for s in TEST_SUBSETS}
        return name, task.load(part, "train"), {"test": task.load(part, "test")}
    if suite == "scan-templates":
        from nsr.tasks.scan.splits import template_split

        # templates are fixed held-out sets: the seed only varies training and the test sample
        train, test = template_split(split, max_test=max_test, seed=0)
        return "scan", train, {"test": test}
    if suite == "scan-fractions":
        from nsr.tasks.scan.splits import fraction_split

        train, test = fraction_split(float(split), seed)
        return "scan", train, {"test": test}
    if suite == "pcfg-fractions":
        from nsr.tasks.pcfg.splits import fraction_split as pcfg_fraction

        train, test = pcfg_fraction(float(split), seed)
        return "pcfg", train, {"test": test}
    if suite == "scan-new-verb":
        from nsr.tasks.scan.splits import new_verb_split
        from nsr.tasks.scan.task import ScanTask

        train, test = new_verb_split(seed, word=split, max_test=max_test or 2000)
        return "scan", train, {"test": test, "old": ScanTask().load("simple", "test")}
    if suite == "hint-fewshot":
        from nsr.tasks.hint.fewshot import fewshot_split
        from nsr.tasks.hint.task import TEST_SUBSETS, HintTask

        train, test = fewshot_split(split, seed)
        hint = HintTask()
        return "hint", train, {"test": test,
                               **{f"old:{s}": hint.load(s, "test") for s in TEST_SUBSETS}}
    from nsr.tasks.hint.splits import size_split

    train, tests = size_split(int(split), seed)
    return "hint", train, tests


def run_one(suite: str, split: str, seed: int, max_test: int) -> dict[str, Any]:
    """Train and test one (suite, split, seed) in this process."""
    import torch

    torch.set_num_threads(1)
    from nsr.learning.config import config_for_task
    from nsr.learning.loop import train
    from nsr.tasks import get_task

    name, train_set, tests = load(suite, split, seed, max_test)
    task = get_task(name)
    init = None
    if suite in FEW_SHOT:  # few-shot: start from the shipped model
        from nsr.learning.loop import load_model

        init, _ = load_model(Path(__file__).resolve().parent.parent / "nsr" / "learning"
                             / "pretrained" / FEW_SHOT[suite])
    t0 = time.perf_counter()
    result = train(train_set, config_for_task(task, f"{suite}:{split}"), seed=seed,
                   progress=False, init=init)
    seconds = time.perf_counter() - t0
    model = result.model

    def accuracy(examples: list) -> float:
        preds = model.predict([ex.source for ex in examples])
        return sum(p == ex.target for p, ex in zip(preds, examples, strict=True)) / len(examples)

    scores = {k: round(100 * accuracy(v), 2) for k, v in tests.items()}
    # few-shot: what the model knew before, scored apart
    old = {k.partition(":")[2] or k: scores.pop(k) for k in list(scores) if k.startswith("old")}
    kept = (old["old"] if list(old) == ["old"] else old) if old else None
    row = {"suite": suite, "split": split, "seed": seed, "n_train": len(train_set),
           "n_test": sum(len(v) for v in tests.values()),
           "test": round(sum(scores.values()) / len(scores), 2), "train_acc":
           round(100 * accuracy(train_set), 2), "train_seconds": round(seconds, 1),
           "peak_rss_mb": round(peak_rss_mb(False), 1), "programs": len(model.programs)}
    if len(scores) > 1:
        row["subsets"] = scores
    if kept is not None:
        row["old_test"] = kept
    return row


def run_child(suite: str, split: str, seed: int, max_test: int,
              limit_s: float = LIMIT_S) -> dict[str, Any]:
    """One (suite, split, seed) in a fresh process, stopped after ``limit_s`` seconds; the row
    names the commit it measured (``defaults``: rows of older runs keep theirs)."""
    import subprocess

    cmd = [sys.executable, __file__, "--one", suite, split, str(seed), str(max_test)]
    where = {"suite": suite, "split": split, "seed": seed, "defaults": code_commit()}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False,
                              timeout=limit_s)
    except subprocess.TimeoutExpired:
        return {**where, "error": f"stopped at the {limit_s:,.0f} s limit"}
    if proc.returncode != 0:
        return {**where, "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), **where}


def baseline(suite: str, split: str, budget_s: float, max_test: int) -> dict[str, Any]:
    """The Transformer seq2seq baseline on the same split (seed 0), fixed time budget."""
    from benchmarks.seq2seq import Seq2SeqConfig, train_and_test

    _, train_set, tests = load(suite, split, 0, max_test)
    tests = {k: v for k, v in tests.items() if not k.startswith("old")}  # few-shot: new only

    def tokens(target: Any) -> tuple[str, ...]:
        return tuple(str(target)) if isinstance(target, int) else tuple(target)

    pairs = [(ex.source, tokens(ex.target)) for ex in train_set]
    result = train_and_test(pairs, {k: [(ex.source, tokens(ex.target)) for ex in v]
                                    for k, v in tests.items()},
                            seed=0, config=Seq2SeqConfig(budget_s=budget_s))
    accs = [100 * s["accuracy"] for s in result["scores"].values()]
    return {"suite": suite, "split": split, "test": round(sum(accs) / len(accs), 2),
            "train_seconds": result["train_seconds"], "model": result["model"]}


def _merged(new: list[dict[str, Any]], old: list[dict[str, Any]], key) -> list[dict[str, Any]]:
    """Earlier runs' rows, with this run's replacing the ones of the same key (suites and
    seeds can be run one at a time; the report shows them all)."""
    fresh = {key(r) for r in new}
    return [r for r in old if key(r) not in fresh] + new


def _kept(old: float | dict[str, float] | None) -> str:
    """A few-shot row's score on what the model knew before (a number, or the lowest of its
    original test subsets)."""
    if old is None:
        return ""
    if isinstance(old, dict):
        low = min(old, key=old.get)
        return f" (old subsets: lowest {old[low]:.2f}, {low})"
    return f" (old words: {old:.2f})"


def report(rows: list[dict[str, Any]], base: list[dict[str, Any]], args) -> None:
    path = RESULTS_DIR / "generalization.json"
    before = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    order = {s: i for i, s in enumerate(SUITES)}
    rows = sorted(_merged(rows, before.get("rows", []), lambda r: (r["suite"], r["split"],
                                                                    r["seed"])),
                  key=lambda r: (order.get(r["suite"], 99), r["split"], r["seed"]))
    base = _merged(base, before.get("baseline", []), lambda r: (r["suite"], r["split"]))
    write_json("generalization", {"rows": rows, "baseline": base, "max_test": args.max_test})
    by_split = {(b["suite"], b["split"]): b for b in base}
    table = []
    for r in rows:
        b = by_split.get((r["suite"], r["split"]))
        if "error" in r:
            table.append([r["suite"], r["split"], r["seed"], "error: " + str(r["error"])[:60],
                          "", "", "", "", "", r.get("defaults", "earlier")])
            continue
        test = f"{r['test']:.2f}" + _kept(r.get("old_test"))
        table.append([r["suite"], r["split"], r["seed"], r["n_train"], test,
                      f"{r['train_acc']:.2f}", r["train_seconds"], r["peak_rss_mb"],
                      f"{b['test']:.2f}" if b else "", r.get("defaults", "earlier")])
    body = (
        "## Generalization on held-out splits (`benchmarks/generalization.py`)\n\n"
        "Splits generated by seeded code (`nsr/tasks/*/splits.py`) from `../shared` data and "
        "never used to tune the learner; one learner configuration for every task "
        "(`LearnerConfig` defaults + the facts each task declares). Test % = exact match on "
        "the held-out commands (HINT: mean of the five subsets); train % = on the run's own "
        "training set. Baseline: Transformer seq2seq, seed 0, "
        f"{args.baseline_seconds or 60:g} s budget per split, same data, same run (a run "
        "without the baseline keeps the earlier baseline rows; at 60 s on a loaded "
        "2-core machine it is barely trained: a floor, not a tuned peer). Answers by the Python "
        "evaluator (the official benchmarks check SWI-Prolog agrees). Wall times measured with "
        "other jobs running (load 2-7; at 2, one other single-thread job on the 2 cores). "
        "\"defaults of\": the commit the row was measured on (\"+changes\": with nsr/ "
        "changed from it; a run longer than `--limit-s`, 1,800 s, is stopped and its row says "
        "so); rows of older runs name the date of the learner defaults "
        "they were trained with (\"earlier\": before per-task options were removed; "
        "\"2026-12-06b\": the same defaults plus leaf guesses from co-occurrence, their "
        "shapes tried per word category, and image thresholds from perception noise; "
        "\"2026-12-06c\" or a commit id: guesses from the whole file, guessed worlds "
        "confirmed by known programs, stage restarts, parser examples shared between "
        "symbols of one meaning shape; the commit is the one the row was measured on); "
        "official rows of the HINT table are the mean of the five subsets, all subsets in "
        "results/generalization.json. Few-shot rows (`scan-new-verb`, `hint-fewshot`): test % "
        "on expressions holding the new concept; in brackets what the model knew before, on "
        "the original test files (HINT: the lowest of the five subsets; the shipped model "
        "before mate trees scored 99.67 there, SS; rows of a2cb758 start from that commit's "
        "model, retrained with its mate trees, since reverted; later rows from the shipped "
        "model retrained with mate trees whose tree makes only known attachments, number "
        "constants written any way and mates judged by their neighbours: 100 on each). "
        "`hmean` = ceil(2ab/(a+b)): learned from 81a3abb on as `/(*(x, +(y, y)), +(x, y))` "
        "by the search over compositions of learned programs; its 1-3 wrong answers per "
        "seed (of 950) are trees grouping `hmean` with a neighbouring `*` or `/` (same "
        "precedence) the other way, or inputs whose unary `x * 2y` exceeds the step limit of "
        "one program application (seed 0's one wrong training example). "
        "`hint-sizes`: a sample of 1,000-5,000 expressions holds at "
        "most a few single-digit ones, so the curriculum's second stage has every digit and "
        "operator unknown at once (`7 * 6` -> 42); rows of 2026-12-06c learned nothing there, "
        "later ones find the digits' values by joint abduction "
        "(`nsr/abduction/leaf_values.py`); with 1,000 (seed 0: 20 flat `a op b` examples, "
        "`+` and `/` in 3 each) the best world explains 15/20, below the 90% that adopts it, "
        "and nothing is learned.\n\n"
        + markdown_table(["suite", "split", "seed", "train n", "test %", "train %",
                          "train s", "peak MiB", "seq2seq test %", "defaults of"], table)
    )
    update_results_md("generalization", body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suites", nargs="+", default=list(SUITES), choices=SUITES)
    parser.add_argument("--splits", nargs="+", help="only these splits of the suites")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--jobs", type=int, default=1, help="children at once")
    parser.add_argument("--limit-s", type=float, default=LIMIT_S,
                        help="stop a run after this many seconds (its row says so)")
    parser.add_argument("--max-test", type=int, default=2000,
                        help="SCAN templates: test on a seeded sample of this many held-out "
                             "commands (0: all)")
    parser.add_argument("--baseline-seconds", type=float, default=60.0,
                        help="seq2seq budget per split (0: no baseline)")
    parser.add_argument("--one", nargs=4, metavar=("SUITE", "SPLIT", "SEED", "MAX_TEST"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        suite, split, seed, max_test = args.one
        print(json.dumps(run_one(suite, split, int(seed), int(max_test))))
        return
    jobs = [(suite, split, seed) for suite in args.suites for split in splits_of(suite)
            if not args.splits or split in args.splits for seed in args.seeds]
    rows: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        futures = [pool.submit(run_child, s, sp, seed, args.max_test, args.limit_s)
                   for s, sp, seed in jobs]
        for future in futures:
            row = future.result()
            rows.append(row)
            print(json.dumps(row), flush=True)
    base = []
    if args.baseline_seconds > 0:
        for suite, split in dict.fromkeys((s, sp) for s, sp, _ in jobs):
            row = baseline(suite, split, args.baseline_seconds, args.max_test)
            base.append(row)
            print(json.dumps(row), flush=True)
    report(rows, base, args)


if __name__ == "__main__":
    main()
