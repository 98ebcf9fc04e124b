"""Fast Python execution of the programs the search produces (inside the learning loop).

The learner runs trees thousands of times per epoch; compiling each program once into a Python
closure over the search's primitive functions makes that cheap. Final answers are run through
Prolog (see :mod:`nsr.learning.prolog_export`); this evaluator only has to agree with it on the
fragment the search emits (variables, atoms, integers, list literals and primitive calls).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from nsr.errors import ConfigError
from nsr.semantics import ast
from nsr.semantics.search_primitives import LIBRARIES, Value

_PRIMS: dict[str, Callable[..., Value]] = {
    p.name: p.fn for lib in LIBRARIES.values() for p in lib.primitives
}

Closure = Callable[[tuple[Value, ...]], Value]


class EvalError(ValueError):
    """A program failed on its arguments (e.g. ``car`` of the empty list)."""


def _compile(expr: ast.Expr, params: tuple[str, ...]) -> Closure:
    if isinstance(expr, ast.Var):
        if expr.name not in params:
            raise ConfigError(f"unbound variable {expr.name!r}")
        i = params.index(expr.name)
        return lambda args: args[i]
    if isinstance(expr, ast.Atom):
        atom = expr.name
        return lambda args: atom
    if isinstance(expr, ast.Int):
        n = expr.value
        return lambda args: n
    if isinstance(expr, ast.ListLit):
        items = [_compile(e, params) for e in expr.items]
        return lambda args: tuple(f(args) for f in items)
    if isinstance(expr, ast.Call) and expr.name in _PRIMS:
        fn = _PRIMS[expr.name]
        subs = [_compile(e, params) for e in expr.args]
        if len(subs) == 0:
            return lambda args: fn()
        if len(subs) == 1:
            (a,) = subs
            return lambda args: fn(a(args))
        if len(subs) == 2:
            a, b = subs
            return lambda args: fn(a(args), b(args))
        return lambda args: fn(*(s(args) for s in subs))
    raise ConfigError(f"the fast evaluator does not support {type(expr).__name__} nodes")


@lru_cache(maxsize=4096)
def compile_program(program: ast.Program) -> Closure:
    """A closure ``args -> value`` that raises :class:`EvalError` when the program fails."""
    inner = _compile(program.body, program.params)
    arity = program.arity

    def run(args: tuple[Value, ...]) -> Value:
        if len(args) != arity:
            raise EvalError(f"program of arity {arity} got {len(args)} arguments")
        try:
            return inner(args)
        except (IndexError, ValueError, TypeError) as exc:
            raise EvalError(str(exc)) from exc

    return run
