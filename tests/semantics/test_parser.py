"""Parsing and printing: the corpus and random ASTs round-trip; syntax errors are located."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from nsr.errors import DataError
from nsr.semantics import (
    Atom,
    Call,
    Int,
    LetRec,
    ListLit,
    Program,
    ProgramSyntaxError,
    SymbolCall,
    Var,
    parse_program,
    to_text,
)

from .gss_corpus import CORPUS
from .gss_strategies import programs


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("symbol", sorted(CORPUS))
def test_corpus_round_trips(symbol: str) -> None:
    program = parse_program(CORPUS[symbol][0])
    text = to_text(program)
    again = parse_program(text)
    assert again == program
    assert hash(again) == hash(program)
    assert to_text(again) == text  # canonical: printing is idempotent


@settings(max_examples=150, deadline=None, derandomize=True)
@given(programs)
def test_random_asts_round_trip(program: Program) -> None:
    assert parse_program(to_text(program)) == program


def test_parse_builds_the_expected_nodes() -> None:
    p = parse_program("lambda a, b: @'+'(a, [b, 'I_WALK', -3])")
    assert p == Program(
        ("a", "b"),
        SymbolCall("+", (Var("a"), ListLit((Var("b"), Atom("I_WALK"), Int(-3))))),
    )
    assert p.arity == 2
    rec = parse_program("lambda: let rec f() = f() in f()")
    assert rec.body == LetRec("f", (), Call("f"), Call("f"))
    assert parse_program("lambda x: @twice(x)").body == SymbolCall("twice", (Var("x"),))
    # quoted and bare symbol names are the same symbol
    assert parse_program("lambda x: @'twice'(x)") == parse_program("lambda x: @twice(x)")


def test_atom_escapes() -> None:
    p = parse_program(r"lambda: ['it''s', 'it\'s', 'a\\b', 'tab\t']")
    assert [a.name for a in p.body.items] == ["it's", "it's", "a\\b", "tab\t"]
    assert parse_program(to_text(p)) == p


def test_keyword_symbols_are_quoted_when_printed() -> None:
    p = Program((), SymbolCall("if", ()))
    assert to_text(p) == "lambda: @'if'()"
    assert parse_program(to_text(p)) == p


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("lambda x: append(x,, x)", 1, 20, "unexpected ','"),
        ("lambda x:\n  let y = x\n  y", 3, 3, "unexpected 'y'; expected one of:"),
        ("lambda x: car(x", 1, 16, "end of input"),
        ("lambda x: x $", 1, 13, "unexpected character '$'"),
        ("lambda x, x: x", 1, 11, "parameter x is repeated"),
        ("lambda let: 1", 1, 8, "unexpected 'let'"),
        ("x: x", 1, 1, "expected one of: 'lambda'"),
    ],
)
def test_syntax_errors_give_position(text: str, line: int, column: int, fragment: str) -> None:
    with pytest.raises(ProgramSyntaxError) as info:
        parse_program(text, source="prog.gss")
    err = info.value
    assert isinstance(err, DataError)
    assert (err.line, err.column) == (line, column)
    assert f"prog.gss:{line}:{column}:" in str(err)
    assert fragment in str(err)
    assert "\n" not in str(err)


def test_importing_semantics_does_not_load_prolog() -> None:
    import subprocess
    import sys

    code = (
        "import sys, nsr.semantics as s; s.parse_program('lambda x: x'); "
        "s.compile_symbols; assert 'pyswip' not in sys.modules, 'pyswip imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@settings(max_examples=40, deadline=None, derandomize=True)
@given(programs)
def test_asts_pickle_with_equal_hashes(program: Program) -> None:
    import pickle

    again = pickle.loads(pickle.dumps(program))
    assert again == program and hash(again) == hash(program)
    assert {program: 1}[again] == 1
