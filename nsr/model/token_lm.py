"""An n-gram model of output token sequences: which outputs look like the training outputs.

Why phrase readings need one: each word's reading is chosen from the word and its neighbours
alone, so two readings that are each likely can still make an output no training sentence
resembles (the plural verb of one reading after the singular subject of another, a masculine
article before a feminine noun). Scoring the whole output against the training outputs lets the
decoder (:mod:`nsr.model.phrase_decode`) pick readings that fit together. General: it knows
token sequences, not a language.

Smoothing is interpolated Witten-Bell: a history's own counts against its backoff in
proportion to how many different tokens followed it (a history followed by many kinds of token
leaves more mass to unseen ones), down to a unigram with one extra count for an unseen token.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

START, END = "<s>", "</s>"
#: Tokens of history: 2 (a trigram model). Why not more: the training outputs are a few
#: thousand short sentences; longer histories are seen once and only memorise.
ORDER = 3


@dataclass
class TokenLM:
    """Counts of each token after each history of 0..``order - 1`` tokens."""

    order: int = ORDER
    follows: dict[tuple[str, ...], Counter] = field(
        default_factory=lambda: defaultdict(Counter))
    _totals: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)

    def add(self, tokens: Sequence[str], count: int = 1) -> None:
        """Count one output sequence (``count`` times)."""
        seq = (START,) * (self.order - 1) + tuple(tokens) + (END,)
        for i in range(self.order - 1, len(seq)):
            for h in range(self.order):
                self.follows[seq[i - h:i]][seq[i]] += count
        self._totals.clear()

    def _total(self, history: tuple[str, ...]) -> int:
        total = self._totals.get(history)
        if total is None:
            total = self._totals[history] = sum(self.follows[history].values())
        return total

    def probability(self, history: Sequence[str], token: str) -> float:
        """P(token | the last ``order - 1`` tokens of ``history``), Witten-Bell smoothed."""
        unigrams = self.follows.get((), Counter())
        p = (unigrams[token] + 1) / (self._total(()) + len(unigrams) + 1)
        h = tuple(history)[-(self.order - 1):] if self.order > 1 else ()
        for n in range(1, len(h) + 1):
            ctx = h[-n:]
            counts = self.follows.get(ctx)
            if not counts:
                break
            kinds, total = len(counts), self._total(ctx)
            p = (counts[token] + kinds * p) / (total + kinds)
        return p

    def score(self, history: Sequence[str], tokens: Iterable[str]) -> float:
        """Log-probability of ``tokens`` following ``history`` (``START``-padded)."""
        seq = list(history)
        total = 0.0
        for t in tokens:
            total += math.log(self.probability(seq, t))
            seq.append(t)
        return total

    def ngrams(self) -> list[tuple[tuple[str, ...], int]]:
        """Every counted n-gram of the full order with its count (sorted): all the model is,
        since each shorter history's counts are sums of these."""
        return sorted((h + (t,), c) for h, counts in self.follows.items()
                      if len(h) == self.order - 1 for t, c in counts.items())

    @classmethod
    def from_ngrams(cls, order: int, ngrams: Iterable[tuple[Sequence[str], int]]) -> TokenLM:
        """The model :meth:`ngrams` listed."""
        lm = cls(order)
        for gram, count in ngrams:
            for h in range(order):
                lm.follows[tuple(gram[order - 1 - h:order - 1])][gram[-1]] += count
        return lm

    @staticmethod
    def padded(order: int) -> tuple[str, ...]:
        """The history of a sequence's first token."""
        return (START,) * (order - 1)


def fit_lm(outputs: Iterable[Sequence[str]], order: int = ORDER) -> TokenLM:
    """A model of ``outputs``, each distinct output counted once: a sentence given many times
    (a training file's repeated example) says nothing new about which tokens follow which."""
    lm = TokenLM(order)
    for tokens in dict.fromkeys(tuple(t) for t in outputs):
        lm.add(tokens)
    return lm
