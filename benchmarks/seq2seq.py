"""A small Transformer encoder-decoder: the seq2seq baseline benchmarks compare NSR against.

Why a baseline at all: our HINT data is regenerated, so the published Transformer figures are
not comparable; a peer trained on the same generated splits in the same run is. The model is
deliberately standard (``torch.nn.Transformer``, learned positions, teacher forcing, greedy
decoding) and trained for a fixed wall-time budget on CPU, so the comparison is "what a
seq2seq model gets for the same compute", not a tuned state of the art.

Inputs and outputs are token sequences (tuples of strings); a task maps its targets to tokens
(HINT: the digits of the result) with ``to_tokens``.
"""

from __future__ import annotations

import math
import random
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PAD, BOS, EOS = 0, 1, 2
SPECIALS = ("<pad>", "<bos>", "<eos>")


@dataclass(frozen=True)
class Seq2SeqConfig:
    """Size and training budget of the baseline (defaults: ~0.8M parameters)."""

    d_model: int = 128
    heads: int = 4
    layers: int = 2
    ff: int = 256
    dropout: float = 0.1
    batch: int = 64
    lr: float = 5e-4
    budget_s: float = 120.0
    max_len: int = 256


class _Vocab:
    def __init__(self, sequences: Sequence[Sequence[str]]) -> None:
        self.items = list(SPECIALS) + sorted({t for s in sequences for t in s})
        self.index = {t: i for i, t in enumerate(self.items)}

    def encode(self, seq: Sequence[str]) -> list[int]:
        # unseen tokens map to PAD's id with a mask-free embedding: the baseline simply cannot
        # know them (PCFG letters unseen in training are rare; HINT has none)
        return [self.index.get(t, PAD) for t in seq]


def _model(n_src: int, n_tgt: int, cfg: Seq2SeqConfig):
    import torch
    from torch import nn

    # nn.Transformer's encoder warns that its nested-tensor fast path is a prototype; we do
    # not rely on it (it only speeds up padded inference), so the warning is noise here.
    warnings.filterwarnings("ignore", message=".*nested tensors.*", category=UserWarning)

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.src_emb = nn.Embedding(n_src, cfg.d_model)
            self.tgt_emb = nn.Embedding(n_tgt, cfg.d_model)
            self.pos = nn.Embedding(cfg.max_len, cfg.d_model)
            self.core = nn.Transformer(cfg.d_model, cfg.heads, cfg.layers, cfg.layers, cfg.ff,
                                       cfg.dropout, batch_first=True)
            self.out = nn.Linear(cfg.d_model, n_tgt)

        def embed(self, emb, ids):
            pos = torch.arange(ids.shape[1]).unsqueeze(0)
            return emb(ids) * math.sqrt(cfg.d_model) + self.pos(pos)

        def forward(self, src, tgt_in):
            n = tgt_in.shape[1]
            causal = torch.triu(torch.ones(n, n, dtype=torch.bool), 1)
            h = self.core(self.embed(self.src_emb, src), self.embed(self.tgt_emb, tgt_in),
                          tgt_mask=causal, src_key_padding_mask=src == PAD,
                          tgt_key_padding_mask=tgt_in == PAD, memory_key_padding_mask=src == PAD)
            return self.out(h)

    return Model()


def _pad(rows: Sequence[list[int]]):
    import torch

    width = max(len(r) for r in rows)
    return torch.tensor([r + [PAD] * (width - len(r)) for r in rows], dtype=torch.long)


def train_and_test(
    train: Sequence[tuple[Sequence[str], Sequence[str]]],
    tests: Mapping[str, Sequence[tuple[Sequence[str], Sequence[str]]]],
    *,
    seed: int = 0,
    config: Seq2SeqConfig | None = None,
    progress: Callable[[str], None] | None = None,
    keep_predictions: bool = False,
) -> dict[str, Any]:
    """Train on ``train`` for ``config.budget_s`` seconds; exact-match accuracy per test set
    (``keep_predictions``: also each test set's decoded outputs, e.g. for BLEU)."""
    import torch
    from torch import nn

    cfg = config or Seq2SeqConfig()
    torch.manual_seed(seed)
    rng = random.Random(seed)
    src_vocab = _Vocab([s for s, _ in train])
    tgt_vocab = _Vocab([t for _, t in train])
    longest = max(len(s) for split in tests.values() for s, _ in split) if tests else 0
    width = max(longest, *(len(s) for s, _ in train)) + 2
    model_cfg = cfg if width <= cfg.max_len else Seq2SeqConfig(**{**cfg.__dict__, "max_len": width})
    model = _model(len(src_vocab.items), len(tgt_vocab.items), model_cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    data = [(src_vocab.encode(s), [BOS, *tgt_vocab.encode(t), EOS]) for s, t in train]
    start = time.perf_counter()
    steps = 0
    model.train()
    while time.perf_counter() - start < cfg.budget_s:
        batch = rng.sample(data, min(cfg.batch, len(data)))
        src = _pad([s for s, _ in batch])
        tgt = _pad([t for _, t in batch])
        logits = model(src, tgt[:, :-1])
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        steps += 1
        if progress and steps % 200 == 0:
            progress(f"step {steps} loss {loss.item():.4f}")
    train_seconds = time.perf_counter() - start
    model.eval()
    scores: dict[str, dict[str, Any]] = {}
    predictions: dict[str, list[tuple[str, ...]]] = {}
    with torch.no_grad():
        for name, pairs in tests.items():
            correct = 0
            decoded: list[tuple[str, ...]] = []
            for i in range(0, len(pairs), 256):
                chunk = pairs[i:i + 256]
                src = _pad([src_vocab.encode(s) for s, _ in chunk])
                max_out = max(len(t) for _, t in chunk) + 2
                out = torch.full((len(chunk), 1), BOS, dtype=torch.long)
                for _ in range(max_out):
                    nxt = model(src, out)[:, -1].argmax(-1, keepdim=True)
                    out = torch.cat([out, nxt], 1)
                for row, (_, want) in zip(out[:, 1:].tolist(), chunk, strict=True):
                    got = []
                    for k in row:
                        if k == EOS:
                            break
                        got.append(tgt_vocab.items[k])
                    correct += tuple(got) == tuple(want)
                    decoded.append(tuple(got))
            scores[name] = {"accuracy": correct / len(pairs) if pairs else 0.0, "n": len(pairs),
                            "correct": correct}
            if keep_predictions:
                predictions[name] = decoded
    params = sum(p.numel() for p in model.parameters())
    return {"model": f"Transformer seq2seq (d={cfg.d_model}, {cfg.layers}+{cfg.layers} layers, "
                     f"{params / 1e6:.2f}M params)",
            "train_seconds": round(train_seconds, 1), "steps": steps, "scores": scores,
            **({"predictions": predictions} if keep_predictions else {})}
