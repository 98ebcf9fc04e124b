"""Inline ``@symbol(...)`` calls: a program that reuses other symbols' programs made closed.

Why: program search may reuse learned programs of other symbols (HINT's ``*`` calls ``+``), but
every consumer of a program (the evaluator during deduction and abduction, the Prolog export)
then needs the whole symbol table at hand, and a later re-induction of ``+`` would silently
change ``*``. Inlining at adoption time freezes the meaning: ``@'+'(a, b)`` becomes
``let rec g(x, y) = BODY_OF_PLUS in g(a, b)``, which the DSL scopes lexically, so the result
evaluates and compiles on its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from nsr.semantics import ast
from nsr.semantics.errors import ProgramError


def _names(node: ast.Node, out: set[str]) -> set[str]:
    match node:
        case ast.Program(params, body):
            out.update(params)
            _names(body, out)
        case ast.Var(name):
            out.add(name)
        case ast.Let(name, value, body):
            out.add(name)
            _names(value, out)
            _names(body, out)
        case ast.LetRec(name, params, fbody, body):
            out.add(name)
            out.update(params)
            _names(fbody, out)
            _names(body, out)
        case ast.If(cond, then, orelse):
            for e in (cond, then, orelse):
                _names(e, out)
        case ast.Call(name, args):
            out.add(name)
            for a in args:
                _names(a, out)
        case ast.SymbolCall(_, args):
            for a in args:
                _names(a, out)
        case ast.ListLit(items):
            for a in items:
                _names(a, out)
    return out


def inline_symbol_calls(program: ast.Program, table: Mapping[str, ast.Program]) -> ast.Program:
    """``program`` with every ``@symbol(args)`` replaced by the symbol's program from ``table``
    (inlined recursively); :class:`ProgramError` for an unknown symbol or a wrong arity."""
    used = _names(program, set())
    counter = [0]

    def fresh() -> str:
        while True:
            counter[0] += 1
            name = f"g{counter[0]}"
            if name not in used:
                used.add(name)
                return name

    def walk(e: ast.Expr, depth: int) -> ast.Expr:
        match e:
            case ast.SymbolCall(symbol, args):
                callee = table.get(symbol)
                if callee is None:
                    raise ProgramError(f"call of unknown symbol @{symbol!r}")
                if callee.arity != len(args):
                    raise ProgramError(
                        f"symbol @{symbol!r} takes {callee.arity} argument(s), got {len(args)}"
                    )
                if depth > len(table):
                    raise ProgramError(f"symbol @{symbol!r} calls itself through other symbols")
                body = walk(callee.body, depth + 1)
                name = fresh()
                new_args = tuple(walk(a, depth) for a in args)
                return ast.LetRec(name, callee.params, body, ast.Call(name, new_args))
            case ast.Let(name, value, body):
                return ast.Let(name, walk(value, depth), walk(body, depth))
            case ast.LetRec(name, params, fbody, body):
                return ast.LetRec(name, params, walk(fbody, depth), walk(body, depth))
            case ast.If(cond, then, orelse):
                return ast.If(walk(cond, depth), walk(then, depth), walk(orelse, depth))
            case ast.Call(name, args):
                return ast.Call(name, tuple(walk(a, depth) for a in args))
            case ast.ListLit(items):
                return ast.ListLit(tuple(walk(a, depth) for a in items))
        return e

    return ast.Program(program.params, walk(program.body, 0))
