"""Evaluate programs directly in Python, fast: each AST is compiled once into closures.

The learner calls this millions of times during program search, so a program is checked and
turned into nested Python closures once (cached per AST node, which is hashable), and each call
then only runs those closures. Variables live in flat frames (Python lists) addressed by slot;
a rec function's frame links to the frame it was defined in (lexical scoping).

Termination: every rec-function call and symbol call costs one step of ``max_steps``; running out
raises :class:`BudgetExceeded`, as does too deep a recursion or too long a list.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from nsr.semantics import ast
from nsr.semantics.check import check_program
from nsr.semantics.errors import BudgetExceeded, EvaluationError, ProgramError
from nsr.semantics.primitives import PRIMITIVES

DEFAULT_MAX_STEPS = 100_000
# Pure-Python calls do not grow the C stack on CPython >= 3.11, so a deep recursion limit is safe;
# recursive programs (HINT's + by inc/dec) need one call level per unit of the number. The limit
# is raised for the duration of one evaluation and restored afterwards.
_RECURSION_LIMIT = 200_000

_Frame = list
_Fn = Callable[[_Frame, "_Ctx"], object]
_VALUE_TYPES = (int, str, tuple)


def as_value(x: object) -> ast.Value:
    """A Python object as a DSL value: lists become tuples (at any depth); bools are rejected."""
    if type(x) is int or type(x) is str:
        return x
    return map_nested(x, _scalar_value)


def _scalar_value(x: object) -> ast.Value:
    if type(x) is int or type(x) is str:
        return x  # type: ignore[return-value]
    raise EvaluationError(f"not a DSL value (int, atom str, list/tuple): {x!r}")


def map_nested(x: object, leaf: Callable[[object], ast.Value]) -> ast.Value:
    """``x`` with every list or tuple, at any depth, made a tuple and every other item mapped
    by ``leaf``. A loop with an explicit stack, so values nested thousands deep convert
    without hitting Python's recursion limit."""
    if not isinstance(x, list | tuple):
        return leaf(x)
    # Each entry: the sequence being converted, the next index into it, the items done so far.
    stack: list[tuple[list | tuple, int, list]] = [(x, 0, [])]
    while True:
        seq, i, done = stack[-1]
        if i == len(seq):
            stack.pop()
            value = tuple(done)
            if not stack:
                return value
            stack[-1][2].append(value)
            continue
        stack[-1] = (seq, i + 1, done)
        item = seq[i]
        if isinstance(item, list | tuple):
            stack.append((item, 0, []))
        else:
            done.append(leaf(item))


class _Ctx:
    """Per-evaluation state: the step budget and the symbol table."""

    __slots__ = ("steps", "symbols", "compiled")

    def __init__(self, steps: int, symbols: Mapping[str, ast.Program]):
        self.steps = steps
        self.symbols = symbols
        self.compiled: dict[str, CompiledProgram] = {}

    def symbol(self, name: str, nargs: int) -> CompiledProgram:
        prog = self.compiled.get(name)
        if prog is None:
            source = self.symbols.get(name)
            if source is None:
                raise ProgramError(f"call of unknown symbol @{name!r}")
            prog = compile_program(source)
            self.compiled[name] = prog
        if prog.arity != nargs:
            raise ProgramError(f"symbol @{name!r} takes {prog.arity} argument(s), got {nargs}")
        return prog


def _out_of_steps() -> BudgetExceeded:
    return BudgetExceeded("evaluation step budget exhausted (non-terminating recursion?)")


@dataclass(frozen=True, eq=False)
class CompiledProgram:
    """A checked program as Python closures; call it like :func:`evaluate`."""

    program: ast.Program
    _body: _Fn = field(repr=False)
    _size: int = field(repr=False)

    @property
    def arity(self) -> int:
        return self.program.arity

    def run(self, args: Sequence[object], ctx: _Ctx) -> object:
        frame: _Frame = [None, *args]
        if self._size:
            frame.extend([None] * self._size)
        return self._body(frame, ctx)

    def __call__(
        self,
        args: Sequence[object],
        symbols: Mapping[str, ast.Program] | None = None,
        *,
        max_steps: int = DEFAULT_MAX_STEPS,
    ) -> ast.Value:
        return self._invoke(args, _Ctx(max_steps, symbols if symbols is not None else {}))

    def counted(
        self,
        args: Sequence[object],
        symbols: Mapping[str, ast.Program] | None = None,
        *,
        max_steps: int = DEFAULT_MAX_STEPS,
    ) -> tuple[ast.Value | None, int]:
        """The value (None when evaluation fails) and the steps it took: what program search
        charges to its budget for calling a learned program."""
        ctx = _Ctx(max_steps, symbols if symbols is not None else {})
        try:
            value: ast.Value | None = self._invoke(args, ctx)
        except (EvaluationError, ProgramError):
            value = None
        return value, max_steps - max(ctx.steps, 0)

    def _invoke(self, args: Sequence[object], ctx: _Ctx) -> ast.Value:
        if len(args) != self.arity:
            raise EvaluationError(
                f"program takes {self.arity} argument(s), got {len(args)}: {list(args)!r}"
            )
        for a in args:
            if type(a) not in _VALUE_TYPES:
                args = [as_value(x) for x in args]
                break
        limit = sys.getrecursionlimit()
        if limit < _RECURSION_LIMIT:
            sys.setrecursionlimit(_RECURSION_LIMIT)
        try:
            return self.run(args, ctx)  # type: ignore[return-value]
        except RecursionError:
            raise BudgetExceeded("evaluation recursion too deep") from None
        finally:
            if limit < _RECURSION_LIMIT:
                sys.setrecursionlimit(limit)


def evaluate(
    program: ast.Program,
    args: Sequence[object],
    symbols: Mapping[str, ast.Program] | None = None,
    *,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> ast.Value:
    """The value of ``program`` applied to ``args`` (``symbols`` resolves ``@symbol`` calls).

    Raises :class:`ProgramError` for ill-formed programs (also a bad ``@symbol`` call when
    reached), :class:`EvaluationError` when a primitive is undefined on its input (``car([])``)
    and :class:`BudgetExceeded` after ``max_steps`` rec/symbol calls.
    """
    return compile_program(program)(args, symbols, max_steps=max_steps)


@lru_cache(maxsize=8192)
def compile_program(program: ast.Program) -> CompiledProgram:
    """Check ``program`` and compile it to closures (cached on the AST)."""
    check_program(program)
    top = _Scope(None, 0, {p: i for i, p in enumerate(program.params, 1)}, {}, [program.arity])
    body = _compile(program.body, top)
    return CompiledProgram(program, body, top.alloc[0] - program.arity)


@dataclass(frozen=True)
class _Func:
    level: int  # function level whose frame becomes the parent frame
    nparams: int
    code: list  # [body closure, frame size], filled after compiling the body


@dataclass(frozen=True)
class _Scope:
    """Compile-time scope: slot of each visible variable, visible functions, frame allocator."""

    parent: _Scope | None
    level: int
    vars: dict[str, int]
    funcs: dict[str, _Func]
    alloc: list  # [next free slot - 1] of this function level, shared by its nested scopes
    outer: _Scope | None = None  # the scope at the enclosing function level

    def lookup(self, name: str) -> tuple[int, int]:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return self.level - scope.level, scope.vars[name]
            scope = scope.outer
        raise ProgramError(f"unbound variable {name!r}")

    def bind(self, name: str) -> tuple[_Scope, int]:
        self.alloc[0] += 1
        slot = self.alloc[0]
        return _Scope(
            self, self.level, {**self.vars, name: slot}, self.funcs, self.alloc, self.outer
        ), slot


def _frame_up(hops: int) -> Callable[[_Frame], _Frame]:
    def up(f: _Frame) -> _Frame:
        for _ in range(hops):
            f = f[0]
        return f

    return up


def _compile(e: ast.Expr, s: _Scope) -> _Fn:  # noqa: C901 - one case per node type
    match e:
        case ast.Var(name):
            hops, i = s.lookup(name)
            if hops == 0:
                return lambda f, c: f[i]
            if hops == 1:
                return lambda f, c: f[0][i]
            up = _frame_up(hops)
            return lambda f, c: up(f)[i]
        case ast.Int(value):
            return lambda f, c: value
        case ast.Atom(name):
            return lambda f, c: name
        case ast.Bool(value):
            return lambda f, c: value
        case ast.ListLit(items):
            parts = tuple(_compile(i, s) for i in items)
            if all(isinstance(i, ast.Int | ast.Atom) for i in items):
                const = tuple(i.value if isinstance(i, ast.Int) else i.name for i in items)
                return lambda f, c: const
            return lambda f, c: tuple([p(f, c) for p in parts])
        case ast.Let(name, value, body):
            v = _compile(value, s)
            inner, slot = s.bind(name)
            b = _compile(body, inner)

            def let(f: _Frame, c: _Ctx) -> object:
                f[slot] = v(f, c)
                return b(f, c)

            return let
        case ast.LetRec(name, params, fbody, body):
            func = _Func(s.level, len(params), [None, 0])
            with_func = _Scope(s.parent, s.level, s.vars, {**s.funcs, name: func}, s.alloc, s.outer)
            fscope = _Scope(
                None,
                s.level + 1,
                {p: i for i, p in enumerate(params, 1)},
                with_func.funcs,
                [len(params)],
                with_func,
            )
            func.code[0] = _compile(fbody, fscope)
            func.code[1] = fscope.alloc[0] - len(params)
            return _compile(body, with_func)
        case ast.If(cond, then, orelse):
            test, a, b = _compile(cond, s), _compile(then, s), _compile(orelse, s)
            return lambda f, c: a(f, c) if test(f, c) else b(f, c)
        case ast.Call(name, args):
            parts = tuple(_compile(a, s) for a in args)
            if name in s.funcs:
                return _rec_call(s.funcs[name], s.level, parts)
            return _prim_call(name, parts)
        case ast.SymbolCall(symbol, args):
            parts = tuple(_compile(a, s) for a in args)
            n = len(parts)

            def symcall(f: _Frame, c: _Ctx) -> object:
                c.steps -= 1
                if c.steps < 0:
                    raise _out_of_steps()
                return c.symbol(symbol, n).run([p(f, c) for p in parts], c)

            return symcall
    raise ProgramError(f"not an expression node: {e!r}")


def _rec_call(func: _Func, level: int, parts: tuple[_Fn, ...]) -> _Fn:
    up = _frame_up(level - func.level)
    code = func.code

    def call(f: _Frame, c: _Ctx) -> object:
        c.steps -= 1
        if c.steps < 0:
            raise _out_of_steps()
        frame = [up(f)]
        frame.extend([p(f, c) for p in parts])
        if code[1]:
            frame.extend([None] * code[1])
        return code[0](frame, c)

    return call


def _prim_call(name: str, parts: tuple[_Fn, ...]) -> _Fn:
    impl = PRIMITIVES[name].python
    if len(parts) == 0:
        const = impl()
        return lambda f, c: const
    if len(parts) == 1:
        (a,) = parts
        return lambda f, c: impl(a(f, c))
    if len(parts) == 2:
        a, b = parts
        return lambda f, c: impl(a(f, c), b(f, c))
    return lambda f, c: impl(*[p(f, c) for p in parts])
