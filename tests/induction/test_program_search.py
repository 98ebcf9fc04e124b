"""Program induction: the smallest DSL program consistent with a symbol's examples."""

from __future__ import annotations

from nsr.induction.search import SearchConfig, SearchExample, program_size, search_program
from nsr.semantics.evaluate import compile_program
from nsr.semantics.printer import to_text

W, L, R, J = ("I_WALK",), ("I_TURN_LEFT",), ("I_TURN_RIGHT",), ("I_JUMP",)
INPUTS = [W, L + W, R + J, L, R + R + J]


def _rows(fn) -> list[SearchExample]:
    return [SearchExample((x,), fn(x), i) for i, x in enumerate(INPUTS)]


def test_finds_smallest_programs_for_scan_like_meanings() -> None:
    cases = {
        "lambda x: append(x, x)": lambda x: x + x,
        "lambda x: cons(car(x), x)": lambda x: (x[0], *x),
        "lambda x: cons('I_TURN_LEFT', x)": lambda x: L + x,
    }
    for expected, fn in cases.items():
        result = search_program(_rows(fn), 1)
        assert to_text(result.program) == expected
        assert result.covered == result.groups == len(INPUTS)


def test_found_program_runs_on_new_inputs() -> None:
    result = search_program(_rows(lambda x: x * 4), 1)
    run = compile_program(result.program)
    assert run(((("a", "b")),)) == ("a", "b") * 4
    assert program_size(result.program) == 7


def test_binary_and_nullary_programs() -> None:
    rows = [SearchExample((W, J), J + W, 0), SearchExample((L, R + W), R + W + L, 1)]
    assert to_text(search_program(rows, 2).program) == "lambda x, y: append(y, x)"
    assert to_text(search_program([SearchExample((), W, 0)], 0).program) == "lambda: singleton('I_WALK')"


def test_alternatives_and_noise_pick_the_majority_program() -> None:
    rows = _rows(lambda x: x + x)
    # one example offers a second, contradictory alternative; another is plain noise
    rows.append(SearchExample((W,), J, 0))
    rows.append(SearchExample((J,), W, 99))
    result = search_program(rows, 1)
    assert to_text(result.program) == "lambda x: append(x, x)"
    assert result.covered == len(INPUTS) and result.groups == len(INPUTS) + 1


def test_time_budget_is_honoured() -> None:
    rows = [SearchExample((x,), tuple(reversed(x * 5)) + W, i) for i, x in enumerate(INPUTS)]
    result = search_program(rows, 1, SearchConfig(max_size=30, budget_s=0.2))
    assert result.timed_out or result.covered < result.groups
    assert result.seconds < 5.0


def test_equal_arguments_do_not_hide_a_parameter() -> None:
    # ``run and run``: x and y have the same value, so append(x, x) fits as well as
    # append(x, y); the program that reads every dependent is the one kept
    rows = [SearchExample((("R",), ("R",)), ("R", "R"))]
    found = search_program(rows, 2, SearchConfig(library="lists"))
    assert to_text(found.program) == "lambda x, y: append(x, y)"
    # ...unless the rows rule it out
    rows.append(SearchExample((("R",), ("W",)), ("R", "R")))
    found = search_program(rows, 2, SearchConfig(library="lists"))
    assert to_text(found.program) == "lambda x, y: append(x, x)"
