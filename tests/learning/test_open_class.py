"""A model with an open-class token pattern: runs, saves, loads and exports to Prolog."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.model.model import NsrModel  # noqa: E402
from nsr.perception.segments import OPEN_KEY  # noqa: E402
from nsr.semantics.parser import parse_program  # noqa: E402
from nsr.syntax.tree import Tree  # noqa: E402

LETTERS = r"[A-Z][0-9]+"
VOCAB = (",", OPEN_KEY, "append", "reverse")


@pytest.fixture(scope="module")
def model() -> NsrModel:
    """Built once: runs below never change it."""
    model = NsrModel(VOCAB, "sequences", seed=0, open_class=LETTERS)
    model.perception.fit(list(VOCAB), list(range(len(VOCAB))), seed=0)
    model.programs[VOCAB.index("reverse")] = parse_program("lambda x: reverse(x)")
    model.programs[VOCAB.index("append")] = parse_program("lambda x, y, z: append(x, z)")
    model.programs[VOCAB.index(",")] = parse_program("lambda: empty()")
    # The parser is untrained: teach it the one tree shape used below.
    ids = [VOCAB.index(k) for k in ("reverse", OPEN_KEY)]
    model.parser.fit([(ids, model.arities(ids), Tree((-1, 0)))], seed=0, epochs=20)
    return model


def test_an_unseen_run_of_letters_is_one_leaf_carrying_its_value(model: NsrModel) -> None:
    (parse,) = model.run([("reverse", "Q7", "W99", "E1")])
    assert parse.keys == ("reverse", OPEN_KEY)
    assert parse.symbols[1] == model.open_symbol
    assert model.arities(parse.symbols) == [1, 0]
    assert parse.tree == Tree((-1, 0)) and parse.output == ("E1", "W99", "Q7")
    assert model.length(("reverse", "Q7", "W99", "E1")) == 2


def test_state_keeps_the_pattern_and_old_states_load_without_it(model: NsrModel) -> None:
    state = model.state_dict()
    assert state["open_class"] == LETTERS
    again = NsrModel.from_state(state)
    assert again.segmenter.pattern == LETTERS
    assert again.predict([("reverse", "A1", "B2")]) == [("B2", "A1")]
    del state["open_class"]  # a checkpoint written before open classes existed
    assert NsrModel.from_state(state).segmenter.pattern == ""


@pytest.mark.prolog
def test_prolog_computes_the_same_answer_with_value_leaves(model: NsrModel) -> None:
    from nsr.model.prolog_export import predict_prolog, standalone_prolog, tree_term

    parses = model.run([("reverse", "A1", "B2", "C3")])
    assert predict_prolog(model, parses) == [("C3", "B2", "A1")]
    assert tree_term(model, parses[0]) == "node(reverse, [value(['A1','B2','C3'])])"
    assert "eval_tree(value(Value), Value)." in standalone_prolog(model, parses[0])


def test_a_dead_end_in_greedy_parsing_falls_back_to_the_beam(model: NsrModel,
                                                              monkeypatch) -> None:
    monkeypatch.setattr(model.parser, "parse_greedy", lambda items: [None] * len(items))
    (parse,) = model.run([("reverse", "A1", "B2")])
    assert parse.tree == Tree((-1, 0)) and parse.output == ("B2", "A1")
