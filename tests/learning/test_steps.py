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


def test_an_unsolved_program_is_searched_again_with_its_kept_and_wrong_rows() -> None:
    from nsr.abduction.revise import Revision
    from nsr.learning.steps import Abduction, Hypothesis, select, unsolved_symbol_rows
    from nsr.perception.segments import OPEN_KEY
    from nsr.semantics.search import SearchConfig

    vocab = (OPEN_KEY, "swap")
    model = NsrModel(vocab, "sequences", seed=0, open_class=r"[A-Z][0-9]+")
    model.programs[1] = parse_program("lambda x: reverse(x)")  # right on short rows only
    model.fits[1] = 0.6
    tree = Tree((-1, 0))
    right = [("A1", "B2"), ("C3",), ("D4", "E5")]
    labels = [Labelled(("swap", *xs), (1, 0), tree, ("swap", OPEN_KEY)) for xs in right]
    kept = unsolved_symbol_rows(model, labels, solved=0.95, limit=50)
    assert [r.args for r in kept[1]] == [(xs,) for xs in right]
    wrong = [("A1", "B2", "C3"), ("D4", "E5", "F6", "G7")]
    abductions = [
        Abduction(i, ("swap", *xs), (1, 0), (xs[-1], *xs[1:-1], xs[0]),
                  (Hypothesis(tree, (Revision(0, (xs[-1], *xs[1:-1], xs[0]), "value", 6.0,
                                              (xs,)),), False),), ("swap", OPEN_KEY))
        for i, xs in enumerate(wrong)]
    chosen = select(model, abductions, SearchConfig(library="sequences", max_size=8),
                    adopt_fraction=0.5, min_support=2, unsolved_rows=kept)
    swap = chosen.programs[1]
    assert chosen.fits[1] == 1.0
    from nsr.semantics.evaluate import compile_program

    assert compile_program(swap)((("A1", "B2", "C3", "D4"),)) == ("D4", "B2", "C3", "A1")


def _bracket_model(live: bool) -> NsrModel:
    """HINT's learned brackets: ``(`` keeps its first child, ``)`` is a constant."""
    model = NsrModel(("(", ")", "+", "0", "7"), "numbers", seed=0, live_trees=live)
    model.programs.update({
        0: parse_program("lambda x, y: x"), 1: parse_program("lambda: zero()"),
        2: parse_program("lambda x, y: let rec f(x, y) = if is_zero(x) then y else "
                         "inc(f(y, dec(x))) in f(x, y)"),
        3: parse_program("lambda: zero()"), 4: parse_program("lambda: 7")})
    return model


def test_a_tree_that_stows_an_operator_under_an_ignored_argument_hides_computation() -> None:
    from nsr.learning.model import execute, hides_computation

    model = _bracket_model(live=True)
    symbols = (0, 4, 2, 3, 1)  # ( 7 + 0 )
    right = Tree((-1, 2, 0, 2, 0))  # ([+[7 0] )])
    stowed = Tree((-1, 0, 0, 2, 2))  # ([7 +[0 )]]): also 7, but "+ 0 )" is never run
    for tree in (right, stowed):
        assert execute(tree, symbols, model.programs)[tree.root] == 7
    assert not hides_computation(right, symbols, model.programs)  # a dead leaf is fine
    assert hides_computation(stowed, symbols, model.programs)
    assert model.plausible(right, symbols) and not model.plausible(stowed, symbols)
    assert _bracket_model(live=False).plausible(stowed, symbols)


def test_live_trees_survive_a_checkpoint_round_trip() -> None:
    model = _bracket_model(live=True)
    again = NsrModel.from_state(model.state_dict())
    assert again.live_trees
    assert not NsrModel.from_state(_bracket_model(live=False).state_dict()).live_trees
