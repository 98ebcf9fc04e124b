"""Among programs that explain the rows equally, search prefers passing arguments' content
through to re-typing it as a constant (the bias that generalizes to unseen arguments)."""

from __future__ import annotations

from nsr.induction.search import (
    CONSTANT_SIZE,
    SearchConfig,
    SearchExample,
    program_size,
    search_program,
)
from nsr.semantics.printer import to_text


def test_a_modifier_seen_with_one_direction_does_not_absorb_it() -> None:
    # `opposite` over `right X`: every row's argument starts with the direction it repeats
    rows = [SearchExample((("I_TURN_RIGHT", v),), ("I_TURN_RIGHT", "I_TURN_RIGHT", v))
            for v in ("I_WALK", "I_RUN", "I_LOOK", "I_JUMP")]
    rows.append(SearchExample((("I_TURN_RIGHT",),), ("I_TURN_RIGHT", "I_TURN_RIGHT")))
    found = search_program(rows, 1, SearchConfig(library="lists"))
    assert found.covered == len(rows)
    assert to_text(found.program) == "lambda x: cons(car(x), x)"
    # it is right on the direction it never saw
    from nsr.semantics.evaluate import compile_program

    run = compile_program(found.program)
    assert run((("I_TURN_LEFT", "I_WALK"),)) == ("I_TURN_LEFT", "I_TURN_LEFT", "I_WALK")


def test_a_constant_is_still_found_where_nothing_else_explains_the_rows() -> None:
    rows = [SearchExample((), ("I_WALK",))]
    found = search_program(rows, 0, SearchConfig(library="lists"))
    assert to_text(found.program) == "lambda: singleton('I_WALK')"
    assert program_size(found.program) == 1 + CONSTANT_SIZE
    rows = [SearchExample(((v,),), ("I_TURN_LEFT", v)) for v in ("I_WALK", "I_RUN")]
    found = search_program(rows, 1, SearchConfig(library="lists"))
    assert to_text(found.program) == "lambda x: cons('I_TURN_LEFT', x)"
