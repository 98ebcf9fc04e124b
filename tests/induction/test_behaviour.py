"""Programs compared by behaviour on probe arguments (duplicate symbols of image clusters)."""

from __future__ import annotations

from nsr.induction.behaviour import INT_PROBES, int_signature, same_int_behaviour
from nsr.semantics.parser import parse_program

PLUS_LEFT = "lambda x, y: let rec f(x, y) = if is_zero(x) then y else inc(f(dec(x), y)) in f(x, y)"
PLUS_RIGHT = "lambda x, y: let rec f(x, y) = if is_zero(y) then x else inc(f(x, dec(y))) in f(x, y)"
MINUS = "lambda x, y: let rec f(x, y) = if is_zero(y) then x else dec(f(x, dec(y))) in f(x, y)"


def test_two_texts_of_addition_behave_alike_and_differ_from_subtraction() -> None:
    left, right, minus = (parse_program(t) for t in (PLUS_LEFT, PLUS_RIGHT, MINUS))
    assert left != right and same_int_behaviour(left, right)
    assert not same_int_behaviour(left, minus)
    assert int_signature(left)[len(INT_PROBES) * 3 + 4] == 7  # 3 + 4


def test_arity_and_failures_are_part_of_the_behaviour() -> None:
    const = parse_program("lambda: 2")
    first = parse_program("lambda x, y: x")
    assert not same_int_behaviour(const, first)
    assert int_signature(const) == (2,)
    # a recursion that never stops fails every probe within its step budget instead of hanging
    loop = parse_program("lambda x: let rec f(x) = f(inc(x)) in f(x)")
    assert int_signature(loop) == (None,) * len(INT_PROBES)


def test_search_is_offered_one_primitive_per_behaviour() -> None:
    from nsr.learning.steps import _learned_primitives
    from nsr.model.model import NsrModel

    model = NsrModel(("a", "b", "c", "d"), "numbers", seed=0)
    model.programs.update({0: parse_program(PLUS_LEFT), 1: parse_program(PLUS_RIGHT),
                           2: parse_program(MINUS)})
    extra, named = _learned_primitives(model, 3, "numbers", {})
    assert sorted(named) == ["a", "b", "c"]  # every program can still be called (inlining)
    assert sorted(p.name for p in extra) == ["a", "c"]  # but "b" (= "a") is not searched twice
