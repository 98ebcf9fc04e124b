"""PDDL conditions as data: lifted formulas, their text and their truth in a state.

Terms are variables (``"?x"``) or object/constant names; a ground atom in a state is a tuple
``(predicate, arg, ...)``. These are the slow, general operations (used for diagnostics, goals and
disjunctive preconditions); the validator's fast path works on compiled getters instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Atom:
    predicate: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Not:
    arg: Formula


@dataclass(frozen=True, slots=True)
class And:
    args: tuple[Formula, ...]


@dataclass(frozen=True, slots=True)
class Or:
    args: tuple[Formula, ...]


@dataclass(frozen=True, slots=True)
class Imply:
    antecedent: Formula
    consequent: Formula


@dataclass(frozen=True, slots=True)
class Equals:
    left: str
    right: str


Formula = Atom | Not | And | Or | Imply | Equals
GroundAtom = tuple[str, ...]


def _ground(term: str, binding: Mapping[str, str]) -> str:
    return binding.get(term, term)


def render(formula: Formula, binding: Mapping[str, str] | None = None) -> str:
    """PDDL text of ``formula`` with variables replaced through ``binding``."""
    b = binding or {}
    if isinstance(formula, Atom):
        return "(" + " ".join((formula.predicate, *(_ground(t, b) for t in formula.terms))) + ")"
    if isinstance(formula, Equals):
        return f"(= {_ground(formula.left, b)} {_ground(formula.right, b)})"
    if isinstance(formula, Not):
        return f"(not {render(formula.arg, b)})"
    if isinstance(formula, Imply):
        return f"(imply {render(formula.antecedent, b)} {render(formula.consequent, b)})"
    word = "and" if isinstance(formula, And) else "or"
    return "(" + " ".join((word, *(render(a, b) for a in formula.args))) + ")"


def holds(
    formula: Formula,
    state: set[GroundAtom] | frozenset[GroundAtom],
    binding: Mapping[str, str] | None = None,
) -> bool:
    """Truth of ``formula`` in ``state`` (closed world) under ``binding``; the slow, general path."""
    b = binding or {}
    if isinstance(formula, Atom):
        return (formula.predicate, *(_ground(t, b) for t in formula.terms)) in state
    if isinstance(formula, Equals):
        return _ground(formula.left, b) == _ground(formula.right, b)
    if isinstance(formula, Not):
        return not holds(formula.arg, state, b)
    if isinstance(formula, And):
        return all(holds(a, state, b) for a in formula.args)
    if isinstance(formula, Or):
        return any(holds(a, state, b) for a in formula.args)
    return (not holds(formula.antecedent, state, b)) or holds(formula.consequent, state, b)


def conjuncts(formula: Formula) -> tuple[Formula, ...]:
    """The top-level conjuncts of ``formula`` (nested ``and`` flattened)."""
    if isinstance(formula, And):
        out: list[Formula] = []
        for arg in formula.args:
            out.extend(conjuncts(arg))
        return tuple(out)
    return (formula,)
