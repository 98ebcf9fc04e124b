"""Per-token perception: a learnable classifier from an input token to a symbol (torch).

Why a classifier and not a lookup table: the image model (a CNN over symbol images) plugs in
behind the same interface, ``predict(segments) -> (symbols, probabilities)`` and ``fit(segments,
symbols)``; for tokens the "segment" is the token's index in the vocabulary. Per-token
perception gives equivariance: renaming a primitive changes nothing else in the model.

It starts as one symbol per token (``n_symbols`` defaults to the vocabulary size and the
initial fit maps token i to symbol i); abduction may relabel tokens later and the classifier is
refit on the abduced symbols.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import torch
from torch import nn

from nsr.errors import ConfigError, DataError
from nsr.textfile import shorten


@dataclass(frozen=True)
class PerceptionConfig:
    """Model arguments: the vocabulary (segment names) and the number of symbols."""

    vocab: tuple[str, ...]
    n_symbols: int
    dim: int = 16
    lr: float = 0.05
    epochs: int = 60

    def __post_init__(self) -> None:
        if not self.vocab:
            raise ConfigError("perception needs a non-empty vocabulary")
        if self.n_symbols < 1:
            raise ConfigError("perception needs at least one symbol")


class TokenPerception:
    """Embedding + linear layer: token -> distribution over symbols."""

    def __init__(self, cfg: PerceptionConfig, seed: int = 0) -> None:
        self.cfg = cfg
        self.index = {tok: i for i, tok in enumerate(cfg.vocab)}
        torch.manual_seed(seed)
        self.net = nn.Sequential(
            nn.Embedding(len(cfg.vocab), cfg.dim), nn.Linear(cfg.dim, cfg.n_symbols)
        )

    @property
    def segments(self) -> tuple[str, ...]:
        """Every segment this perception knows (the learner anchors unlabelled ones)."""
        return self.cfg.vocab

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Token indices; an unknown token raises :class:`DataError` naming it."""
        out = []
        for tok in tokens:
            if tok not in self.index:
                raise DataError(f"unknown word {shorten(tok)!r}: it never occurred in the "
                                "training data")
            out.append(self.index[tok])
        return out

    def predict(self, tokens: Sequence[str]) -> tuple[list[int], list[float]]:
        """Most probable symbol of each token, with its probability."""
        ids = torch.tensor(self.encode(tokens), dtype=torch.long)
        with torch.no_grad():
            probs = torch.softmax(self.net(ids), dim=1)
        best = probs.max(dim=1)
        return best.indices.tolist(), best.values.tolist()

    def log_probs(self, tokens: Sequence[str]) -> list[list[float]]:
        """log p(symbol | token) for every token and symbol (abduction prices revisions)."""
        ids = torch.tensor(self.encode(tokens), dtype=torch.long)
        with torch.no_grad():
            return torch.log_softmax(self.net(ids), dim=1).tolist()

    def fit(self, tokens: Sequence[str], symbols: Sequence[int], seed: int = 0) -> float:
        """Train on (token, symbol) pseudo-labels; returns the final loss."""
        if len(tokens) != len(symbols) or not tokens:
            raise DataError("perception.fit needs equally many tokens and symbols (at least one)")
        torch.manual_seed(seed)
        x = torch.tensor(self.encode(tokens), dtype=torch.long)
        y = torch.tensor(list(symbols), dtype=torch.long)
        opt = torch.optim.Adam(self.net.parameters(), lr=self.cfg.lr)
        loss = torch.tensor(0.0)
        for _ in range(self.cfg.epochs):
            loss = nn.functional.cross_entropy(self.net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        return float(loss.detach())

    def state_dict(self) -> dict:
        return {
            "config": {**asdict(self.cfg), "vocab": list(self.cfg.vocab)},
            "weights": {k: v.detach().clone() for k, v in self.net.state_dict().items()},
        }

    @classmethod
    def from_state(cls, state: dict) -> TokenPerception:
        cfg = dict(state["config"])
        cfg["vocab"] = tuple(cfg["vocab"])
        model = cls(PerceptionConfig(**cfg))
        model.net.load_state_dict(state["weights"])
        return model
