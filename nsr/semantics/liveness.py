"""Which arguments a program ignores, and which parts of a tree can never reach its root.

A program such as ``lambda x, y: x`` drops its second argument: whatever subtree sits there is
dead code, its value cannot change the output. A tree that hides operators in such a slot can still
be right, but only because the hidden part is never run; HINT's ``(`` (learned as ``lambda x, y:
x``) invites exactly that, e.g. ``( 7 + 0 )`` read as ``7`` with ``+ 0 )`` stowed away under
``(``, and a parser that picked such readings up from lucky training examples answers long
inputs wrongly. A model can treat trees with dead *composite* subtrees as implausible answers
(see :func:`nsr.model.execute.hides_computation`); a dead leaf, such as the ``)`` a bracket
keeps, is fine.
"""

from __future__ import annotations

from functools import lru_cache

from nsr.semantics import ast


def free_variables(expr: ast.Expr) -> frozenset[str]:
    """Names ``expr`` reads that it does not bind itself (function names are not variables).

    A loop with an explicit stack, not recursion (expressions of any depth); the names in
    scope are counted up and down by markers on the same stack, so deep nests of ``let`` stay
    linear.
    """
    free: set[str] = set()
    bound: dict[str, int] = {}
    stack: list[ast.Expr | tuple[int, tuple[str, ...]]] = [expr]
    while stack:
        e = stack.pop()
        match e:
            case (step, names):  # +1 / -1: names come into / go out of scope
                for name in names:
                    bound[name] = bound.get(name, 0) + step
            case ast.Var(name):
                if not bound.get(name):
                    free.add(name)
            case ast.Int() | ast.Atom() | ast.Bool():
                pass
            case ast.ListLit(items):
                stack.extend(items)
            case ast.Let(name, value, body):  # value, then body with name bound
                stack.extend(((-1, (name,)), body, (1, (name,)), value))
            case ast.LetRec(_, params, fbody, body):  # fbody with params bound; body without
                stack.extend((body, (-1, tuple(params)), fbody, (1, tuple(params))))
            case ast.If(cond, then, orelse):
                stack.extend((cond, then, orelse))
            case ast.Call(_, args) | ast.SymbolCall(_, args):
                stack.extend(args)
            case _:
                raise TypeError(f"not a DSL expression: {e!r}")
    return frozenset(free)


@lru_cache(maxsize=4096)
def unused_parameters(program: ast.Program) -> frozenset[int]:
    """Positions of the parameters ``program`` never reads (its children there are dead)."""
    used = free_variables(program.body)
    return frozenset(i for i, p in enumerate(program.params) if p not in used)
