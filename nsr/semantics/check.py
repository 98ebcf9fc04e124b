"""Static checks shared by the evaluator and the Prolog compiler.

A program is well-formed when every variable is bound, every call names a local rec function or
a primitive with the right number of arguments, every ``@symbol`` call names a known symbol with
its arity (when arities are given), conditions are boolean and values are not. Literal type
clashes (``inc('a')``, ``car(3)``) are caught too; the rest is dynamic (parameters are untyped).
"""

from __future__ import annotations

from collections.abc import Mapping

from nsr.semantics import ast
from nsr.semantics.errors import ProgramError
from nsr.semantics.primitives import PRIMITIVES, Type
from nsr.semantics.printer import to_text


def check_program(
    program: ast.Program,
    symbol_arities: Mapping[str, int] | None = None,
    *,
    name: str | None = None,
) -> Type:
    """Raise :class:`ProgramError` if ``program`` is ill-formed; return its result type.

    ``symbol_arities`` (symbol -> number of children) enables checks of ``@symbol`` calls;
    ``name`` (the symbol whose program this is) prefixes error messages.
    """
    if not isinstance(program, ast.Program):
        raise ProgramError(f"expected a Program (lambda), got {type(program).__name__}")
    try:
        env = {p: Type.ANY for p in program.params}
        result = _Checker(symbol_arities).value(program.body, env, {})
    except ProgramError as exc:
        if name is None:
            raise
        raise ProgramError(f"program of symbol {name!r}: {exc}") from None
    return result


class _Checker:
    def __init__(self, symbol_arities: Mapping[str, int] | None):
        self.symbols = symbol_arities

    def value(self, e: ast.Expr, env: dict[str, Type], funcs: dict[str, int]) -> Type:
        t = self.expr(e, env, funcs)
        if t is Type.BOOL:
            raise ProgramError(f"a condition is used where a value is needed: {to_text(e)}")
        return t

    def cond(self, e: ast.Expr, env: dict[str, Type], funcs: dict[str, int]) -> None:
        if self.expr(e, env, funcs) is not Type.BOOL:
            raise ProgramError(
                f"a condition must be a predicate call, not/and/or, true or false: {to_text(e)}"
            )

    def expr(self, e: ast.Expr, env: dict[str, Type], funcs: dict[str, int]) -> Type:
        match e:
            case ast.Var(name):
                if name not in env:
                    hint = " (a function: call it)" if name in funcs else ""
                    raise ProgramError(f"unbound variable {name!r}{hint}")
                return env[name]
            case ast.Int():
                return Type.INT
            case ast.Atom():
                return Type.ATOM
            case ast.Bool():
                return Type.BOOL
            case ast.ListLit(items):
                for item in items:
                    self.value(item, env, funcs)
                return Type.LIST
            case ast.Let(name, value, body):
                t = self.value(value, env, funcs)
                return self.expr(body, {**env, name: t}, funcs)
            case ast.LetRec(name, params, fbody, body):
                inner = {**funcs, name: len(params)}
                self.value(fbody, {**env, **{p: Type.ANY for p in params}}, inner)
                return self.expr(body, env, inner)
            case ast.If(cond, then, orelse):
                self.cond(cond, env, funcs)
                a, b = self.value(then, env, funcs), self.value(orelse, env, funcs)
                return a if a is b else Type.ANY
            case ast.Call(name, args):
                return self.call(name, args, env, funcs)
            case ast.SymbolCall(symbol, args):
                if self.symbols is not None:
                    if symbol not in self.symbols:
                        raise ProgramError(f"call of unknown symbol @{symbol!r}")
                    if self.symbols[symbol] != len(args):
                        raise ProgramError(
                            f"symbol @{symbol!r} takes {self.symbols[symbol]} argument(s), "
                            f"got {len(args)}"
                        )
                for a in args:
                    self.value(a, env, funcs)
                return Type.ANY
        raise ProgramError(f"not an expression node: {e!r}")

    def call(
        self, name: str, args: tuple[ast.Expr, ...], env: dict[str, Type], funcs: dict[str, int]
    ) -> Type:
        if name in funcs:
            if funcs[name] != len(args):
                raise ProgramError(
                    f"function {name!r} takes {funcs[name]} argument(s), got {len(args)}"
                )
            for a in args:
                self.value(a, env, funcs)
            return Type.ANY
        prim = PRIMITIVES.get(name)
        if prim is None:
            raise ProgramError(
                f"unknown primitive or function {name!r}; primitives: "
                f"{', '.join(sorted(PRIMITIVES))}"
            )
        if prim.arity != len(args):
            raise ProgramError(
                f"primitive {name!r} takes {prim.arity} argument(s), got {len(args)}"
            )
        for i, (a, want) in enumerate(zip(args, prim.arg_types, strict=True), 1):
            if want is Type.BOOL:
                self.cond(a, env, funcs)
                continue
            got = self.value(a, env, funcs)
            if not want.accepts(got):
                raise ProgramError(
                    f"argument {i} of {name} must be {want.value}, got {got.value}: {to_text(a)}"
                )
        return prim.result


def symbol_calls(node: ast.Node) -> frozenset[str]:
    """Every symbol called (``@s(...)``) anywhere in ``node``."""
    found: set[str] = set()
    stack: list[object] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.SymbolCall):
            found.add(n.symbol)
        if isinstance(n, tuple):
            stack.extend(n)
        elif hasattr(n, "__dataclass_fields__"):
            stack.extend(getattr(n, f) for f in n.__dataclass_fields__)
    return frozenset(found)
