"""The best whole output for an input under phrase readings and a model of outputs.

:meth:`nsr.model.phrases.PhraseLexicon.readings` picks each word's likeliest reading on its
own, and readings that are each likely may not fit together (see :mod:`nsr.model.token_lm`).
Here an output's score is the sum of three parts, and the best output is found by dynamic
programming over (words read, last output tokens), exact for the n-gram model:

- each reading's log-probability given its word and neighbours (what the word says);
- ``INVERSE_WEIGHT`` times the log of the word's share of all that reading's counts (what the
  reading says of the word): without it a word takes a reading every word takes, most often
  the empty one, and its meaning drops out of the output (a content word read as nothing);
- ``LM_WEIGHT`` times the output model's log-probability of the whole token sequence, plus
  ``TOKEN_BONUS`` per token: every token costs the output model some probability, so without
  the bonus the best output would also drop words.

Each word's readings are cut to its ``TOP_READINGS`` likeliest and each position's states to
``BEAM`` (pruning only: it keeps the search linear in the input). The weights were chosen on
the dev split of ``../shared/data/mt`` (see :mod:`nsr.model.phrases`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from nsr.model.token_lm import END, TokenLM

if TYPE_CHECKING:
    from nsr.model.phrases import Context, PhraseLexicon, Reading

#: Weight of the output model's log-probability against the readings'.
LM_WEIGHT = 1.0
#: Log-score added per output token (pays back what a likely token costs the output model).
TOKEN_BONUS = 1.0
#: Weight of the inverse score, log(word's count of the reading / the reading's count).
INVERSE_WEIGHT = 1.0
#: Pseudo-count of a word's reading seen only in a context (not among the word's own counts).
INVERSE_PRIOR = 0.1
#: Readings of a word kept as candidates (likeliest first).
TOP_READINGS = 4
#: States kept per position of the input.
BEAM = 32


def _options(lexicon: PhraseLexicon, word: str, contexts: Sequence[Context], kind: type
             ) -> list[tuple[float, Reading]]:
    """The word's ``TOP_READINGS`` likeliest readings of ``kind``, each with its score (the
    direct log-probability and the weighted inverse one)."""
    found = [(math.log(lexicon.probability(word, contexts, r)), r)
             for r in lexicon.candidates(word, contexts) if isinstance(r, kind)]
    found.sort(key=lambda sr: (-sr[0], sr[1].size(), repr(sr[1])))
    own = lexicon.words[word]
    return [(s + INVERSE_WEIGHT * math.log((own[r] + INVERSE_PRIOR)
                                           / (lexicon.reading_total(r) + 1)), r)
            for s, r in found[:TOP_READINGS]]


def decode(lexicon: PhraseLexicon, lm: TokenLM, source: Sequence[str]
           ) -> list[Reading] | None:
    """The reading of each word of ``source`` that gives the best output; None when a word
    was never seen or no reading covers it."""
    from nsr.model.phrases import Inline, Wrap, contexts_of

    if not all(lexicon.knows(w) for w in source):
        return None
    n, keep = len(source), lm.order - 1
    start = lm.padded(lm.order)

    def last(out: tuple[str, ...]) -> tuple[str, ...]:
        return (start + out)[len(start) + len(out) - keep:]

    # states[i]: last output tokens -> (score, output, readings) after reading i words
    states: list[dict] = [{} for _ in range(n + 1)]
    states[0][last(())] = (0.0, (), ())

    def push(i: int, score: float, out: tuple, readings: tuple) -> None:
        old = states[i].get(last(out))
        if old is None or score > old[0]:
            states[i][last(out)] = (score, out, readings)

    def tokens_score(out: tuple, toks: tuple) -> float:
        return (LM_WEIGHT * lm.score(last(out), toks) + TOKEN_BONUS * len(toks)) if toks \
            else 0.0

    for i in range(n):
        live = sorted(states[i].values(), key=lambda s: -s[0])[:BEAM]
        if not live:
            continue
        inline = _options(lexicon, source[i], contexts_of(source, i), Inline)
        pairs = []
        if i + 1 < n:  # word i+1 wraps word i
            wraps = _options(lexicon, source[i + 1], (("L", source[i]),), Wrap)
            if wraps:
                inner = _options(lexicon, source[i], contexts_of(source, i, governed=True),
                                 Inline)
                pairs = [(sw + si, w, r) for sw, w in wraps for si, r in inner]
        for score, out, readings in live:
            for s, r in inline:
                push(i + 1, score + s + tokens_score(out, r.phrase), out + r.phrase,
                     (*readings, r))
            for s, w, r in pairs:
                toks = w.before + r.phrase + w.after
                push(i + 2, score + s + tokens_score(out, toks), out + toks,
                     (*readings, r, w))
    if not states[n]:
        return None
    best = max(states[n].values(),
               key=lambda s: s[0] + LM_WEIGHT * lm.score(last(s[1]), (END,)))
    return list(best[2])
