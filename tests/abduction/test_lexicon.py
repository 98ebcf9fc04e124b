"""Leaf guesses from co-occurrence (nsr.abduction.lexicon)."""

from __future__ import annotations

import pytest

from nsr.abduction.lexicon import FORMS, guess_program, leaf_guesses, symbol_occurrences
from nsr.model.execute import execute
from nsr.model.model import NsrModel
from nsr.syntax.tree import Tree

PAIRS = [
    ("jump after walk", "J W"),  # deliberately not SCAN's order: only co-occurrence counts
    ("look after walk", "L W"),
    ("jump after run", "J R"),
    ("walk after run", "W R"),
    ("look right thrice", "R_ L R_ L R_ L"),
    ("walk around right", "R_ W R_ W R_ W R_ W"),
    ("look opposite right", "R_ R_ L"),
]


def _model(library: str = "lists", pairs=PAIRS) -> NsrModel:
    vocab = sorted({w for src, _ in pairs for w in src.split()})
    model = NsrModel(vocab, library, seed=0)
    model.perception.fit(vocab, list(range(len(vocab))), seed=0)
    return model


def _guesses(model: NsrModel, pairs=PAIRS) -> dict[str, str]:
    inputs = [tuple(src.split()) for src, _ in pairs]
    targets = [tuple(out.split()) for _, out in pairs]
    found = leaf_guesses(model, symbol_occurrences(model, inputs), targets)
    return {model.symbol_names[s]: atom for s, atom in found.items()}


def test_each_word_gets_the_atom_every_one_of_its_examples_holds() -> None:
    guesses = _guesses(_model())
    assert guesses["walk"] == "W" and guesses["look"] == "L" and guesses["run"] == "R"
    assert guesses["right"] == "R_"
    # ``after`` holds no atom in all its examples; ``thrice`` and ``around`` have one example
    assert not {"after", "thrice", "around", "opposite"} & set(guesses)


def test_an_atom_goes_to_the_word_that_predicts_it_best() -> None:
    # every example holding R_ holds ``right``; ``look`` holds R_ in 2 of its 3 examples
    assert _guesses(_model())["look"] == "L"


def test_words_always_seen_together_both_get_the_atom() -> None:
    # ``jump`` and ``after`` only ever occur together: co-occurrence cannot tell them apart
    pairs = [("jump after walk", "J W"), ("jump after run", "J R"), ("walk and run", "W R"),
             ("run and walk", "R W")]
    guesses = _guesses(_model(pairs=pairs), pairs)
    assert guesses["jump"] == guesses["after"] == "J"
    assert guesses["walk"] == "W" and guesses["run"] == "R" and "and" not in guesses


def test_no_guess_without_atom_constants() -> None:
    assert _guesses(_model("sequences")) == {}
    assert _guesses(_model("numbers")) == {}


@pytest.mark.parametrize("form,expected", [("leaf", ("A",)), ("before", ("A", "x1")),
                                           ("after", ("x1", "A"))])
def test_guess_forms_put_the_atom_alone_before_or_after_the_dependent(form, expected) -> None:
    assert set(FORMS) == {"leaf", "before", "after"}
    prog = guess_program("A", form)
    if prog.arity == 0:
        tree = Tree((-1,))
        assert execute(tree, (0,), {0: prog})[0] == expected
    else:
        tree = Tree((-1, 0))
        leaf = guess_program("x1", "leaf")
        assert execute(tree, (0, 1), {0: prog, 1: leaf})[0] == expected


def test_words_of_one_category_share_their_slots() -> None:
    from nsr.abduction.lexicon import same_slot_symbols

    pairs = [("walk left thrice", ""), ("run right thrice", ""), ("jump left", ""),
             ("walk right", ""), ("look after walk", ""), ("run twice", ""),
             ("run left", ""), ("jump right", "")]
    model = _model(pairs=pairs)
    inputs = [tuple(src.split()) for src, _ in pairs]
    sequences = symbol_occurrences(model, inputs)
    index = {name: i for i, name in enumerate(model.symbol_names)}
    names = {model.symbol_names[s] for s in
             same_slot_symbols(sequences, index["left"], range(len(model.symbol_names)))}
    assert names == {"left", "right"}
    verbs = {model.symbol_names[s] for s in
             same_slot_symbols(sequences, index["walk"], range(len(model.symbol_names)))}
    assert {"walk", "run", "jump"} <= verbs and "left" not in verbs
