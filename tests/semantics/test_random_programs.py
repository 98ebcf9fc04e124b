"""Random well-typed programs (not just the corpus) give the same answers in Python and Prolog.

Programs are drawn type-directed from the primitive registry, with lets, ifs, symbol calls and
terminating recursion templates (on a number via dec, on a list via cdr); this exercises
scoping and lambda lifting in the compiler far beyond hand-written cases.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nsr.semantics import (
    BudgetExceeded,
    EvaluationError,
    ProgramError,
    ast,
    check_program,
    evaluate,
    to_text,
)
from nsr.semantics.primitives import PRIMITIVES, Type

from .gss_strategies import value_for

pytestmark = pytest.mark.prolog

T = Type
VALUE_PRIMS = [p for p in PRIMITIVES.values() if not p.is_predicate]
PREDICATES = [
    p for p in PRIMITIVES.values() if p.is_predicate and p.name not in {"not", "and", "or"}
]


class _Gen:
    def __init__(self, draw, symbols: dict[str, tuple[Type, ...]]):
        self.draw = draw
        self.symbols = symbols
        self.names = 0

    def fresh(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def expr(self, want: Type, depth: int, env: dict[str, Type]) -> ast.Expr:
        d = self.draw
        fitting = [v for v, t in env.items() if want.accepts(t) or t is T.ANY]
        if depth <= 0:
            options = ["lit"] + (["var"] * 3 if fitting else [])
        else:
            options = ["lit", "prim", "prim", "let", "if", "rec"] + (["var"] * 2 if fitting else [])
            if self.symbols:
                options.append("sym")
        kind = d(st.sampled_from(options))
        if kind == "var":
            return ast.Var(d(st.sampled_from(fitting)))
        if kind == "lit":
            return self.literal(want)
        if kind == "prim":
            prims = [p for p in VALUE_PRIMS if want.accepts(p.result)]
            prim = d(st.sampled_from(prims))
            return ast.Call(prim.name, tuple(self.expr(t, depth - 1, env) for t in prim.arg_types))
        if kind == "let":
            t = d(st.sampled_from([T.INT, T.LIST, T.ATOM]))
            name = self.fresh("v")
            value = self.expr(t, depth - 1, env)
            return ast.Let(name, value, self.expr(want, depth - 1, {**env, name: t}))
        if kind == "if":
            return ast.If(
                self.cond(depth - 1, env),
                self.expr(want, depth - 1, env),
                self.expr(want, depth - 1, env),
            )
        if kind == "sym":
            name = d(st.sampled_from(sorted(self.symbols)))
            args = tuple(self.expr(t, depth - 1, env) for t in self.symbols[name])
            return ast.SymbolCall(name, args)
        return self.recursion(want, depth, env)

    def recursion(self, want: Type, depth: int, env: dict[str, Type]) -> ast.Expr:
        """``let rec f(p, q) = if BASE_TEST(p) then B else let r = f(step(p), q) in C in f(...)``."""
        d = self.draw
        on_list = d(st.booleans())
        ptype = T.LIST if on_list else T.INT
        f, p, q, r = self.fresh("f"), self.fresh("p"), self.fresh("q"), self.fresh("r")
        qtype = d(st.sampled_from([T.INT, T.LIST, T.ATOM]))
        inner = {**env, p: ptype, q: qtype}
        test = ast.Call("is_empty" if on_list else "is_zero", (ast.Var(p),))
        step = ast.Call("cdr" if on_list else "dec", (ast.Var(p),))
        base = self.expr(want, depth - 2, inner)
        combine = self.expr(want, depth - 2, {**inner, r: T.ANY})
        fbody = ast.If(test, base, ast.Let(r, ast.Call(f, (step, ast.Var(q))), combine))
        use = ast.Call(f, (self.expr(ptype, depth - 2, env), self.expr(qtype, depth - 2, env)))
        return ast.LetRec(f, (p, q), fbody, use)

    def cond(self, depth: int, env: dict[str, Type]) -> ast.Expr:
        d = self.draw
        kind = d(st.sampled_from(["pred", "pred", "pred", "not", "andor", "bool"]))
        if kind == "bool" or depth < 0:
            return ast.Bool(d(st.booleans()))
        if kind == "not":
            return ast.Call("not", (self.cond(depth - 1, env),))
        if kind == "andor":
            op = d(st.sampled_from(["and", "or"]))
            return ast.Call(op, (self.cond(depth - 1, env), self.cond(depth - 1, env)))
        prim = d(st.sampled_from(PREDICATES))
        return ast.Call(prim.name, tuple(self.expr(t, depth, env) for t in prim.arg_types))

    def literal(self, want: Type) -> ast.Expr:
        d = self.draw
        t = want if want is not T.ANY else d(st.sampled_from([T.INT, T.LIST, T.ATOM]))
        if t is T.INT:
            return ast.Int(d(st.integers(0, 5)))
        if t is T.ATOM:
            return ast.Atom(d(st.sampled_from(["a", "b", "I_WALK", "it's"])))
        items = d(st.lists(st.sampled_from(["a", "b", "it's"]), max_size=3))
        return ast.ListLit(tuple(ast.Atom(i) for i in items))


KINDS = {T.INT: "N", T.LIST: "L", T.ATOM: "A"}


@st.composite
def program_sets(draw) -> tuple[dict[str, ast.Program], dict[str, tuple[Type, ...]]]:
    symbols: dict[str, tuple[Type, ...]] = {}
    programs: dict[str, ast.Program] = {}
    for i in range(draw(st.integers(1, 3))):
        types = tuple(
            draw(st.lists(st.sampled_from([T.INT, T.LIST, T.ATOM]), min_size=1, max_size=2))
        )
        params = tuple(f"x{j}" for j in range(len(types)))
        gen = _Gen(draw, dict(symbols))
        result = draw(st.sampled_from([T.INT, T.LIST, T.ATOM]))
        body = gen.expr(result, draw(st.integers(1, 5)), dict(zip(params, types, strict=True)))
        name = ["s'0", "+", "g"][i]
        programs[name] = ast.Program(params, body)
        symbols[name] = types
    return programs, symbols


def _outcome(fn):
    try:
        return fn()
    except BudgetExceeded:
        return "budget"
    except EvaluationError:
        return "error"


COMPARED: list[int] = []


@settings(max_examples=60, deadline=None, derandomize=True)
@given(program_sets(), st.data())
def test_random_programs_agree(sets, data) -> None:
    from nsr.semantics.runtime import PrologPrograms

    programs, symbols = sets
    arities = {k: p.arity for k, p in programs.items()}
    try:
        for name, prog in programs.items():
            check_program(prog, arities, name=name)
    except ProgramError:
        assume(False)
    calls = []
    for name, types in symbols.items():
        for _ in range(4):
            args = tuple(data.draw(value_for(KINDS[t])) for t in types)
            calls.append((name, args))
    with PrologPrograms(programs, inference_limit=300_000) as prolog:
        results = prolog.run_batch(calls)
    compared = 0
    for (name, args), pl in zip(calls, results, strict=True):
        py = _outcome(lambda n=name, a=args: evaluate(programs[n], a, programs, max_steps=5_000))
        if py == "budget" or isinstance(pl, BudgetExceeded):
            continue  # the two budgets are not comparable
        shown = f"{name}{args} with {[to_text(p) for p in programs.values()]}"
        if py == "error":
            assert isinstance(pl, EvaluationError), f"{shown}: python error, prolog {pl!r}"
        else:
            assert pl == py, f"{shown}: python {py!r}, prolog {pl!r}"
        compared += 1
    COMPARED.append(compared)


def test_random_programs_compared_enough() -> None:
    assert sum(COMPARED) >= 200
