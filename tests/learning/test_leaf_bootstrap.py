"""Integer leaves never seen alone get values before a stage (nsr.learning.leaf_bootstrap):
with them the rounds learn the functions; without them (the code before) nothing is learned.
And the bootstrap fires only where the rounds would get nothing."""

from __future__ import annotations

import itertools

import pytest

from nsr.tasks.base import Example

pytest.importorskip("torch")

#: Words "a".."e" whose values are a shuffle of 0..4, only "a" ever shown alone; "l" returns
#: its left operand, "s" one more than its right one.
VALUES = {"a": 3, "b": 0, "c": 4, "d": 1, "e": 2}


def _data() -> list[Example]:
    out = [Example(("a",), VALUES["a"], "syn/train/a:0")]
    for i, (x, y) in enumerate(itertools.product(sorted(VALUES), repeat=2)):
        out.append(Example((x, "l", y), VALUES[x], f"syn/train/l:{i}"))
        out.append(Example((x, "s", y), VALUES[y] + 1, f"syn/train/s:{i}"))
    return out


def test_leaves_never_seen_alone_are_learned_with_their_functions() -> None:
    from nsr.learning.config import LearnerConfig
    from nsr.learning.loop import train

    data = _data()
    result = train(data, LearnerConfig(task="data", library="numbers"), seed=0,
                   progress=False)
    model = result.model
    assert result.metrics[-1]["train_acc"] == 1.0
    for word, value in VALUES.items():
        symbol = model.symbol_names.index(word)
        assert model.programs[symbol].arity == 0
        assert model.run([(word,)], answering=True)[0].output == value
    for word in ("l", "s"):
        assert model.programs[model.symbol_names.index(word)].arity == 2
    # a new combination is answered: every pair was seen, but not this chain's values
    assert model.predict([("c", "s", "a")]) == [VALUES["a"] + 1]


def _model(library: str, vocab: list[str]):
    from nsr.model.model import NsrModel

    model = NsrModel(vocab, library, seed=0)
    model.perception.fit(vocab, list(range(len(vocab))), seed=0)
    return model


def test_it_fires_only_where_most_examples_hold_two_unknowns() -> None:
    from nsr.learning.leaf_bootstrap import needs_leaf_values
    from nsr.semantics.parser import parse_program

    vocab = ["0", "1", "2", "+"]
    model = _model("numbers", vocab)
    blind = [(0, 3, 1), (1, 3, 2), (2, 3, 0)]
    assert needs_leaf_values(model, blind)
    # leaves known (seen alone in an earlier stage): one unknown per example, rounds get rows
    for s, v in enumerate((0, 1, 2)):
        model.programs[s] = parse_program(f"lambda: {v}")
    assert not needs_leaf_values(model, blind)
    # a known function: never
    model = _model("numbers", vocab)
    model.programs[3] = parse_program("lambda x, y: x")
    assert not needs_leaf_values(model, blind)
    # a token-sequence library: never (co-occurrence guesses leaves there)
    assert not needs_leaf_values(_model("lists", vocab), blind)
