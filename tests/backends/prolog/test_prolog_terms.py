"""Prolog text from Python values (no engine needed) and its round trip through the engine."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nsr.backends.prolog.errors import UnsupportedValue
from nsr.backends.prolog.terms import Atom, Compound, PlString, Var, goal, quote_atom, to_text


@pytest.mark.parametrize(
    ("atom", "text"),
    [
        ("walk", "walk"),
        ("x_1Y", "x_1Y"),
        ("I_WALK", "'I_WALK'"),
        ("+", "'+'"),
        ("it's", "'it''s'"),
        ("", "''"),
        ("[]", "'[]'"),
        ("a b", "'a b'"),
        ("back\\slash", "'back\\\\slash'"),
        ("line\nbreak", "'line\\nbreak'"),
        ("mod", "'mod'"),
        ("dynamic", "'dynamic'"),
        ("élan", "'élan'"),
        ("_x", "'_x'"),
    ],
)
def test_quote_atom(atom: str, text: str) -> None:
    assert quote_atom(atom) == text
    assert to_text(Atom(atom)) == text


def test_to_text_covers_every_value_kind() -> None:
    value = Compound(
        "f", ("I_WALK", "it's", -3, 2.5, [1, PlString('say "hi"')], Var("X"), True, [])
    )
    assert to_text(value) == "f('I_WALK','it''s',-3,2.5,[1,\"say \"\"hi\"\"\"],X,true,[])"


def test_floats_keep_prolog_float_syntax() -> None:
    assert to_text(1e-05) == "1.0e-5"
    assert to_text(1e22) == "1.0e22"
    assert to_text(-0.5) == "-0.5"
    assert to_text(math.inf) == "1.0Inf"
    assert to_text(-math.inf) == "-1.0Inf"
    assert to_text(math.nan) == "1.5NaN"


def test_goal_builds_quoted_calls() -> None:
    assert goal("member", Var("X"), ["a", "B c"]) == "member(X,[a,'B c'])"
    assert goal("halt") == "halt"
    assert goal("=..", Var("T"), ["+", 1, 2]) == "'=..'(T,['+',1,2])"


def test_compound_args_become_a_tuple() -> None:
    term = Compound("f", [1, 2])  # type: ignore[arg-type]
    assert term.args == (1, 2)
    assert term.arity == 2
    assert str(term) == "f(1,2)"


@pytest.mark.parametrize("bad", [None, {1: 2}, {1, 2}, object()])
def test_unsupported_values_raise(bad: object) -> None:
    with pytest.raises(UnsupportedValue, match="cannot write"):
        to_text(bad)


def test_var_names_are_checked() -> None:
    with pytest.raises(UnsupportedValue):
        Var("lower")
    assert to_text(Var("_")) == "_"


def test_fraction_and_bool() -> None:
    assert to_text(Fraction(1, 3)) == "1r3"
    assert to_text(Fraction(4, 2)) == "2"
    assert to_text(False) == "false"


# ---------------------------------------------------------------- round trip through SWI-Prolog

_odd_text = st.one_of(
    st.sampled_from(
        [
            "",
            "I_WALK",
            "+",
            "it's",
            "[]",
            "{}",
            "|",
            ",",
            ";",
            "!",
            "mod",
            "dynamic",
            "-",
            ":-",
            "\\",
            "'",
            '"',
            "a\nb",
            "\t",
            "\x00",
            "\x7f",
            "end_of_file",
            "_",
            "é",
            "日本",
            "🙂",
        ]
    ),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)),  # no lone surrogates
        max_size=8,
    ),
)
_atoms = _odd_text.map(str)
_strings = _odd_text.map(PlString)
_leaves = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    _atoms,
    _strings,
)
_values = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.builds(
            lambda name, args: Compound(name, tuple(args)),
            _atoms,
            st.lists(inner, min_size=1, max_size=3),
        ),
    ),
    max_leaves=12,
)


def _same(a: object, b: object) -> bool:
    """Structural equality that also tells atoms from strings and ints from floats."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Compound):
        return a.name == b.name and _same(list(a.args), list(b.args))
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b


@pytest.mark.prolog
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=_values)
def test_to_text_round_trips_through_the_engine(engine, value) -> None:
    [solution] = engine.query(f"X = {to_text(value)}")
    assert _same(solution["X"], value), (to_text(value), solution["X"])


@pytest.mark.prolog
@pytest.mark.parametrize("value", [math.inf, -math.inf, Fraction(-7, 3), 2**200, -(2**200)])
def test_special_numbers_round_trip(engine, value) -> None:
    [solution] = engine.query(f"X = {to_text(value)}")
    assert solution["X"] == value and type(solution["X"]) is type(value)


@pytest.mark.prolog
def test_nan_round_trips(engine) -> None:
    [solution] = engine.query(f"X = {to_text(math.nan)}")
    assert math.isnan(solution["X"])


def test_to_text_writes_terms_deeper_than_the_recursion_limit() -> None:
    term: object = 0
    for _ in range(10_000):
        term = Compound("s", (term, [1, "I_WALK"]))
    text = to_text(term)
    assert text.startswith("s(s(") and text.endswith(",[1,'I_WALK'])")
    assert text.count("s(") == 10_000 and text.count(")") == 10_000
    assert to_text([[[]], ()]) == "[[[]],[]]" and to_text(Compound("f", ())) == "f()"
