"""Program search constructs: integer constants, conditionals, recursion, learned programs."""

from __future__ import annotations

from nsr.semantics import ast
from nsr.semantics.evaluate import evaluate
from nsr.semantics.search import SearchConfig, SearchExample, search_program
from nsr.semantics.search_primitives import LIBRARIES, symbol_primitive

NUMBERS = SearchConfig(library="numbers", max_size=9, budget_s=20)
PAIRS = [(a, b) for a in range(8) for b in range(8)]


def _rows(fn, pairs=PAIRS):
    return [SearchExample((a, b), fn(a, b)) for a, b in pairs]


def test_integer_constant_is_a_literal():
    result = search_program([SearchExample((), 7)] * 3, 0, NUMBERS)
    assert result.program == ast.Program((), ast.Int(7))


def test_conditional_on_is_empty_for_lists():
    rows = [SearchExample((xs,), () if not xs else (xs[0],))
            for xs in [(), ("a",), ("b", "c"), ("c",), ("a", "b", "c")]]
    result = search_program(rows, 1, SearchConfig(library="lists", max_size=7, budget_s=10))
    assert result.covered == result.groups
    assert isinstance(result.program.body, ast.If)


def test_recursion_learns_addition_and_generalises_beyond_the_examples():
    result = search_program(_rows(lambda a, b: a + b), 2, NUMBERS)
    assert result.covered == result.groups
    assert isinstance(result.program.body, ast.LetRec)
    # verified for real: it is right far outside the rows it was induced from
    assert evaluate(result.program, (123, 456)) == 579


def test_recursion_learns_truncated_subtraction():
    result = search_program(_rows(lambda a, b: max(0, a - b)), 2, NUMBERS)
    assert result.covered == result.groups
    assert evaluate(result.program, (50, 7)) == 43
    assert evaluate(result.program, (7, 50)) == 0


def test_non_terminating_candidates_are_rejected():
    # Rows no small program explains: whatever is returned must evaluate without looping.
    rows = _rows(lambda a, b: (a * 7 + b * 3) % 5)
    result = search_program(rows, 2, SearchConfig(library="numbers", max_size=7, budget_s=5))
    if result.program is not None:
        for a, b in PAIRS:
            evaluate(result.program, (a, b))


def test_learned_program_is_reused_as_a_symbol_call():
    add = search_program(_rows(lambda a, b: a + b), 2, NUMBERS).program
    symbols = {"+": add}
    extra = [symbol_primitive("+", add, LIBRARIES["numbers"], symbols)]
    rows = [SearchExample((a,), 2 * a + 1) for a in range(10)]
    result = search_program(rows, 1, NUMBERS, extra=extra, symbols=symbols)
    assert result.covered == result.groups
    assert "@" in repr(result.program) or "SymbolCall" in repr(result.program)
    assert evaluate(result.program, (40,), symbols) == 81


def test_no_symbol_primitive_without_a_single_value_type():
    add = ast.Program(("x",), ast.Var("x"))
    assert symbol_primitive("id", add, LIBRARIES["lists"], {}) is None
