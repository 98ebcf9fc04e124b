"""Abduction: value push-down through program inverses, and repair of a known wrong tree."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.abduction.revise import inverse_candidates, revisions  # noqa: E402
from nsr.learning.model import NsrModel, Parse  # noqa: E402
from nsr.learning.steps import abduce  # noqa: E402
from nsr.semantics.parser import parse_program  # noqa: E402
from nsr.syntax.tree import Tree  # noqa: E402

VOCAB = ("left", "turn", "twice", "walk")
L, W = "I_TURN_LEFT", "I_WALK"


def _model(**programs: str) -> NsrModel:
    model = NsrModel(VOCAB, seed=0)
    for name, text in programs.items():
        model.programs[VOCAB.index(name)] = parse_program(text)
    return model


def _symbols(words: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(VOCAB.index(w) for w in words)


def test_push_down_fills_a_hole_through_the_inverse() -> None:
    model = _model(left="lambda x: cons('I_TURN_LEFT', x)")
    # "turn left": left(turn), turn has no program yet; left's inverse says turn = [].
    revs = revisions(Tree((1, -1)), _symbols(("turn", "left")), model.programs, (L,))
    hole = revs[0]
    assert hole.is_hole and hole.node == 0 and hole.value == () and hole.args == ()


def test_wrong_program_gets_a_value_revision() -> None:
    model = _model(walk="lambda: singleton('I_WALK')", twice="lambda x: x")
    revs = revisions(Tree((1, -1)), _symbols(("walk", "twice")), model.programs, (W, W))
    assert revs and revs[0].kind == "value" and revs[0].node == 1
    assert revs[0].args == ((W,),) and revs[0].value == (W, W)


def test_consistent_tree_needs_no_revision() -> None:
    model = _model(walk="lambda: singleton('I_WALK')", twice="lambda x: append(x, x)")
    assert revisions(Tree((1, -1)), _symbols(("walk", "twice")), model.programs, (W, W)) == ()


def test_known_wrong_tree_is_repaired() -> None:
    model = _model(walk="lambda: singleton('I_WALK')", twice="lambda x: append(x, x)",
                   left="lambda x: cons('I_TURN_LEFT', x)")
    words = ("walk", "left", "twice")
    symbols = _symbols(words)
    wrong = Tree((2, -1, 1))  # left(twice(walk)); the right tree is twice(left(walk))
    values = tuple([None] * 3)
    parse = Parse(words, symbols, wrong, values)
    target = (L, W, L, W)
    (ab,) = abduce(model, [(parse, target)], enumerate_up_to=4, beam=4, samples=0, seed=0)
    fixed = [h.tree for h in ab.hypotheses if h.consistent]
    assert fixed == [Tree((1, 2, -1))]


def test_inverse_candidates_cover_sublists() -> None:
    cands = inverse_candidates(("a", "b", "c"), current=("a",))
    assert ("b", "c") in cands and () in cands and ("c", "b") in cands
    assert ("a",) not in cands
    assert 7 in inverse_candidates(3, current=None)


@pytest.mark.prolog
def test_prolog_inverse_agrees_with_generate_and_test() -> None:
    from nsr.abduction.prolog_inverse import PrologInverse

    model = _model(walk="lambda: singleton('I_WALK')", twice="lambda x: append(x, x)",
                   left="lambda x: cons('I_TURN_LEFT', x)")
    cases = [
        (Tree((1, -1)), ("turn", "left"), (L,)),                  # hole below a known program
        (Tree((1, 2, -1)), ("turn", "left", "twice"), (L, L)),    # pushed down twice
    ]
    with PrologInverse(model.programs, VOCAB) as inverse:
        for tree, words, target in cases:
            symbols = _symbols(words)
            by_prolog = revisions(tree, symbols, model.programs, target, inverse=inverse)
            by_python = revisions(tree, symbols, model.programs, target)
            assert by_prolog[0] == by_python[0]
            assert by_prolog[0].is_hole and by_prolog[0].value == ()
