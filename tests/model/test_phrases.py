"""Phrase readings of words (nsr.model.phrases): empty and multi-token phrases, a word
wrapping its neighbour's phrase, and readings that depend on a neighbour."""

from __future__ import annotations

from pathlib import Path

import pytest

from nsr.model.phrases import Inline, PhraseLexicon, Wrap, fit_phrases, split
from tests.phrase_corpus import SUBJECTS, _negations, _pair, _training


def test_new_word_in_unseen_contexts() -> None:
    lexicon = fit_phrases(_training())
    for subject in SUBJECTS:
        for neg in _negations(subject):
            for very in (False, True):
                src, tgt = _pair(subject, "dax", neg=neg, very=very, word="daxo")
                assert lexicon.translate(src) == tgt, src
    assert lexicon.translate(("i", "am", "blue", ".")) is None  # a word never seen


def test_readings_learned() -> None:
    lexicon = fit_phrases(_training())
    assert lexicon.reading("not", (("L", "are"),), wrap=True) == Wrap(("n",), ("pas",))
    # after "am", "ne suis" + "pas" explains the data as well: either split translates
    assert lexicon.reading("very", (("L", "is"), ("R", "red")), wrap=False) == Inline(("tres",))


def test_empty_and_multi_token_phrases() -> None:
    # "so" emits nothing; "cold" emits two tokens
    pairs = [(("so", "red"), ("rouge",)), (("so", "old"), ("vieux",)),
             (("red",), ("rouge",)), (("old",), ("vieux",)),
             (("cold", "red"), ("tres", "froid", "rouge")),
             (("cold", "old"), ("tres", "froid", "vieux"))] * 2
    lexicon = fit_phrases(pairs)
    assert lexicon.translate(("so", "cold", "red")) == ("tres", "froid", "rouge")


def test_split_covers_target_or_says_none() -> None:
    def score(word, contexts, reading):
        return -reading.size()

    found = split(("a", "b"), ("x", "y", "z"), score)
    assert found is not None
    assert sum(r.size() for _, _, r in found if isinstance(r, Inline | Wrap)) == 3
    assert split(("a",), tuple("vwxyz"), score) is None  # longer than one phrase
    assert PhraseLexicon().translate(("a",)) is None


@pytest.mark.slow
def test_mt_test_daxy(shared_data: Path) -> None:
    """The measured figure: on the MT training file, every test-daxy sentence (3-4 min on
    2 loaded cores)."""
    if not (shared_data / "mt").is_dir():
        pytest.skip("../shared/data/mt is absent")
    from nsr.tasks import get_task

    mt = get_task("mt")
    lexicon = fit_phrases([(ex.source, ex.target) for ex in mt.load(part="train")])
    daxy = mt.load("test-daxy", "test")
    assert [lexicon.translate(ex.source) for ex in daxy] == [ex.target for ex in daxy]
