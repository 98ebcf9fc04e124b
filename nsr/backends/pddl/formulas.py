"""PDDL conditions as data: lifted formulas, their text and their truth in a state.

Terms are variables (``"?x"``) or object/constant names; a ground atom in a state is a tuple
``(predicate, arg, ...)``. ``holds`` here is the slow, context-free path for quantifier-free
formulas over plain predicates; quantifiers and derived predicates need the objects and rules of a
problem and are evaluated by :class:`nsr.backends.pddl.world.World`. The validator's fast path
works on compiled getters instead.
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


@dataclass(frozen=True, slots=True)
class Quantified:
    """``(exists (?x - t ...) body)`` or ``(forall ...)``; ``kind`` is ``exists`` or ``forall``."""

    kind: str
    variables: tuple[tuple[str, frozenset[str]], ...]
    body: Formula


Formula = Atom | Not | And | Or | Imply | Equals | Quantified

_new = object.__new__
_set_predicate = Atom.predicate.__set__  # type: ignore[attr-defined]
_set_terms = Atom.terms.__set__  # type: ignore[attr-defined]
_set_arg = Not.arg.__set__  # type: ignore[attr-defined]


def make_atom(predicate: str, terms: tuple[str, ...]) -> Atom:
    """``Atom(predicate, terms)`` made by its slots' setters: a frozen dataclass's
    constructor sets each field through ``object.__setattr__`` (~3x slower), and the readers
    make an atom per literal of every action and goal they read. ``terms`` must be a tuple."""
    atom = _new(Atom)
    _set_predicate(atom, predicate)
    _set_terms(atom, terms)
    return atom


def make_not(arg: Formula) -> Not:
    """``Not(arg)`` made as :func:`make_atom` makes atoms."""
    negated = _new(Not)
    _set_arg(negated, arg)
    return negated
GroundAtom = tuple[str, ...]
Variables = tuple[tuple[str, frozenset[str]], ...]


def render_variables(variables: Variables) -> str:
    """``?x - t ?y - (either a b)``: a typed variable list as PDDL text."""
    parts = []
    for var, tys in variables:
        ty = next(iter(tys)) if len(tys) == 1 else "(either " + " ".join(sorted(tys)) + ")"
        parts.append(f"{var} - {ty}")
    return " ".join(parts)


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
    if isinstance(formula, Quantified):
        inner = {k: v for k, v in b.items() if k not in dict(formula.variables)}
        return (
            f"({formula.kind} ({render_variables(formula.variables)}) "
            f"{render(formula.body, inner)})"
        )
    word = "and" if isinstance(formula, And) else "or"
    return "(" + " ".join((word, *(render(a, b) for a in formula.args))) + ")"


def holds(
    formula: Formula,
    state: set[GroundAtom] | frozenset[GroundAtom],
    binding: Mapping[str, str] | None = None,
) -> bool:
    """Truth of quantifier-free ``formula`` in ``state`` (closed world) under ``binding``.

    Quantifiers raise ``TypeError``: they need a problem's objects (use ``World.holds``).
    """
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
    if isinstance(formula, Imply):
        return (not holds(formula.antecedent, state, b)) or holds(formula.consequent, state, b)
    raise TypeError(f"{render(formula)} needs a problem's objects: evaluate it with World.holds")


def conjuncts(formula: Formula) -> tuple[Formula, ...]:
    """The top-level conjuncts of ``formula`` (nested ``and`` flattened)."""
    if isinstance(formula, And):
        out: list[Formula] = []
        for arg in formula.args:
            out.extend(conjuncts(arg))
        return tuple(out)
    return (formula,)


_FREE: dict[int, tuple[Formula, frozenset[str]]] = {}
_FREE_SIZE = 200_000


def free_variables(formula: Formula) -> frozenset[str]:
    """Variables (``?x``) that occur free in ``formula``; memoised per formula object."""
    hit = _FREE.get(id(formula))
    if hit is not None and hit[0] is formula:
        return hit[1]
    if isinstance(formula, Atom):
        out = frozenset(t for t in formula.terms if t[0] == "?")
    elif isinstance(formula, Equals):
        out = frozenset(t for t in (formula.left, formula.right) if t[0] == "?")
    elif isinstance(formula, Not):
        out = free_variables(formula.arg)
    elif isinstance(formula, (And, Or)):
        out = frozenset().union(*(free_variables(a) for a in formula.args))
    elif isinstance(formula, Imply):
        out = free_variables(formula.antecedent) | free_variables(formula.consequent)
    else:
        out = free_variables(formula.body) - {v for v, _ in formula.variables}
    if len(_FREE) >= _FREE_SIZE:  # bounded: a long-lived worker reads many domains
        _FREE.clear()
    _FREE[id(formula)] = (formula, out)
    return out


def negated_conjuncts(formula: Formula) -> tuple[Formula, ...]:
    """Conjuncts equivalent to ``(not formula)``, pushing the negation through or/imply/not.

    Used for ``forall x. B`` == ``not exists x. not B``: the conjunction lets the solver bind
    ``x`` from a positive atom instead of trying every object.
    """
    if isinstance(formula, Imply):
        return (*conjuncts(formula.antecedent), *negated_conjuncts(formula.consequent))
    if isinstance(formula, Or):
        out: list[Formula] = []
        for arg in formula.args:
            out.extend(negated_conjuncts(arg))
        return tuple(out)
    if isinstance(formula, Not):
        return conjuncts(formula.arg)
    if isinstance(formula, Quantified) and formula.kind == "forall":
        return (_exists_not(formula),)
    return (Not(formula),)


_EXISTS_NOT: dict[int, tuple[Formula, Quantified]] = {}


def _exists_not(formula: Quantified) -> Quantified:
    """``exists x. not B`` for ``forall x. B`` (the same object each time: conditions are
    compiled and memoised per object).

    Why: a negated ``forall`` left as a test has a free variable that only trying every
    object can bind (``forall ?t (or (forall ?s2 (not (trans ?pt ?t ?s ?s2))) ...)`` tried
    every transition); as an ``exists`` the search opens it and binds the variables from the
    atoms of ``not B`` (``trans`` on its known arguments)."""
    hit = _EXISTS_NOT.get(id(formula))
    if hit is not None and hit[0] is formula:
        return hit[1]
    parts = negated_conjuncts(formula.body)
    out = Quantified("exists", formula.variables, parts[0] if len(parts) == 1 else And(parts))
    if len(_EXISTS_NOT) >= _FREE_SIZE:  # bounded, as free_variables' memo
        _EXISTS_NOT.clear()
    _EXISTS_NOT[id(formula)] = (formula, out)
    return out
