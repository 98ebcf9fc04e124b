"""Canonical text of a program or expression: ``parse_program(to_text(p)) == p``.

One line, single spaces, atoms always quoted, symbols quoted only when they are not plain names.
The grammar has no infix operators and every compound form is closed by a keyword or bracket,
so no parentheses are ever needed.
"""

from __future__ import annotations

from nsr.semantics import ast

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t"}


def quote_atom(name: str) -> str:
    """``I_WALK`` -> ``'I_WALK'``; escapes backslash, quote, newline and tab."""
    return "'" + "".join(_ESCAPES.get(c, c) for c in name) + "'"


def _symbol(name: str) -> str:
    return name if ast.is_plain_name(name) else quote_atom(name)


def _args(args: tuple[ast.Expr, ...]) -> str:
    return ", ".join(to_text(a) for a in args)


def to_text(node: ast.Node) -> str:
    """Canonical DSL text of ``node`` (a Program or any expression)."""
    match node:
        case ast.Program(params, body):
            head = "lambda " + ", ".join(params) if params else "lambda"
            return f"{head}: {to_text(body)}"
        case ast.Var(name):
            return name
        case ast.Int(value):
            return str(value)
        case ast.Atom(name):
            return quote_atom(name)
        case ast.Bool(value):
            return "true" if value else "false"
        case ast.ListLit(items):
            return f"[{_args(items)}]"
        case ast.Let(name, value, body):
            return f"let {name} = {to_text(value)} in {to_text(body)}"
        case ast.LetRec(name, params, fbody, body):
            return f"let rec {name}({', '.join(params)}) = {to_text(fbody)} in {to_text(body)}"
        case ast.If(cond, then, orelse):
            return f"if {to_text(cond)} then {to_text(then)} else {to_text(orelse)}"
        case ast.Call(name, args):
            return f"{name}({_args(args)})"
        case ast.SymbolCall(symbol, args):
            return f"@{_symbol(symbol)}({_args(args)})"
    raise TypeError(f"not a program node: {node!r}")
