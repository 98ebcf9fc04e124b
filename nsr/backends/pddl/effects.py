"""Action effects as data: plain adds and deletes, conditional (``when``) and universal
(``forall``) effects, and ``total-cost`` increases.

Kept apart from preconditions (:mod:`~nsr.backends.pddl.formulas`) because effects are not
formulas: they are collected in the state before a step (every ``when`` condition is read there)
and applied together, deletes first and adds last, so an atom both deleted and added stays true
(the semantics of PDDL, Fast Downward and VAL).
"""

from __future__ import annotations

from dataclasses import dataclass

from nsr.backends.pddl.formulas import Atom, Formula, Variables


@dataclass(frozen=True, slots=True)
class FunctionTerm:
    """A numeric function applied to terms, e.g. ``(road-length ?from ?to)``."""

    name: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Arith:
    """``(+ a b)``, ``(- a b)``, ``(* a b)``, ``(/ a b)`` or unary minus over numeric terms."""

    op: str
    args: tuple[NumExpr, ...]


NumExpr = float | FunctionTerm | Arith


@dataclass(frozen=True, slots=True)
class When:
    condition: Formula
    effect: Effect


@dataclass(frozen=True, slots=True)
class ForallEffect:
    variables: Variables
    effect: Effect


@dataclass(frozen=True, slots=True)
class Effect:
    """One action's (or one nested) effect. ``costs`` are the ``(increase (total-cost) X)``."""

    adds: tuple[Atom, ...] = ()
    dels: tuple[Atom, ...] = ()
    whens: tuple[When, ...] = ()
    foralls: tuple[ForallEffect, ...] = ()
    costs: tuple[NumExpr, ...] = ()

    @property
    def simple(self) -> bool:
        """True when there is nothing conditional or universal (the fast path applies)."""
        return not self.whens and not self.foralls


def render_num(expr: NumExpr) -> str:
    """PDDL text of a numeric expression."""
    if isinstance(expr, float):
        return f"{expr:g}"
    if isinstance(expr, FunctionTerm):
        return "(" + " ".join((expr.name, *expr.terms)) + ")"
    return "(" + " ".join((expr.op, *(render_num(a) for a in expr.args))) + ")"
