"""Inlining @symbol calls keeps a program's meaning and makes it closed."""

from __future__ import annotations

import pytest

from nsr.semantics import ast
from nsr.semantics.errors import ProgramError
from nsr.semantics.evaluate import evaluate
from nsr.semantics.inline import inline_symbol_calls
from nsr.semantics.parser import parse_program

ADD = parse_program(
    "lambda x, y: let rec f(x, y) = if is_zero(y) then x else inc(f(x, dec(y))) in f(x, y)"
)
MUL = parse_program(
    "lambda x, y: let rec f(x, y) = if is_zero(y) then 0 else @'+'(x, f(x, dec(y))) in f(x, y)"
)


def test_inlined_program_needs_no_symbol_table_and_means_the_same():
    closed = inline_symbol_calls(MUL, {"+": ADD})
    assert "SymbolCall" not in repr(closed)
    for a, b in [(0, 5), (7, 0), (6, 7), (12, 11)]:
        assert evaluate(closed, (a, b)) == evaluate(MUL, (a, b), {"+": ADD}) == a * b


def test_unknown_symbol_and_wrong_arity_are_program_errors():
    with pytest.raises(ProgramError, match="unknown symbol"):
        inline_symbol_calls(MUL, {})
    one = ast.Program(("x",), ast.Var("x"))
    with pytest.raises(ProgramError, match="takes 1 argument"):
        inline_symbol_calls(MUL, {"+": one})
