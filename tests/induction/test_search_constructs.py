"""Program search constructs: integer constants, conditionals, recursion, learned programs."""

from __future__ import annotations

from nsr.induction.library import LIBRARIES, symbol_primitive
from nsr.induction.search import COMPOSE_SHARE, SearchConfig, SearchExample, search_program
from nsr.semantics import ast
from nsr.semantics.evaluate import evaluate

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


def test_count_budget_gives_the_same_result_whatever_the_clock():
    # x * y + 1 is beyond this size: the search runs out of candidates, not of seconds
    rows = _rows(lambda a, b: a * b + 1, PAIRS[:30])
    tight = SearchConfig(library="numbers", max_size=12, budget_s=600, max_candidates=20_000)
    first, second = search_program(rows, 2, tight), search_program(rows, 2, tight)
    assert first.timed_out and second.timed_out
    assert first.program == second.program and first.covered == second.covered
    assert 20_000 <= first.candidates < 20_000 + 4096


def test_learned_program_steps_are_charged_to_the_budget():
    add = search_program(_rows(lambda a, b: a + b), 2, NUMBERS).program
    symbols = {"+": add}
    plus = symbol_primitive("+", add, LIBRARIES["numbers"], symbols)
    assert plus.meter is not None and plus.meter.steps == 0
    assert plus.fn(30, 40) == 70 and plus.meter.steps > 30
    rows = [SearchExample((a, b), (a ^ b) + 1) for a, b in PAIRS[:30]]  # xor: out of reach
    cfg = SearchConfig(library="numbers", max_size=12, budget_s=600, max_candidates=50_000)
    fresh = symbol_primitive("+", add, LIBRARIES["numbers"], symbols)
    result = search_program(rows, 2, cfg, extra=[fresh], symbols=symbols)
    # the candidates built plus the learned +'s steps (10 per candidate) filled the budget
    assert result.timed_out
    assert result.candidates >= 50_000
    # (and so did the narrower search over compositions of learned programs, with its share)
    assert result.candidates - fresh.meter.steps // 10 < 50_000 * (1 + COMPOSE_SHARE)


def test_identity_can_be_refused():
    rows = [SearchExample((a,), a, i) for i, a in enumerate(range(1, 9))]
    assert search_program(rows, 1, NUMBERS).program == ast.Program(("x",), ast.Var("x"))
    no_identity = SearchConfig(library="numbers", max_size=6, budget_s=20, identity=False)
    refused = search_program(rows, 1, no_identity)
    # nor a near-identity such as inc(dec(x)): every row it explains passes x through
    assert refused.program is None
    # a real unary function is still found, its fixed point (dec(0) = 0) included
    decremented = [SearchExample((a,), max(0, a - 1), a) for a in range(8)]
    assert search_program(decremented, 1, no_identity).covered == 8


def test_rows_are_limited_per_group_not_cut_across_groups():
    # every example offers 11 wrong rows and then the right one (x + y), as many trees do
    rows = []
    for g, (a, b) in enumerate(PAIRS[:40]):
        rows += [SearchExample((a, b), a + b + 100 + k, g) for k in range(11)]
        rows.append(SearchExample((a, b), a + b, g))
    per_group = SearchConfig(library="numbers", max_size=9, budget_s=20, rows_per_group=12)
    assert search_program(rows, 2, per_group).covered == 40
    # cut across groups (the published 100 rows), the right rows of most examples are lost
    assert search_program(rows, 2, NUMBERS).covered < 40


def test_search_stops_a_few_sizes_past_a_program_that_explains_almost_everything():
    rows = [SearchExample((a,), a + 1, a) for a in range(40)]
    rows.append(SearchExample((3,), 17, "noise"))  # one abduced value that is plainly wrong
    cfg = SearchConfig(library="numbers", max_size=12, budget_s=600, max_candidates=10**7,
                       good_slack=3)
    result = search_program(rows, 1, cfg)
    assert result.program == ast.Program(("x",), ast.Call("inc", (ast.Var("x"),)))
    assert not result.timed_out and result.covered == 40 and result.groups == 41
