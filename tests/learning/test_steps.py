"""The learn step: pseudo-labels train the parser and perception without side effects."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.learning.model import NsrModel  # noqa: E402
from nsr.learning.steps import Labelled, learn  # noqa: E402
from nsr.semantics.parser import parse_program  # noqa: E402
from nsr.syntax.tree import Tree  # noqa: E402


def test_learn_keeps_the_meaning_of_words_without_pseudo_labels() -> None:
    vocab = ("and", "around", "left", "walk")
    model = NsrModel(vocab, seed=2)
    model.perception.fit(list(vocab), [0, 1, 2, 3], seed=0)
    model.programs[3] = parse_program("lambda: singleton('I_WALK')")
    labels = [Labelled(("walk",), (3,), Tree((-1,))), Labelled(("walk", "left"), (3, 2), Tree((1, -1)))]
    new = {2: parse_program("lambda x: cons('I_TURN_LEFT', x)")}
    for seed in range(5):
        learn(model, new, labels, labels, seed=seed, parser_epochs=1, max_trees=10)
    # "and" and "around" had no pseudo-label: they must still be themselves
    assert model.perceive(vocab) == (0, 1, 2, 3)
    assert model.program_text(2) == "lambda x: cons('I_TURN_LEFT', x)"
    (parse,) = model.run([("walk", "left")])
    assert parse.output == ("I_TURN_LEFT", "I_WALK")
