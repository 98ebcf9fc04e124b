"""Compiled programs in SWI-Prolog: same answers as the Python evaluator, trees, backwards."""

from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nsr.semantics import (
    BudgetExceeded,
    EvaluationError,
    ProgramError,
    evaluate,
    parse_program,
)
from nsr.semantics.runtime import PrologPrograms, Tree

from .gss_corpus import CORPUS
from .gss_strategies import value_for

pytestmark = pytest.mark.prolog

PROGRAMS = {name: parse_program(text) for name, (text, _) in CORPUS.items()}
EXTRA = {
    "inc": parse_program("lambda x: inc(x)"),
    "dec": parse_program("lambda x: dec(x)"),
    "cons": parse_program("lambda x, xs: cons(x, xs)"),
    "car_cdr": parse_program("lambda x: [car(x), cdr(x)]"),
    "wrap_twice_and": parse_program("lambda x, y: @and(@twice(x), y)"),
    "loop": parse_program("lambda x: let rec f(y) = f(y) in f(x)"),
    "grow": parse_program("lambda x: let rec g(y) = g(append(y, y)) in g(x)"),
    "lt_any": parse_program("lambda a, b: if lt(a, b) then 1 else 2"),
}
ALL = {**PROGRAMS, **EXTRA}


@pytest.fixture(scope="module")
def prolog() -> PrologPrograms:
    programs = PrologPrograms(ALL, inference_limit=500_000)
    yield programs
    programs.close()


def _python(symbol: str, args: tuple) -> object:
    try:
        return evaluate(ALL[symbol], args, ALL)
    except EvaluationError as exc:
        return exc


def _same(py: object, pl: object) -> bool:
    if isinstance(py, EvaluationError) or isinstance(pl, EvaluationError):
        return isinstance(py, EvaluationError) and isinstance(pl, EvaluationError)
    return py == pl


COMPARED: list[int] = []


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.data())
def test_prolog_agrees_with_python_on_random_inputs(prolog: PrologPrograms, data) -> None:
    calls = []
    for symbol, (_, kinds) in CORPUS.items():
        args = tuple(data.draw(value_for(k), label=f"{symbol}[{i}]") for i, k in enumerate(kinds))
        calls.append((symbol, args))
    results = prolog.run_batch(calls)
    for (symbol, args), pl in zip(calls, results, strict=True):
        py = _python(symbol, args)
        assert _same(py, pl), f"{symbol}{args}: python {py!r} != prolog {pl!r}"
    COMPARED.append(len(calls))


def test_enough_inputs_were_compared() -> None:
    # runs after the property test in file order; 25 examples x 55 corpus programs
    assert sum(COMPARED) >= 1000


def test_errors_agree_with_python(prolog: PrologPrograms) -> None:
    calls = [
        ("opposite", ((),)),
        ("nth", (("a",), 4)),
        ("lt_any", ("a", 1)),
        ("is_zero_atom", ("z",)),
        ("car_cdr", ((),)),
        ("cons", ("a", "b")),
        ("twice", (3,)),
    ]
    for (symbol, args), pl in zip(calls, prolog.run_batch(calls), strict=True):
        assert _same(_python(symbol, args), pl), symbol


def test_run_and_run_many(prolog: PrologPrograms) -> None:
    assert prolog.run("+", (12, 30)) == 42
    assert prolog.run("/", [7, 2]) == 4
    assert prolog.run("odd_atoms", ()) == evaluate(ALL["odd_atoms"], ())
    inputs = [(a, b) for a in range(6) for b in range(6)]
    assert prolog.run_many("*", inputs) == [a * b for a, b in inputs]
    with pytest.raises(EvaluationError, match="has no value"):
        prolog.run("opposite", [()])
    with pytest.raises(BudgetExceeded):
        prolog.run("loop", [1])
    with pytest.raises(ProgramError, match="unknown symbol 'nope'"):
        prolog.run("nope", [])
    with pytest.raises(EvaluationError, match="takes 2 argument"):
        prolog.run("+", [1])


def _py_tree(tree: Tree) -> object:
    return evaluate(ALL[tree.symbol], [_py_tree(c) for c in tree.children], ALL)


def test_trees(prolog: PrologPrograms) -> None:
    # "jump around left twice and walk" / "3 * (7 - 3) + 0" as GSS trees
    scan = Tree(
        "and", (Tree("twice", (Tree("around", (Tree("left", (Tree("jump"),)),)),)), Tree("walk"))
    )
    hint = Tree(
        "+", (Tree("*", (Tree("3"), Tree("(", (Tree("-", (Tree("7"), Tree("3"))),)))), Tree("0"))
    )
    assert prolog.run_tree(scan) == _py_tree(scan)
    assert prolog.run_tree(hint) == 12 == _py_tree(hint)
    bad = Tree("opposite", (Tree("turn"),))
    results = prolog.run_trees([scan, bad, hint])
    assert results[0] == _py_tree(scan) and results[2] == 12
    assert isinstance(results[1], EvaluationError)
    with pytest.raises(EvaluationError, match="has 0 children"):
        prolog.run_tree(Tree("twice"))


ALPHABET = ("a", "b")


def _lists(max_len: int) -> list[tuple]:
    return [t for n in range(max_len + 1) for t in itertools.product(ALPHABET, repeat=n)]


def _brute_force(symbol: str, output: object, domains: list[list]) -> set[tuple]:
    found = set()
    for args in itertools.product(*domains):
        try:
            if evaluate(ALL[symbol], args, ALL) == output:
                found.add(args)
        except EvaluationError:
            pass
    return found


@pytest.mark.parametrize(
    ("symbol", "output", "kinds"),
    [
        ("after", ("a", "b", "a"), "LL"),
        ("and", ("a", "b"), "LL"),
        ("twice", ("a", "b", "a", "b"), "L"),
        ("twice", ("a", "b", "a"), "L"),
        ("reverse", ("a", "a", "b"), "L"),
        ("left", ("I_TURN_LEFT", "a", "b"), "L"),
        ("left", ("a",), "L"),
        ("wrap_twice_and", ("a", "a", "b"), "LL"),
        ("wrap_twice_and", ("b", "b", "b", "b"), "LL"),
        ("shadow", (5,), "N"),
        ("inc", 4, "N"),
        ("inc", 0, "N"),
        ("dec", 0, "N"),
        ("dec", 3, "N"),
        ("+", 4, "NN"),
        ("-", 2, "NN"),
    ],
)
def test_backwards_enumerates_exactly_the_inputs(
    prolog: PrologPrograms, symbol: str, output: object, kinds: str
) -> None:
    domains = [_lists(4) if k == "L" else list(range(8)) for k in kinds]
    got = prolog.run_backwards(symbol, output, max_solutions=10 if symbol == "-" else 200)
    assert len(got) == len(set(got))
    if symbol == "-":  # infinitely many inputs (a - b = 2 for every a = b + 2): sound prefix
        assert {(2, 0), (3, 1)} <= set(got)
        assert all(evaluate(ALL[symbol], args, ALL) == output for args in got)
        return
    assert set(got) == _brute_force(symbol, output, domains)


def test_backwards_with_known_arguments(prolog: PrologPrograms) -> None:
    got = prolog.run_backwards("after", ("a", "b", "c"), known={0: ("c",)})
    assert got == [(("c",), ("a", "b"))]
    assert prolog.run_backwards("+", 5, known={1: 2}) == [(3, 2)]
    assert prolog.run_backwards("cons", ("x", "y"), known={0: "z"}) == []
    with pytest.raises(EvaluationError, match="out of range"):
        prolog.run_backwards("cons", (), known={2: 1})


def test_backwards_terminates_with_a_bound(prolog: PrologPrograms) -> None:
    start = time.monotonic()
    assert prolog.run_backwards("loop", 1) == []
    assert len(prolog.run_backwards("-", 0, max_solutions=3)) == 3
    assert prolog.run_backwards("after", ("a", "b", "c"), max_solutions=2) == [
        (("a", "b", "c"), ()),
        (("b", "c"), ("a",)),
    ]
    assert time.monotonic() - start < 60  # bounded, not a speed claim


def test_runaway_programs_are_bounded(prolog: PrologPrograms) -> None:
    grow, ok = prolog.run_many("grow", [(("a",),)]) + prolog.run_many("copy", [(("a",),)])
    assert isinstance(grow, BudgetExceeded)  # list size limit, like the Python evaluator
    assert ok == ("a",)
    with pytest.raises(BudgetExceeded):
        evaluate(ALL["grow"], [("a",)])
    # a wall-clock limit covers the whole call when the inference limit is out of reach
    slow = PrologPrograms({"loop": ALL["loop"]}, inference_limit=10**12, time_limit=0.3)
    with slow, pytest.raises(BudgetExceeded, match="time limit"):
        slow.run("loop", [1])


DEEP = 10_000


def _chain(symbol: str, leaf: Tree, depth: int = DEEP) -> Tree:
    tree = leaf
    for _ in range(depth):
        tree = Tree(symbol, (tree,))
    return tree


def test_trees_deeper_than_the_recursion_limit(prolog: PrologPrograms) -> None:
    # Trees cross into Prolog flat (postorder steps), so depth meets neither Python's
    # recursion limit nor the C stack of SWI-Prolog's term reader.
    zero = Tree("0")
    deep = _chain("inc", zero)
    wide = Tree("+", (_chain("inc", Tree("3"), 500), _chain("dec", Tree("7"), 5)))
    given = _chain("inc", Tree("inc", (), 7), 100)  # a data leaf at the bottom
    assert prolog.run_trees([deep, wide, given]) == [DEEP, 505, 107]
    looping = Tree("inc", (_chain("loop", zero, 3),))
    (stopped,) = prolog.run_trees([_chain("inc", looping)])
    assert isinstance(stopped, BudgetExceeded)  # one application's limit, not a crash


def test_each_application_has_its_own_inference_limit() -> None:
    # 10,000 nodes cost far more than one application's limit in all; none alone comes close.
    with PrologPrograms(ALL, inference_limit=1_000) as small:
        assert small.run_tree(_chain("inc", Tree("0"))) == DEEP


def test_from_prolog_converts_lists_of_any_depth() -> None:
    from nsr.semantics.runtime import from_prolog

    nested: object = []
    for _ in range(DEEP):
        nested = [nested, "a"]
    value = from_prolog(nested)
    for _ in range(DEEP):
        assert isinstance(value, tuple) and value[1] == "a"
        value = value[0]
    assert value == ()


def test_eval_postfix_runs_flat_trees_in_the_exported_text(prolog: PrologPrograms) -> None:
    from nsr.backends.prolog import Compound, Var, get_engine, goal

    steps = [Compound("n", ("0", 0)), *[Compound("n", ("inc", 1))] * DEEP,
             Compound("v", (5,)), Compound("n", ("+", 2))]
    (answer,) = get_engine().query(goal("eval_postfix", steps, Var("V")), module=prolog.module)
    assert answer["V"] == DEEP + 5
