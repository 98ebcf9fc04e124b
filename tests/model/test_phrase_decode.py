"""Choosing readings together (nsr.model.phrase_decode) with a model of the outputs
(nsr.model.token_lm): agreement that no neighbour of a word tells, only the output does."""

from __future__ import annotations

import math

from nsr.model.phrases import Inline, fit_phrases
from nsr.model.token_lm import END, START, TokenLM, fit_lm

NOUNS = {"cow": ("une", "grande", "vache"), "goat": ("une", "grande", "chevre"),
         "cat": ("un", "grand", "chat"), "dog": ("un", "grand", "chien")}


def _agreement() -> list[tuple[tuple, tuple]]:
    """ "a big NOUN": the article agrees with the noun two words on, which "a" never sees
    (its neighbours are the start and "big"). Each noun is seen with "a" bare; "a big" only
    before "cow" and "cat", "the big" before all four."""
    pairs = []
    for noun, (art, adj, out) in NOUNS.items():
        pairs.append((("a", noun), (art, out)))
        the = "la" if art == "une" else "le"
        pairs.append((("the", "big", noun), (the, adj, out)))
    pairs += [(("a", "big", "cow"), NOUNS["cow"]), (("a", "big", "cat"), NOUNS["cat"])]
    return pairs * 2


def test_the_output_model_makes_readings_agree() -> None:
    pairs = _agreement()
    unseen = [(("a", "big", "goat"), NOUNS["goat"]), (("a", "big", "dog"), NOUNS["dog"])]
    alone = fit_phrases(pairs, outputs=False)
    # word by word, "a" before "big" takes one reading for both nouns: one of them is wrong
    assert alone.readings(("a", "big", "goat"))[0] == alone.readings(("a", "big", "dog"))[0]
    assert sum(alone.translate(s) == t for s, t in unseen) <= 1
    together = fit_phrases(pairs)
    for source, target in unseen:
        assert together.translate(source) == target, source
    assert together.readings(("a", "big", "goat"))[0] == Inline(("une",))
    assert together.translate(("a", "big", "horse")) is None  # a word never seen


def test_witten_bell_prefers_seen_continuations_and_sums_to_one() -> None:
    lm = fit_lm([("il", "est", "grand"), ("elle", "est", "grande"), ("il", "est", "grand")])
    assert lm.probability(("il", "est"), "grand") > lm.probability(("il", "est"), "grande")
    assert lm.probability(("il", "est"), "grande") > lm.probability(("il", "est"), "chat")
    vocab = {t for counts in lm.follows.values() for t in counts}
    for history in [(START, START), ("il", "est"), ("never", "seen")]:
        total = sum(lm.probability(history, t) for t in vocab)
        unseen = lm.probability(history, "zzz")  # every unseen token shares this
        assert unseen > 0 and math.isclose(total + unseen, 1.0, rel_tol=1e-9)
    assert lm.probability(("est",), END) > 0


def test_distinct_outputs_count_once_and_ngrams_rebuild_the_model() -> None:
    once, many = fit_lm([("a", "b")]), fit_lm([("a", "b")] * 5)
    assert once.ngrams() == many.ngrams()
    lm = fit_lm([("a", "b", "c"), ("a", "c")])
    again = TokenLM.from_ngrams(lm.order, lm.ngrams())
    for history in [(START, START), (START, "a"), ("a", "c"), ("x",)]:
        for token in ("a", "b", "c", END, "zzz"):
            assert again.probability(history, token) == lm.probability(history, token)
