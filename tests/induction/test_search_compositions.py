"""A new concept that composes learned ones beyond the full search's reach: ceil(2ab / (a + b))
as ``/(*(x, +(y, y)), +(x, y))`` over learned ``+``, ``*`` and ceiling ``/``, whose
intermediate ``x * 2y`` exceeds every value of the rows."""

from __future__ import annotations

import dataclasses
import math

from nsr.induction.library import LIBRARIES, symbol_primitive
from nsr.induction.search import SearchConfig, SearchExample, search_program
from nsr.semantics.evaluate import compile_program
from nsr.semantics.inline import inline_symbol_calls
from nsr.semantics.parser import parse_program

LEARNED = {
    "+": "lambda x, y: let rec f(x, y) = if is_zero(x) then y else inc(f(dec(x), y)) in f(x, y)",
    "-": "lambda x, y: let rec f(x, y) = if is_zero(y) then x else dec(f(x, dec(y))) in f(x, y)",
    "*": "lambda x, y: let rec f(x, y) = if is_zero(x) then x else @'+'(y, f(dec(x), y))"
         " in f(x, y)",
    "/": "lambda x, y: let rec f(x, y) = if is_zero(x) then x else inc(f(@'-'(x, y), y))"
         " in f(x, y)",
}
PAIRS = [(a, b) for a in range(10) for b in range(10) if (a * 7 + b * 3) % 10 < 3]
CONFIG = SearchConfig(library="numbers", max_size=9, size_limit=12, max_candidates=600_000,
                      budget_s=300.0, rows_per_group=12, good_slack=3)


def _hmean(a: int, b: int) -> int:
    return math.ceil(2 * a * b / (a + b)) if a + b else 0


def _search(fn, config: SearchConfig = CONFIG):
    named = {name: parse_program(text) for name, text in LEARNED.items()}
    extra = [symbol_primitive(name, prog, LIBRARIES["numbers"], named)
             for name, prog in named.items()]
    rows = [SearchExample((a, b), fn(a, b), i) for i, (a, b) in enumerate(PAIRS)]
    return search_program(rows, 2, config, extra=extra, symbols=named), rows, named


def test_a_composition_of_learned_programs_is_found_past_the_full_search() -> None:
    found, rows, named = _search(_hmean)
    assert found.covered == len(rows)
    assert found.program.body.symbol == "/"  # a composition, not a recursion of primitives
    run = compile_program(inline_symbol_calls(found.program, named))
    # right far outside the digits it was found from
    assert all(run((a, b)) == _hmean(a, b) for a in range(0, 40, 3) for b in range(1, 40, 7))


def test_a_composition_that_explains_few_rows_is_not_taken() -> None:
    small = dataclasses.replace(CONFIG, max_candidates=60_000)
    found, rows, _ = _search(lambda a, b: (a ^ b) * 3 + 1, small)  # xor: out of every reach
    assert found.covered < 0.95 * len(rows)
    assert found.candidates > small.max_candidates  # both searches ran, each to its budget
