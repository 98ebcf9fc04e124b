"""Integer leaves never seen alone get values before a stage (nsr.learning.leaf_bootstrap):
with them the rounds learn the functions; without them (the code before) nothing is learned.
And the bootstrap fires only where the rounds would get nothing."""

from __future__ import annotations

import itertools

import pytest

from nsr.tasks.base import Example

pytest.importorskip("torch")

#: Words "a".."e" whose values are a shuffle of 0..4, never shown alone; "t" is two more than
#: its left operand, "s" one more than its right one (neither a projection: no example gives
#: abduction a row, every one holds three new words).
VALUES = {"a": 3, "b": 0, "c": 4, "d": 1, "e": 2}
#: Pairs left out of training, asked afterwards.
HELD_OUT = {("c", "a"), ("b", "e"), ("e", "d")}


def _data(pairs) -> list[Example]:
    out = []
    for i, (x, y) in enumerate(pairs):
        out.append(Example((x, "t", y), VALUES[x] + 2, f"syn/train/t:{i}"))
        out.append(Example((x, "s", y), VALUES[y] + 1, f"syn/train/s:{i}"))
    return out


def test_leaves_never_seen_alone_are_learned_with_their_functions() -> None:
    """Fails before leaf_bootstrap: nothing is learned (train accuracy 0)."""
    from nsr.learning.config import LearnerConfig
    from nsr.learning.loop import train

    pairs = list(itertools.product(sorted(VALUES), repeat=2))
    data = _data([p for p in pairs if p not in HELD_OUT])
    result = train(data, LearnerConfig(task="data", library="numbers"), seed=0,
                   progress=False)
    model = result.model
    assert result.metrics[-1]["train_acc"] == 1.0
    for word in VALUES:
        assert model.programs[model.symbol_names.index(word)].arity == 0
    for word in ("t", "s"):
        assert model.programs[model.symbol_names.index(word)].arity == 2
    # the values may be shifted together with the programs (no example tells them apart),
    # but every combination is answered, the held-out ones too
    held = _data(sorted(HELD_OUT))
    assert model.predict([ex.source for ex in held]) == [ex.target for ex in held]


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
