"""Recursive programs from sparse rows: twenty sums hold few of the (x, y - 1) sub-calls the
oracle would look up, so a right body is verified for real once two rows back it."""

from __future__ import annotations

from nsr.induction.search import SearchConfig, SearchExample, search_program
from nsr.semantics.evaluate import compile_program

PAIRS = [(0, 8), (1, 1), (1, 2), (1, 6), (1, 9), (2, 0), (2, 4), (3, 4), (4, 0), (4, 3),
         (5, 2), (5, 8), (6, 6), (7, 4), (7, 5), (7, 9), (8, 0), (8, 4), (9, 1), (9, 9)]


def test_a_sum_is_found_from_twenty_rows() -> None:
    rows = [SearchExample((x, y), x + y, i) for i, (x, y) in enumerate(PAIRS)]
    config = SearchConfig(library="numbers", max_size=9, max_candidates=1_500_000,
                          budget_s=60.0)
    found = search_program(rows, 2, config)
    assert found.covered == len(rows)
    run = compile_program(found.program)
    assert all(run((x, y)) == x + y for x in range(12) for y in range(12))


def test_dense_rows_keep_the_half_backed_rule() -> None:
    """With as many groups as the row limit the old rule holds: these rows, too few for the
    oracle, then give no recursive sum (what the search did before on sparse rows too)."""
    rows = [SearchExample((x, y), x + y, i) for i, (x, y) in enumerate(PAIRS)]
    config = SearchConfig(library="numbers", max_size=9, max_candidates=200_000,
                          budget_s=60.0, max_rows=len(rows))
    found = search_program(rows, 2, config)
    assert found.covered < len(rows)
