"""Phrase readings as a model's meaning, where programs do not explain the data.

A program per word assumes each word means one function of its dependents' values. A natural
language breaks that (words with no output of their own, multi-word outputs, words wrapped
round a neighbour's, outputs that depend on the neighbour: see :mod:`nsr.model.phrases`),
and on such data the deduction-abduction loop finds nothing to build on. Phrase readings are
the learner's second kind of meaning, for any task whose outputs are token sequences.

The rule, the same for every task and read off the data alone:

1. After a curriculum stage whose programs leave most of its examples wrong (the test that
   already starts a stage over in :func:`nsr.learning.loop._fit_stage`), phrase readings are
   fitted on the same examples and scored on them. Same examples, same count: a symmetric
   comparison, decided where it is cheapest (the earliest such stage, short inputs).
2. When the readings explain more of the stage than the programs do, readings are fitted on
   the whole training file and scored on it against the programs; the larger count wins (a
   tie keeps the programs, the smaller hypothesis over a whole language). When the readings
   win, the curriculum stops: its later stages build on meanings the earlier ones learned,
   and there are none.

Why not always fit both: a stage the programs mostly explain (every stage of SCAN, PCFG and
HINT) is never compared, so those tasks pay nothing and learn what they learned before; and a
fit over long outputs costs minutes. Why a comparison is skipped when readings could not win
even in principle (:func:`ceiling`): a word's reading emits at most ``MAX_PHRASE`` tokens.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from nsr.model.model import NsrModel
from nsr.model.phrases import MAX_PHRASE, PhraseLexicon, fit_phrases
from nsr.tasks.base import Example


def token_outputs(examples: Sequence[Example]) -> bool:
    """Whether every output is a token sequence: the only outputs phrases can be."""
    return bool(examples) and all(
        isinstance(ex.target, tuple) and all(isinstance(t, str) for t in ex.target)
        for ex in examples)


def ceiling(examples: Sequence[Example]) -> int:
    """How many of ``examples`` phrase readings could explain at most: those whose output has
    no more than ``MAX_PHRASE`` tokens per input word."""
    return sum(len(ex.target) <= MAX_PHRASE * len(ex.source) for ex in examples)


def explained(lexicon: PhraseLexicon, examples: Sequence[Example]) -> int:
    """How many of ``examples`` the readings answer right."""
    return sum(lexicon.translate(ex.source) == ex.target for ex in examples)


def _pairs(examples: Sequence[Example]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    return [(tuple(ex.source), tuple(ex.target)) for ex in examples]


def stage_prefers_phrases(pool: Sequence[Example], right: int,
                          say: Callable[[str], None]) -> bool:
    """Step 1 of the rule: programs got ``right`` of the stage's ``pool``; do readings fitted
    on the same examples explain more of them?"""
    if 2 * right >= len(pool) or not token_outputs(pool) or ceiling(pool) <= right:
        return False
    lexicon = fit_phrases(_pairs(pool))
    found = explained(lexicon, pool)
    say(f"phrase readings explain {found}/{len(pool)} of the stage, programs {right}")
    return found > right


@dataclass(frozen=True)
class PhraseFit:
    """Step 2 of the rule: what readings and programs explain of the whole training file."""

    lexicon: PhraseLexicon
    phrases_right: int
    programs_right: int
    examples: int
    seconds: float

    @property
    def wins(self) -> bool:
        return self.phrases_right > self.programs_right

    def metrics(self, stage: int, max_len: int) -> dict[str, Any]:
        """A metrics entry for the run (shaped as a stage's: the plot and summaries read it)."""
        return {"stage": stage, "max_len": max_len, "examples": self.examples,
                "train_acc_before": self.programs_right / self.examples,
                "train_acc": max(self.phrases_right, self.programs_right) / self.examples,
                "programs": 0, "meaning": "phrases" if self.wins else "programs",
                "phrases_right": self.phrases_right, "programs_right": self.programs_right,
                "seconds": round(self.seconds, 3)}


def fit_whole(model: NsrModel, examples: Sequence[Example], data: Sequence[Example]
              ) -> PhraseFit:
    """Readings fitted on every training pair (``examples``, repeats counted: a frequent
    sentence is evidence), scored with the programs on the distinct inputs (``data``)."""
    t0 = time.perf_counter()
    lexicon = fit_phrases(_pairs(examples))
    preds = model.predict([ex.source for ex in data], reread=False)
    programs = sum(p == ex.target for p, ex in zip(preds, data, strict=True))
    return PhraseFit(lexicon, explained(lexicon, data), programs, len(data),
                     time.perf_counter() - t0)


def adopt(model: NsrModel, fit: PhraseFit) -> None:
    """Make the readings the model's meaning: its programs go (they explained less), its
    perception stays (the vocabulary that tells unknown words apart)."""
    model.phrases = fit.lexicon
    model.programs.clear()
    model.fits.clear()
