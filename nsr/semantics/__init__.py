"""Symbol semantics: one program per symbol, in the DSL of ``grammars/gss.lark``.

Text -> :func:`parse_program` -> AST (:mod:`nsr.semantics.ast`, frozen and hashable) -> either
:func:`evaluate` (fast Python closures, for program search) or :func:`compile_symbols` (Prolog
clauses run by :class:`PrologPrograms`, forwards, on whole trees, and backwards).

For a learner::

    from nsr.semantics import PRIMITIVES, Type, by_result, evaluate, parse_program, to_text
    plus = parse_program("lambda a, b: let rec add(x, y) = "
                         "if is_zero(y) then x else inc(add(x, dec(y))) in add(a, b)")
    evaluate(plus, (3, 4))                       # 7; lists are tuples, atoms are str
    evaluate(parse_program("lambda a: @'+'(a, a)"), (5,), {"+": plus})   # 10
    by_result(Type.LIST, ["lists"])              # typed primitives to enumerate
    with PrologPrograms({"+": plus}) as pl:      # SWI-Prolog, loaded on first use
        pl.run_backwards("+", 3)                 # [(3, 0), (2, 1), (1, 2), (0, 3)]

Errors: :class:`ProgramSyntaxError` (text), :class:`ProgramError` (ill-formed program: unknown
primitive or symbol, arity, unbound variable, condition/value mix-up), :class:`EvaluationError`
(no value on these inputs) and its subclass :class:`BudgetExceeded` (step, depth, size or time).

Nothing here imports pyswip at import time: the Prolog runtime loads the engine on first use.
"""

from __future__ import annotations

from nsr.semantics.ast import (
    Atom,
    Bool,
    Call,
    Expr,
    If,
    Int,
    Let,
    LetRec,
    ListLit,
    Node,
    Program,
    SymbolCall,
    Value,
    Var,
)
from nsr.semantics.check import check_program, symbol_calls
from nsr.semantics.errors import (
    BudgetExceeded,
    EvaluationError,
    ProgramError,
    ProgramSyntaxError,
)
from nsr.semantics.evaluate import CompiledProgram, as_value, compile_program, evaluate
from nsr.semantics.parser import parse_program
from nsr.semantics.primitives import PRIMITIVES, Primitive, Type, by_result, primitive, primitives
from nsr.semantics.printer import to_text

__all__ = [
    "PRIMITIVES",
    "Atom",
    "Bool",
    "BudgetExceeded",
    "Call",
    "CompiledProgram",
    "EvaluationError",
    "Expr",
    "If",
    "Int",
    "Let",
    "LetRec",
    "ListLit",
    "Node",
    "Primitive",
    "Program",
    "ProgramError",
    "ProgramSyntaxError",
    "PrologPrograms",
    "SymbolCall",
    "Tree",
    "Type",
    "Value",
    "Var",
    "as_value",
    "by_result",
    "check_program",
    "compile_program",
    "compile_symbols",
    "evaluate",
    "library_paths",
    "parse_program",
    "primitive",
    "primitives",
    "symbol_calls",
    "to_text",
]

_LAZY = {
    "compile_symbols": "nsr.semantics.compiler",
    "library_paths": "nsr.semantics.compiler",
    "PrologPrograms": "nsr.semantics.runtime",
    "Tree": "nsr.semantics.runtime",
}


def __getattr__(name: str) -> object:
    """Import the Prolog-facing parts only when asked for (they pull in the engine later)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nsr.semantics' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
