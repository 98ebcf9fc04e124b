"""``fast_abduction``: memoised program applications and no revisions for explained examples
must change what abduction concludes in no way that select can see."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.abduction.revise import clear_cache, revisions  # noqa: E402
from nsr.learning.steps import abduce  # noqa: E402
from nsr.model.execute import apply_memo, execute  # noqa: E402
from nsr.model.model import NsrModel, Parse  # noqa: E402
from nsr.semantics.parser import parse_program  # noqa: E402
from nsr.syntax.tree import Tree  # noqa: E402

VOCAB = ("2", "3", "+", "*", "(")
PLUS = "lambda x, y: let rec f(x, y) = if is_zero(x) then y else inc(f(dec(x), y)) in f(x, y)"


def _model(**programs: str) -> NsrModel:
    model = NsrModel(VOCAB, "numbers", seed=0)
    for name, text in programs.items():
        model.programs[VOCAB.index(name)] = parse_program(text)
    return model


def _symbols(words: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(VOCAB.index(w) for w in words)


def test_memoised_execution_gives_the_same_values() -> None:
    model = _model(**{"2": "lambda: 2", "3": "lambda: 3", "+": PLUS})
    tree, symbols = Tree((1, -1, 1)), _symbols(("2", "+", "3"))
    assert execute(tree, symbols, model.programs, memo=True) == \
        execute(tree, symbols, model.programs) == (2, 5, 3)
    assert apply_memo(model.programs[VOCAB.index("+")], (4, 1)) == 5


def test_memoised_push_down_finds_the_same_revisions() -> None:
    model = _model(**{"3": "lambda: 3", "+": PLUS})
    tree, symbols = Tree((1, -1, 1)), _symbols(("2", "+", "3"))  # "2" has no program: a hole
    clear_cache()
    plain = revisions(tree, symbols, model.programs, 7)
    memo = revisions(tree, symbols, model.programs, 7, memo=True)
    assert plain == memo and memo[0].is_hole and memo[0].value == 4


def test_explained_examples_keep_only_their_consistent_trees() -> None:
    model = _model(**{"2": "lambda: 2", "3": "lambda: 3", "+": PLUS,
                      "*": "lambda x, y: if is_zero(x) then x else y"})
    words = ("2", "+", "3", "*", "2")
    symbols = _symbols(words)
    parse = Parse(words, symbols, Tree((1, -1, 1, 1, 3)), (None,) * 5)
    (plain,) = abduce(model, [(parse, 2)], enumerate_up_to=5, beam=4, samples=0, seed=0)
    (fast,) = abduce(model, [(parse, 2)], enumerate_up_to=5, beam=4, samples=0, seed=0,
                     memo=True)
    consistent = [h for h in plain.hypotheses if h.consistent]
    assert consistent and len(fast.hypotheses) < len(plain.hypotheses)
    assert [h.tree for h in fast.hypotheses] == [h.tree for h in consistent]
    assert all(h.consistent and not h.revisions for h in fast.hypotheses)
