"""The Python evaluator against reference Python functions, and its errors and budget."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nsr.semantics import (
    BudgetExceeded,
    EvaluationError,
    ProgramError,
    check_program,
    compile_program,
    evaluate,
    parse_program,
)

from .gss_corpus import CORPUS
from .gss_strategies import atom_lists, atoms

PROGRAMS = {name: parse_program(text) for name, (text, _) in CORPUS.items()}


def run(symbol: str, *args: object) -> object:
    return evaluate(PROGRAMS[symbol], args, PROGRAMS)


def _swap(x: tuple) -> tuple:
    return x if len(x) < 2 else (x[-1], *x[1:-1], x[0])


LIST_REFERENCES = {
    "twice": lambda x: x + x,
    "thrice": lambda x: x * 3,
    "left": lambda x: ("I_TURN_LEFT", *x),
    "right": lambda x: ("I_TURN_RIGHT", *x),
    "around": lambda x: x * 4,
    "copy": lambda x: x,
    "reverse": lambda x: x[::-1],
    "shift": lambda x: x[1:] + x[:1],
    "echo": lambda x: x + x[-1:],
    "swap_first_last": _swap,
    "repeat": lambda x: x + x,
    "rev_acc": lambda x: x[::-1],
    "len": len,
    "palindrome": lambda x: "yes" if x == x[::-1] else "no",
}
PAIR_REFERENCES = {
    "and": lambda x, y: x + y,
    "after": lambda x, y: y + x,
    "append": lambda x, y: x + y,
    "prepend": lambda x, y: y + x,
    "remove_first": lambda x, y: y,
    "remove_second": lambda x, y: x,
    "let_list": lambda x, y: x + y,
}
NUMBER_REFERENCES = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: max(0, a - b),
    "*": lambda a, b: a * b,
    "/": lambda a, b: math.ceil(a / b) if b else 0,
    "max": max,
    "min": min,
    "sum_diff": lambda a, b: (a + b, max(0, a - b), (a, b)),
    "logic": lambda a, b: "yes" if a != 0 and (a < b or a == 3) else "no",
}
small = st.integers(min_value=0, max_value=15)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(atom_lists)
def test_list_programs_match_reference(x: tuple) -> None:
    for symbol, ref in LIST_REFERENCES.items():
        assert run(symbol, x) == ref(x), symbol


@settings(max_examples=40, deadline=None, derandomize=True)
@given(atom_lists, atom_lists)
def test_binary_list_programs_match_reference(x: tuple, y: tuple) -> None:
    for symbol, ref in PAIR_REFERENCES.items():
        assert run(symbol, x, y) == ref(x, y), symbol


@settings(max_examples=60, deadline=None, derandomize=True)
@given(small, small)
def test_hint_arithmetic_by_recursion(a: int, b: int) -> None:
    for symbol, ref in NUMBER_REFERENCES.items():
        assert run(symbol, a, b) == ref(a, b), symbol
    assert run("double", a) == 2 * a
    assert run("even", a) == int(a % 2 == 0)
    assert run("shadow", a) == (a + 2,)
    assert run("capture", a) == a + 5  # g sees the outer x (= a), h the inner x (= 5)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(atom_lists, st.integers(min_value=0, max_value=8), atoms)
def test_recursive_list_programs(x: tuple, n: int, a: str) -> None:
    assert run("repeat_n", x, n) == x * n
    assert run("member", x, a) == ("yes" if a in x else "no")
    assert run("head_or", x, a) == (x[0] if x else a)
    if n < len(x):
        assert run("nth", x, n) == x[n]
    else:
        with pytest.raises(EvaluationError):
            run("nth", x, n)


def test_small_closed_forms() -> None:
    assert [run("fact", n) for n in range(6)] == [math.factorial(n) for n in range(6)]
    assert run("triangle", 3) == (3, 3, 3, 2, 2, 1)
    assert run("walk") == ("I_WALK",)
    assert run("3") == 3 and run("0") == 0
    assert run("odd_atoms") == ("it's", "\\", "V12", "+", "a b", "'q")
    assert run("negative", "a") == ("a", -3, 0)
    assert run("literal_false", "a") == ("a",)
    assert run("is_zero_atom", "a") == "nz"


def test_lists_come_in_as_python_lists_and_leave_as_tuples() -> None:
    assert evaluate(PROGRAMS["and"], [["a"], ["b", ["c"]]]) == ("a", "b", ("c",))
    with pytest.raises(EvaluationError, match="not a DSL value"):
        evaluate(PROGRAMS["copy"], [1.5])


def test_compiled_program_is_cached_and_callable() -> None:
    p = PROGRAMS["twice"]
    compiled = compile_program(p)
    assert compile_program(parse_program("lambda x: append(x, x)")) is compiled
    assert compiled([("a",)]) == ("a", "a")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lambda x: frob(x)", "unknown primitive or function 'frob'"),
        ("lambda x: append(x)", "primitive 'append' takes 2 argument(s), got 1"),
        ("lambda x: y", "unbound variable 'y'"),
        ("lambda x: let rec f(a) = a in f", "unbound variable 'f' (a function: call it)"),
        ("lambda x: let rec f(a) = a in f(x, x)", "function 'f' takes 1 argument(s), got 2"),
        ("lambda x: is_zero(x)", "a condition is used where a value is needed"),
        ("lambda x: if x then 1 else 2", "a condition must be a predicate call"),
        ("lambda x: inc('a')", "argument 1 of inc must be int, got atom"),
        ("lambda x: car(3)", "argument 1 of car must be list, got int"),
        ("lambda x: not(x)", "a condition must be"),
        ("lambda x: [is_empty(x)]", "a condition is used where a value is needed"),
    ],
)
def test_ill_formed_programs_are_rejected(text: str, message: str) -> None:
    program = parse_program(text)
    with pytest.raises(ProgramError, match=message.replace("(", r"\(").replace(")", r"\)")):
        evaluate(program, [()])
    with pytest.raises(ProgramError):
        check_program(program)


def test_symbol_errors_are_clear() -> None:
    caller = parse_program("lambda x: @missing(x)")
    with pytest.raises(ProgramError, match="unknown symbol @'missing'"):
        evaluate(caller, [1], {})
    with pytest.raises(ProgramError, match="unknown symbol @'missing'"):
        check_program(caller, {"other": 1})
    wrong = parse_program("lambda x: @twice(x, x)")
    with pytest.raises(ProgramError, match="symbol @'twice' takes 1 argument"):
        evaluate(wrong, [()], PROGRAMS)
    with pytest.raises(ProgramError, match="program of symbol 'w'"):
        check_program(wrong, {"twice": 1}, name="w")


def test_wrong_number_of_arguments() -> None:
    with pytest.raises(EvaluationError, match="program takes 2 argument"):
        evaluate(PROGRAMS["and"], [()])


@pytest.mark.parametrize(
    ("symbol", "args"),
    [("opposite", ((),)), ("nth", (("a",), 3)), ("shift", ("a",))],
)
def test_undefined_primitive_applications(symbol: str, args: tuple) -> None:
    with pytest.raises(EvaluationError):
        run(symbol, *args)


def test_budget_stops_infinite_recursion() -> None:
    loop = parse_program("lambda x: let rec f(y) = f(y) in f(x)")
    with pytest.raises(BudgetExceeded, match="step budget"):
        evaluate(loop, [1], max_steps=1000)
    self_call = parse_program("lambda x: @me(x)")
    with pytest.raises(BudgetExceeded):
        evaluate(self_call, [1], {"me": self_call}, max_steps=500)
    grow = parse_program("lambda x: let rec g(y) = g(append(y, y)) in g(x)")
    with pytest.raises(BudgetExceeded, match="longer than"):
        evaluate(grow, [("a",)])
    deep = parse_program("lambda x: let rec d(y) = inc(d(inc(y))) in d(x)")
    with pytest.raises(BudgetExceeded):
        evaluate(deep, [0], max_steps=10**7)


def test_deep_but_finite_recursion_runs() -> None:
    assert run("+", 3, 20_000) == 20_003


def test_values_nested_deeper_than_the_recursion_limit_convert() -> None:
    from nsr.semantics.evaluate import as_value

    nested: object = ["a"]
    for i in range(10_000):
        nested = [i, nested]
    value = as_value(nested)
    depth = 0
    while isinstance(value, tuple) and len(value) == 2:
        assert type(value[0]) is int
        value, depth = value[1], depth + 1
    assert depth == 10_000 and value == ("a",)
    with pytest.raises(EvaluationError, match="not a DSL value"):
        as_value([1, [2, [True]]])
