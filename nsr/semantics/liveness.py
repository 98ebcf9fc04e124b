"""Which arguments a program ignores, and which parts of a tree can never reach its root.

A program such as ``lambda x, y: x`` drops its second argument: whatever subtree sits there is
dead code, its value cannot change the output. A tree that hides operators in such a slot can still
be right, but only because the hidden part is never run; HINT's ``(`` (learned as ``lambda x, y:
x``) invites exactly that, e.g. ``( 7 + 0 )`` read as ``7`` with ``+ 0 )`` stowed away under
``(``, and a parser that picked such readings up from lucky training examples answers long
inputs wrongly. A model can treat trees with dead *composite* subtrees as implausible answers
(see :func:`nsr.learning.model.hides_computation`); a dead leaf, such as the ``)`` a bracket
keeps, is fine.
"""

from __future__ import annotations

from functools import lru_cache

from nsr.semantics import ast


def free_variables(expr: ast.Expr) -> frozenset[str]:
    """Names ``expr`` reads that it does not bind itself (function names are not variables)."""
    match expr:
        case ast.Var(name):
            return frozenset((name,))
        case ast.Int() | ast.Atom() | ast.Bool():
            return frozenset()
        case ast.ListLit(items):
            return frozenset().union(*(free_variables(i) for i in items))
        case ast.Let(name, value, body):
            return free_variables(value) | (free_variables(body) - {name})
        case ast.LetRec(_, params, fbody, body):
            return (free_variables(fbody) - set(params)) | free_variables(body)
        case ast.If(cond, then, orelse):
            return free_variables(cond) | free_variables(then) | free_variables(orelse)
        case ast.Call(_, args) | ast.SymbolCall(_, args):
            return frozenset().union(*(free_variables(a) for a in args))
    raise TypeError(f"not a DSL expression: {expr!r}")


@lru_cache(maxsize=4096)
def unused_parameters(program: ast.Program) -> frozenset[int]:
    """Positions of the parameters ``program`` never reads (its children there are dead)."""
    used = free_variables(program.body)
    return frozenset(i for i, p in enumerate(program.params) if p not in used)
