"""Reading and writing plans in the usual one-step-per-line format."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nsr.backends.pddl.errors import PlanSyntaxError
from nsr.backends.pddl.plans import Step, parse_plan, parse_step, write_plan


def test_planner_output_variants_are_tolerated() -> None:
    text = """
; found by some planner
(PICK-UP A)
0: (stack a B)   ; trailing comment
1.000: (unstack b c) [1.000]
(put-down c) [1]

(noop)
; cost = 5 (unit cost)
"""
    assert parse_plan(text) == (
        Step("pick-up", ("a",)),
        Step("stack", ("a", "b")),
        Step("unstack", ("b", "c")),
        Step("put-down", ("c",)),
        Step("noop", ()),
    )


def test_empty_plan() -> None:
    assert parse_plan("; nothing to do\n\n") == ()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("(a b)\npick up a\n", 2),
        ("(a b)\n\n(a (b))\n", 3),
        ("(a b\n", 1),
        ("(a b) (c d)\n", 1),
        ("()\n", 1),
        ("x: (a b)\n", 1),
    ],
)
def test_garbage_lines_name_the_line(text: str, line: int) -> None:
    with pytest.raises(PlanSyntaxError) as exc:
        parse_plan(text, name="p.plan")
    assert str(exc.value).startswith(f"p.plan:{line}: expected a step")


def test_parse_step() -> None:
    assert parse_step(" (Move r1 r2) ") == Step("move", ("r1", "r2"))
    with pytest.raises(PlanSyntaxError):
        parse_step("(a)\n(b)")


def test_write_plan_format() -> None:
    text = write_plan([Step("move", ("r1", "r2")), Step("noop")])
    assert text == "(move r1 r2)\n(noop)\n; cost = 2 (unit cost)\n"


_name = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.builds(Step, _name, st.tuples(_name) | st.tuples(_name, _name)), max_size=20))
def test_write_then_parse_round_trips(plan: list[Step]) -> None:
    assert parse_plan(write_plan(plan)) == tuple(plan)
