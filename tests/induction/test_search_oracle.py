"""A recursive body whose sub-calls the rows do not hold is verified when an oracle (the old
program of a symbol searched again) answers them: ceiling division from twenty quotients of
digits, with a near miss that is right wherever ``x <= 2 * y`` as the oracle."""

from __future__ import annotations

import math

from nsr.induction.library import LIBRARIES, symbol_primitive
from nsr.induction.search import SearchConfig, SearchExample, search_program
from nsr.model.execute import apply_memo
from nsr.semantics.evaluate import compile_program
from nsr.semantics.inline import inline_symbol_calls
from nsr.semantics.parser import parse_program

SUB = parse_program("lambda x, y: let rec f(x, y) = if is_zero(y) then x else dec(f(x, dec(y)))"
                    " in f(x, y)")
#: 0 at x = 0, 1 while x <= y, else 2: ceil(x / y) for every x <= 2 * y
NEAR_MISS = parse_program("lambda x, y: if is_zero(x) then x else if is_zero(@'-'(x, y)) "
                          "then inc(zero()) else inc(inc(zero()))")
PAIRS = [(1, 3), (2, 5), (3, 2), (4, 3), (5, 6), (6, 4), (7, 7), (9, 5), (2, 1), (4, 2),
         (3, 8), (6, 9), (1, 1), (5, 3), (8, 4), (7, 9), (0, 4), (2, 2), (8, 1), (8, 3)]


def _search(oracle) -> tuple:
    named = {"-": SUB}
    extra = [symbol_primitive("-", SUB, LIBRARIES["numbers"], named)]
    rows = [SearchExample((x, y), math.ceil(x / y), i) for i, (x, y) in enumerate(PAIRS)]
    config = SearchConfig(library="numbers", max_size=11, max_candidates=300_000,
                          budget_s=60.0)
    return search_program(rows, 2, config, extra=extra, symbols=named, oracle=oracle), rows


def test_the_old_program_answers_missing_sub_calls() -> None:
    old = inline_symbol_calls(NEAR_MISS, {"-": SUB})
    found, rows = _search(lambda args: apply_memo(old, args))
    assert found.covered == len(rows)
    run = compile_program(inline_symbol_calls(found.program, {"-": SUB}))
    assert all(run((x, y)) == math.ceil(x / y) for x in range(30) for y in range(1, 10))


def test_without_the_oracle_the_body_is_not_verified() -> None:
    found, rows = _search(None)
    assert found.covered < len(rows)
