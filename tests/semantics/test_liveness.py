"""Unused parameters: what a program never reads is dead code in any tree that feeds it."""

from __future__ import annotations

from nsr.semantics.liveness import free_variables, unused_parameters
from nsr.semantics.parser import parse_program


def test_a_projection_ignores_the_other_parameter() -> None:
    assert unused_parameters(parse_program("lambda x, y: x")) == frozenset({1})
    assert unused_parameters(parse_program("lambda x, y, z: append(x, z)")) == frozenset({1})
    assert unused_parameters(parse_program("lambda: zero()")) == frozenset()


def test_parameters_read_only_through_a_recursive_function_are_used() -> None:
    plus = parse_program(
        "lambda x, y: let rec f(x, y) = if is_zero(x) then y else inc(f(y, dec(x))) in f(x, y)")
    assert unused_parameters(plus) == frozenset()
    # The rec function's own x shadows the lambda's: the lambda's x is never read.
    shadowed = parse_program("lambda x, y: let rec f(x) = x in f(y)")
    assert unused_parameters(shadowed) == frozenset({0})


def test_let_binds_its_name_only_in_its_body() -> None:
    prog = parse_program("lambda x, y: let y = x in inc(y)")
    assert free_variables(prog.body) == frozenset({"x"})
    assert unused_parameters(prog) == frozenset({1})


def test_free_variables_of_an_expression_10000_deep() -> None:
    from nsr.semantics import ast

    body: ast.Expr = ast.Call("inc", (ast.Var("y"),))
    for i in range(10_000):  # let v0 = x in let v1 = v0 in ... in inc(y)
        body = ast.Let(f"v{9_999 - i}", ast.Var(f"v{9_998 - i}" if i < 9_999 else "x"), body)
    assert free_variables(body) == {"x", "y"}
    # Names bound by an enclosing let are not free inside it, however deep.
    assert free_variables(ast.Let("y", ast.Int(1), body)) == {"x"}
