"""NSR on SCAN: five splits x three seeds, plus a GRU seq2seq baseline on the same data.

For every (split, seed) a fresh child process trains from the official train file, then scores
the official test file with trees executed by SWI-Prolog (the Python evaluator's answers are
checked against Prolog's). Figures: exact-match test accuracy, training wall time and the
child's peak resident memory. The baseline (a small GRU encoder-decoder with attention, fixed
time budget per split) trains and tests on the same files in the same run.

    .venv/bin/python benchmarks/nsr_scan.py                    # everything (about 20 min)
    .venv/bin/python benchmarks/nsr_scan.py --splits simple --seeds 0 --baseline-seconds 0
    .venv/bin/python benchmarks/nsr_scan.py --ship             # also refresh shipped checkpoints

Results: benchmarks/results/nsr_scan.json and the ``nsr_scan`` section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
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

SPLITS = ("simple", "length", "jump", "turn_left", "around_right")


def run_one(split: str, seed: int, out: Path) -> dict[str, Any]:
    """Train and test one (split, seed) in this process; returns the figures."""
    return train_and_score("scan", split, seed, out)


# ------------------------------------------------------------------ seq2seq baseline (GRU)
def baseline(split: str, seed: int, budget_s: float) -> dict[str, Any]:
    """A GRU encoder-decoder with dot attention, trained for ``budget_s`` seconds."""
    import torch
    from torch import nn

    from nsr.tasks import exact_match, get_task

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    task = get_task("scan")
    train_set, test_set = task.load(split, "train"), task.load(split, "test")
    src_vocab = ["<pad>"] + sorted({t for ex in train_set + test_set for t in ex.source})
    tgt_vocab = ["<pad>", "<s>", "</s>"] + sorted({t for ex in train_set for t in ex.target})
    si = {t: i for i, t in enumerate(src_vocab)}
    ti = {t: i for i, t in enumerate(tgt_vocab)}
    max_out = max(len(ex.target) for ex in train_set + test_set) + 2

    def batch(exs):
        s = nn.utils.rnn.pad_sequence([torch.tensor([si[t] for t in ex.source]) for ex in exs], batch_first=True)
        y = nn.utils.rnn.pad_sequence(
            [torch.tensor([1] + [ti.get(t, 0) for t in ex.target] + [2]) for ex in exs], batch_first=True)
        return s, y

    class Model(nn.Module):
        def __init__(self, d: int = 128) -> None:
            super().__init__()
            self.se, self.te = nn.Embedding(len(src_vocab), d), nn.Embedding(len(tgt_vocab), d)
            self.enc = nn.GRU(d, d, batch_first=True)
            self.dec = nn.GRU(2 * d, d, batch_first=True)
            self.out = nn.Linear(2 * d, len(tgt_vocab))

        def encode(self, s):
            h, last = self.enc(self.se(s))
            return h, last, s == 0

        def step(self, y, state, ctx_prev, h, mask):
            o, state = self.dec(torch.cat([self.te(y), ctx_prev], -1), state)
            att = (o @ h.transpose(1, 2)).masked_fill(mask[:, None, :], -1e9).softmax(-1)
            ctx = att @ h
            return self.out(torch.cat([o, ctx], -1)), state, ctx

        def forward(self, s, y_in):
            h, state, mask = self.encode(s)
            ctx = torch.zeros(s.shape[0], 1, h.shape[-1])
            logits = []
            for t in range(y_in.shape[1]):
                lg, state, ctx = self.step(y_in[:, t : t + 1], state, ctx, h, mask)
                logits.append(lg)
            return torch.cat(logits, 1)

    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    start, steps = time.perf_counter(), 0
    gen = torch.Generator().manual_seed(seed)
    while time.perf_counter() - start < budget_s:
        idx = torch.randint(len(train_set), (64,), generator=gen).tolist()
        s, y = batch([train_set[i] for i in idx])
        loss = nn.functional.cross_entropy(model(s, y[:, :-1]).reshape(-1, len(tgt_vocab)),
                                           y[:, 1:].reshape(-1), ignore_index=0)
        opt.zero_grad()
        loss.backward()
        opt.step()
        steps += 1
    train_seconds = time.perf_counter() - start
    preds = []
    model.eval()
    with torch.no_grad():
        for i in range(0, len(test_set), 256):
            exs = test_set[i : i + 256]
            s, _ = batch(exs)
            h, state, mask = model.encode(s)
            ctx = torch.zeros(s.shape[0], 1, h.shape[-1])
            y = torch.ones(s.shape[0], 1, dtype=torch.long)
            outs = []
            for _ in range(max_out):
                lg, state, ctx = model.step(y, state, ctx, h, mask)
                y = lg.argmax(-1)
                outs.append(y)
            seqs = torch.cat(outs, 1).tolist()
            for row in seqs:
                toks = []
                for k in row:
                    if k == 2:
                        break
                    toks.append(tgt_vocab[k])
                preds.append(tuple(toks))
    score = exact_match(preds, test_set)
    return {"split": split, "seed": seed, "model": "GRU+attention seq2seq (d=128)",
            "accuracy": score.accuracy, "n": score.n, "correct": score.correct,
            "train_seconds": round(train_seconds, 1), "steps": steps}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--splits", nargs="*", default=list(SPLITS))
    ap.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    ap.add_argument("--baseline-seconds", type=float, default=120.0,
                    help="training budget of the seq2seq baseline per split (0: skip it)")
    ap.add_argument("--ship", action="store_true", help="copy seed-0 checkpoints into the package")
    ap.add_argument("--one", nargs=3, metavar=("SPLIT", "SEED", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        split, seed, out = args.one
        print(json.dumps(run_one(split, int(seed), Path(out))))
        return 0
    runs, baselines = [], []
    with tempfile.TemporaryDirectory(prefix="nsr-scan-") as tmp:
        for split in args.splits:
            runs += run_seeds(__file__, "scan", split, args.seeds, Path(tmp), ship=args.ship)
            if args.baseline_seconds > 0:
                b = baseline(split, 0, args.baseline_seconds)
                baselines.append(b)
                print(json.dumps(b), flush=True)
    write_json("nsr_scan", {"runs": runs, "baseline": baselines,
                            "command": "python benchmarks/nsr_scan.py " + " ".join(argv or sys.argv[1:])})
    rows = [[r["split"], r["seed"], f"{100 * r['accuracy']:.2f}" if "accuracy" in r else "error",
             r.get("n", ""), r.get("train_seconds", ""), r.get("peak_rss_mb", "")] for r in runs]
    body = ["## NSR on SCAN (benchmarks/nsr_scan.py)", "",
            "Trained from (command, actions) pairs only; test = the official test file; trees "
            "executed by SWI-Prolog. One process per run, 1 torch thread.", "",
            markdown_table(["split", "seed", "test acc %", "n", "train s", "peak MiB"], rows)]
    if baselines:
        body += ["", f"Baseline: GRU+attention seq2seq, {args.baseline_seconds:.0f} s budget per split, seed 0:", "",
                 markdown_table(["split", "test acc %", "n", "train s", "steps"],
                                [[b["split"], f"{100 * b['accuracy']:.2f}", b["n"], b["train_seconds"], b["steps"]]
                                 for b in baselines])]
    update_results_md("nsr_scan", "\n".join(body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
