"""Phrase readings of words from (input, output) token pairs: what a word of a natural language
contributes to the output, when one atom per word (:mod:`nsr.abduction.lexicon`) cannot say.

Natural-language pairs break the lexicon's assumptions four ways at once: a word may emit no
token (``are`` in ``you are lying`` -> ``vous mentez``) or several (``am`` -> ``suis``, but
``i m cold`` -> ``j ai froid``), its tokens may sit on both sides of a neighbour's
(``not`` -> ``ne suis pas`` around ``am``'s ``suis``), and which tokens depends on the
neighbour (``ne`` before ``suis``, ``n`` before ``es``; ``you`` -> ``tu`` before ``are``,
``vous`` before ``re``). And the data is not a function of the input (``you are`` -> ``tu es``
47 times, ``vous etes`` 38 times), so every reading is a majority, never a rule every example
obeys.

A *reading* of one occurrence of a word is either :class:`Inline` (a phrase of 0..
``MAX_PHRASE`` tokens at the word's place) or :class:`Wrap` (tokens before and after the
phrase of the word on its left, which it governs). An output is the readings' phrases in input
order. Readings are counted per word and per (word, neighbour) context; a context's counts
override the word's in proportion to how often the context was seen (``BACKOFF``), so a
neighbour decides only where it has been seen deciding. Fitting is hard EM: each example is
split into readings by dynamic programming under the current counts (first under
co-occurrence), the counts are re-estimated from the splits, ``ROUNDS`` times.

General: nothing here knows a language; inputs and outputs are token sequences. The learner
takes these readings as a model's meaning where programs do not explain the data (see
:mod:`nsr.learning.phrase_choice`); :mod:`nsr.model.phrase_state` stores them in
checkpoints. With a model of the training outputs (:mod:`nsr.model.token_lm`, fitted beside
the readings), an input's readings are chosen together for the best whole output
(:mod:`nsr.model.phrase_decode`); without one, each word's on its own. Measured on
``../shared/data/mt`` (the whole training file, the constants here and in the decoder chosen
on dev; deterministic): test-daxy 8/8, test 79/583 (13.55%, BLEU 29.45; the seq2seq baseline
in the same run 7.03-10.46%), dev 75/631 (119 test and 134 dev inputs hold a word never seen
in training: no answer), distinct training inputs 3,230/5,074. Readings chosen word by word
scored test 49/583, dev 46/631. A whole ``nsr train mt`` (the fit, the output model, scoring
the training file) took 118-212 s on one niced core of the busy 2-core machine.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from nsr.model.token_lm import TokenLM, fit_lm

#: Longest phrase one word emits in place. Why 4: longer phrases are idioms that one example
#: carries; they only memorise and slow the split (each length is a branch of the DP).
MAX_PHRASE = 4
#: Longest part of a wrapping reading on either side of the governed phrase.
MAX_WRAP = 2
#: Pseudo-count of the bare word's counts against a context's: a context seen twice already
#: weighs as much as the word over all its examples.
BACKOFF = 2.0
#: Prior mass of an unseen reading, shrinking by ``LENGTH_DECAY`` per token: shorter readings
#: first (the simpler hypothesis), so a phrase is split over its words when counts allow.
PRIOR = 0.02
LENGTH_DECAY = 0.5
#: Factor on a wrapping reading's prior and first-round score: a word reaching round its
#: neighbour is the larger hypothesis, taken only where the counts ask for it (else a word
#: always after another, "re" after a pronoun, "wraps" it as well as it follows it).
WRAP_COST = 0.7
#: Rounds of hard EM; the splits stop changing after a few.
ROUNDS = 6
#: Score of an empty phrase before any counts exist (co-occurrence says nothing about it).
EMPTY_SCORE = math.log(0.3)

START, END = "<s>", "</s>"


class Inline(NamedTuple):
    """The word's own phrase, at its place (possibly empty). Tuples, not dataclasses: readings
    are dictionary keys millions of times per fit, and a tuple hashes in C."""

    phrase: tuple[str, ...]

    def size(self) -> int:
        return len(self.phrase)


class Wrap(NamedTuple):
    """Tokens before and after the phrase of the word on the left, which this word governs."""

    before: tuple[str, ...]
    after: tuple[str, ...]

    def size(self) -> int:
        return len(self.before) + len(self.after)


Reading = Inline | Wrap
#: A neighbour seen from a word: ("L", left word) or ("R", right word).
Context = tuple[str, str]


def _prior(reading: Reading) -> float:
    cost = WRAP_COST if isinstance(reading, Wrap) else 1.0
    return cost * PRIOR * LENGTH_DECAY ** reading.size()


@dataclass
class PhraseLexicon:
    """Counts of readings per word and per (word, context); see the module docstring.

    Each counter's total is kept beside it (``totals``): probabilities are asked millions of
    times per fit, and summing a frequent word's counts each time was most of the fit's cost.

    ``outputs`` is a model of the training outputs (:mod:`nsr.model.token_lm`); with it, an
    input's readings are chosen together for the best whole output
    (:mod:`nsr.model.phrase_decode`), without it each word's on its own."""

    words: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    contexts: dict[tuple[str, Context], Counter] = field(
        default_factory=lambda: defaultdict(Counter))
    totals: dict = field(default_factory=lambda: defaultdict(int))
    outputs: TokenLM | None = None
    _reading_totals: dict[Reading, int] = field(default_factory=dict, repr=False)

    def add(self, word: str, contexts: Sequence[Context], reading: Reading,
            count: int = 1) -> None:
        self.add_word(word, reading, count)
        for c in contexts:
            self.add_context(word, c, reading, count)

    def add_word(self, word: str, reading: Reading, count: int = 1) -> None:
        self.words[word][reading] += count
        self.totals[word] += count
        self._reading_totals.clear()

    def add_context(self, word: str, context: Context, reading: Reading,
                    count: int = 1) -> None:
        self.contexts[(word, context)][reading] += count
        self.totals[(word, context)] += count

    def probability(self, word: str, contexts: Sequence[Context], reading: Reading) -> float:
        """The word's smoothed share of ``reading``, with each seen context's counts added
        (weighted by their number against ``BACKOFF`` for the word's own share)."""
        own = self.words.get(word)
        share = ((own[reading] if own else 0) + _prior(reading)) / \
            (self.totals.get(word, 0) + 1)
        num, den = BACKOFF * share, BACKOFF
        for c in contexts:
            counts = self.contexts.get((word, c))
            if counts:
                num += counts[reading]
                den += self.totals[(word, c)]
        return num / den

    def reading_total(self, reading: Reading) -> int:
        """How often ``reading`` was counted, over all words."""
        if not self._reading_totals:
            for counts in self.words.values():
                for r, c in counts.items():
                    self._reading_totals[r] = self._reading_totals.get(r, 0) + c
        return self._reading_totals.get(reading, 0)

    def candidates(self, word: str, contexts: Sequence[Context]) -> set[Reading]:
        out = set(self.words.get(word, ()))
        for c in contexts:
            out.update(self.contexts.get((word, c), ()))
        return out

    def knows(self, word: str) -> bool:
        return word in self.words

    def reading(self, word: str, contexts: Sequence[Context], *,
                wrap: bool) -> Reading | None:
        """The likeliest reading of ``word`` among those of its kind (wrapping or not)."""
        kind = Wrap if wrap else Inline
        found = [r for r in self.candidates(word, contexts) if isinstance(r, kind)]
        if not found:
            return None
        return max(found, key=lambda r: (self.probability(word, contexts, r), -r.size(),
                                          repr(r)))

    def readings(self, source: Sequence[str]) -> list[Reading] | None:
        """The reading each word of ``source`` takes; None when a word was never seen (or,
        rarer, has no reading of the kind its place allows).

        With a model of outputs, the readings that give the best whole output
        (:func:`nsr.model.phrase_decode.decode`). Without one, each word takes its likeliest
        reading in its contexts; a word a wrapping word governs is then read as governed
        (how fitting counted it), even where it would wrap a word itself."""
        if self.outputs is not None:
            from nsr.model.phrase_decode import decode

            return decode(self, self.outputs, source)
        if not all(self.knows(w) for w in source):
            return None
        n = len(source)
        chosen: list[Reading] = []
        for i, w in enumerate(source):
            ctx = contexts_of(source, i)
            inline = self.reading(w, ctx, wrap=False)
            wrap = self.reading(w, ctx[:1], wrap=True) if i else None
            best = inline
            if wrap is not None and (inline is None or self.probability(
                    w, ctx[:1], wrap) > self.probability(w, ctx, inline)):
                best = wrap
            if best is None:
                return None
            chosen.append(best)
        # right to left: a wrapped word is read as governed
        for i in range(n - 1, 0, -1):
            if isinstance(chosen[i], Wrap):
                chosen[i - 1] = self.reading(source[i - 1], contexts_of(
                    source, i - 1, governed=True), wrap=False) or Inline(())
        return chosen

    def translate(self, source: Sequence[str]) -> tuple[str, ...] | None:
        """The output the readings give ``source`` (see :meth:`readings`); None when a word
        was never seen. A wrapping word puts the phrase of the word on its left between its
        two parts."""
        chosen = self.readings(source)
        return None if chosen is None else assemble(chosen)


def assemble(chosen: Sequence[Reading]) -> tuple[str, ...]:
    """The output of one reading per word, in input order (a wrapped word's phrase inside its
    governor's parts)."""
    out: list[str] = []
    n = len(chosen)
    for i, r in enumerate(chosen):
        if i + 1 < n and isinstance(chosen[i + 1], Wrap):
            continue
        if isinstance(r, Wrap):
            inner = chosen[i - 1]
            out.extend((*r.before, *(inner.phrase if isinstance(inner, Inline) else ()),
                        *r.after))
        else:
            out.extend(r.phrase)
    return tuple(out)


def contexts_of(source: Sequence[str], i: int, governed: bool = False) -> tuple[Context, ...]:
    """The contexts of word ``i``: its left and right neighbours; for a word another wraps,
    its left neighbour only. Why not its governor: read by the governor, a governed word could
    mean anything there, and a word always after another would "wrap" it, swapping their
    phrases (``re`` := ``vous`` before ``you``, ``you`` := ``etes`` under ``re``); read as
    after its left neighbour, it must be what it is there anyway (``are`` after ``you`` under
    ``not``: the ``es`` of ``tu n es pas``)."""
    left = source[i - 1] if i else START
    if governed:
        return (("L", left),)
    right = source[i + 1] if i + 1 < len(source) else END
    return (("L", left), ("R", right))


def split(source: Sequence[str], target: Sequence[str], score
          ) -> list[tuple[str, tuple[Context, ...], Reading]] | None:
    """The best split of ``target`` into one reading per word of ``source`` under ``score``
    (log-probability of a word's reading in its contexts), by dynamic programming over
    (words read, tokens covered); None when no split covers ``target``."""
    n, m = len(source), len(target)
    neg = -math.inf
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n):
        for j in range(m + 1):
            here = best[i][j]
            if here == neg:
                continue
            ctx = contexts_of(source, i)
            for k in range(min(MAX_PHRASE, m - j) + 1):
                v = here + score(source[i], ctx, Inline(tuple(target[j:j + k])))
                if v > best[i + 1][j + k]:
                    best[i + 1][j + k], back[i + 1][j + k] = v, ("inline", k)
            if i + 1 < n:  # word i+1 wraps word i
                _wrapped(source, target, i, j, here, score, best, back)
    if best[n][m] == neg:
        return None
    return _unwind(source, target, back)


def _wrapped(source, target, i, j, here, score, best, back) -> None:
    m = len(target)
    wctx = (("L", source[i]),)
    gctx = contexts_of(source, i, governed=True)
    for a in range(1, MAX_WRAP + 1):
        for k in range(MAX_PHRASE + 1):
            if j + a + k > m:
                break
            inner = here + score(source[i], gctx, Inline(tuple(target[j + a:j + a + k])))
            for b in range(MAX_WRAP + 1):
                end = j + a + k + b
                if end > m:
                    break
                v = inner + score(source[i + 1], wctx, Wrap(tuple(target[j:j + a]),
                                                            tuple(target[j + a + k:end])))
                if v > best[i + 2][end]:
                    best[i + 2][end], back[i + 2][end] = v, ("wrap", a, k, b)


def _unwind(source, target, back) -> list[tuple[str, tuple[Context, ...], Reading]]:
    out = []
    i, j = len(source), len(target)
    while i > 0:
        step = back[i][j]
        assert step is not None
        if step[0] == "inline":
            k = step[1]
            out.append((source[i - 1], contexts_of(source, i - 1),
                        Inline(tuple(target[j - k:j]))))
            i, j = i - 1, j - k
        else:
            _, a, k, b = step
            s = j - a - k - b
            out.append((source[i - 1], (("L", source[i - 2]),),
                        Wrap(tuple(target[s:s + a]), tuple(target[s + a + k:j]))))
            out.append((source[i - 2], contexts_of(source, i - 2, governed=True),
                        Inline(tuple(target[s + a:s + a + k]))))
            i, j = i - 2, s
    return out


def _cooccurrence_scorer(pairs: Sequence[tuple[Sequence[str], Sequence[str]]]):
    """The first round's score: a reading is as likely as its tokens co-occur with the word
    (Dice), less a cost per token; empty phrases get a flat score."""
    words = Counter(w for s, _ in pairs for w in set(s))
    tokens = Counter(t for _, t in pairs for t in set(t))
    both = Counter((w, t) for s, tt in pairs for w in set(s) for t in set(tt))

    def score(word: str, contexts: Sequence[Context], reading: Reading) -> float:
        toks = reading.phrase if isinstance(reading, Inline) else reading.before + reading.after
        if not toks:
            return EMPTY_SCORE
        cost = math.log(WRAP_COST) if isinstance(reading, Wrap) else 0.0
        return cost + sum(math.log(2 * (both[(word, t)] + 0.01) / (words[word] + tokens[t]))
                          for t in toks) - 0.5 * len(toks)

    return score


def fit_phrases(pairs: Sequence[tuple[Sequence[str], Sequence[str]]],
                rounds: int = ROUNDS, *, outputs: bool = True) -> PhraseLexicon:
    """Readings for the words of ``pairs`` by hard EM (see the module docstring).
    Deterministic: no sampling, ties broken by the DP's order. A pair given many times counts
    as many times (a frequent sentence is evidence), but is split once: under the same counts
    every copy splits the same way. With ``outputs`` (the default), the lexicon also models
    the distinct training outputs, to choose readings together."""
    counts = Counter((tuple(s), tuple(t)) for s, t in pairs)
    score = _cooccurrence_scorer(pairs)
    lexicon = PhraseLexicon()
    for _ in range(max(1, rounds)):
        lexicon = PhraseLexicon()
        for (source, target), times in counts.items():
            found = split(source, target, score)
            for word, ctx, reading in found or ():
                lexicon.add(word, ctx, reading, times)

        def score(word, contexts, reading, lexicon=lexicon):
            return math.log(lexicon.probability(word, contexts, reading))
    lexicon.outputs = fit_lm(target for _, target in counts) if outputs else None
    return lexicon
