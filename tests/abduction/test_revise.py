"""Abduction: value push-down through program inverses, and repair of a known wrong tree."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.abduction.revise import inverse_candidates, revisions  # noqa: E402
from nsr.learning.steps import abduce  # noqa: E402
from nsr.model.model import NsrModel, Parse  # noqa: E402
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


def test_given_values_are_facts_never_revised() -> None:
    # "twice <open>": twice(open) with the open segment's value given by the input.
    model = _model(twice="lambda x: append(x, x)")
    symbols = _symbols(("twice", "walk"))
    given = {1: ("A", "B")}
    assert revisions(Tree((-1, 0)), symbols, model.programs, ("A", "B", "A", "B"),
                     given=given) == ()
    revs = revisions(Tree((-1, 0)), symbols, model.programs, ("A", "A"), given=given)
    assert revs and all(r.node != 1 for r in revs)


def test_two_holes_guess_the_lower_program_to_abduce_the_upper() -> None:
    # turn(walk=<given>, left(<given>)): turn and left are both new; left is guessed a
    # projection, so turn gets rows under that guess and the guess is recorded.
    model = _model()
    symbols = _symbols(("turn", "walk", "left", "walk"))
    tree = Tree((-1, 0, 0, 2))
    given = {1: ("A",), 3: ("B", "C")}
    target = ("A", "B", "C")
    assert all(r.args is None for r in revisions(tree, symbols, model.programs, target,
                                                 given=given))
    revs = revisions(tree, symbols, model.programs, target, given=given, guess_lower=True)
    holes = [r for r in revs if r.node == 0]
    assert holes and holes[0].guessed and holes[0].args == (("A",), ("B", "C"))
    assert holes[0].assumption == ((VOCAB.index("left"), 1, 0),)


def test_values_pushed_through_an_ambiguous_inverse_are_loose() -> None:
    vocab = ("x", "*", "3", "0")
    model = NsrModel(vocab, seed=0)
    for name, text in {"*": "lambda x, y: let rec f(x, y) = if is_zero(x) then x else "
                            "let rec g(x, y) = let rec h(x, y) = if is_zero(x) then y else "
                            "inc(h(dec(x), y)) in h(x, y) in g(y, f(dec(x), y)) in f(x, y)",
                       "3": "lambda: 3", "0": "lambda: zero()"}.items():
        model.programs[vocab.index(name)] = parse_program(text)
    sym = {w: vocab.index(w) for w in vocab}
    # x * 3 = 6: x is 2, determined; x * 0 = 0: x may be anything, so its row is loose
    (sharp,) = [r for r in revisions(Tree((1, -1, 1)), (sym["x"], sym["*"], sym["3"]),
                                     model.programs, 6) if r.is_hole]
    assert sharp.value == 2 and not sharp.loose
    holes = [r for r in revisions(Tree((1, -1, 1)), (sym["x"], sym["*"], sym["0"]),
                                  model.programs, 0) if r.is_hole]
    assert holes and all(r.loose for r in holes)
