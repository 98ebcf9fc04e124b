"""A STRIPS action read straight from its lists into what a validation step runs.

Why: most actions of most domains are conjunctions of literals (with equalities) in, plain adds
and deletes (and a ``total-cost`` increase) out, and a plan reads every action it uses from the
domain's text. Building formula and effect objects first and compiling them afterwards walks
every atom twice and allocates objects a validation never looks at (they serve diagnostics and
the general path). Here the action's lists (:func:`~nsr.backends.pddl.sexpr.read_lists`) become
the getters over ``vals = step.args + symbols`` in one pass, with the quick reader's checks
(declared predicates, arities, parameters and constants in scope, no derived predicate in an
effect); the formulas are made from the same lists when something asks for them. Anything else
(``or``, quantifiers, conditional effects, a derived atom) returns None and is read as before.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from nsr.backends.pddl.effects import NumExpr
from nsr.backends.pddl.formulas import GroundAtom
from nsr.backends.pddl.quick import QuickReader, Reject

__all__ = ["DirectParts", "direct_parts"]

Getter = Callable[[tuple[str, ...]], GroundAtom]
# (symbols, pos, neg, eq, neq, dels, adds, constant cost, other costs, checks)
DirectParts = tuple[
    tuple[str, ...], tuple[Getter, ...], tuple[Getter, ...], tuple[tuple[int, int], ...],
    tuple[tuple[int, int], ...], tuple[Getter, ...], tuple[Getter, ...], float,
    tuple[NumExpr, ...], tuple[tuple[int, int], ...],
]
# kinds of a precondition's conjuncts in ``checks`` (kind, position in pos/neg/eq/neq)
POS, NEG, EQ, NEQ = range(4)
_CONNECTIVES = frozenset(("and", "or", "not", "imply", "exists", "forall", "when", "=",
                          "increase", "decrease", "assign", "scale-up", "scale-down"))


def _flat(node: Any, out: list[Any]) -> bool:
    """The conjuncts of ``node`` (nested ``and`` opened, in order) appended to ``out``."""
    if node.__class__ is not list:
        return False
    if not node:
        return True
    if node[0] != "and":
        out.append(node)
        return True
    for part in node[1:]:
        if part.__class__ is not list:
            return False
        if part and part[0] == "and":
            if not _flat(part, out):
                return False
        elif part:
            out.append(part)
    return True


def direct_parts(
    reader: QuickReader, fields: dict[str, Any], variables: tuple[str, ...],
    derived: frozenset[str],
) -> DirectParts | None:
    """The compiled parts of an action (its ``fields``: ``:precondition`` and ``:effect`` as
    lists, its parameters already read), or None when it is not plain STRIPS (see the module
    docstring). The symbols come in the order the formula compiler gives them (deletes, adds,
    then the precondition), so either way an action compiles to the same thing. ``checks``
    lists the precondition's conjuncts in their order as (kind, position) pairs (``POS``,
    ``NEG``, ``EQ``, ``NEQ`` and the position in that part): a failed step names its unmet
    preconditions from them without reading the action's formulas."""
    pre: list[Any] = []
    eff: list[Any] = []
    if not _flat(fields.get(":precondition", []), pre) or not _flat(
            fields.get(":effect", []), eff):
        return None
    index = {v: i for i, v in enumerate(variables)}  # then the symbols, as they come
    arity = len(variables)
    symbols: list[str] = []
    arities = reader.arities
    constants = reader.constants

    def slot(term: Any) -> int | None:
        """The slot of a term: a parameter, or a constant (a symbol)."""
        found = index.get(term)
        if found is None:
            if term.__class__ is not str or term[0] == "?" or term not in constants:
                return None
            found = index[term] = len(index)
            symbols.append(term)
        elif found >= len(variables) and term not in constants:
            return None  # a predicate's name seen before, but not a constant
        return found

    def getter(node: list[Any]) -> Getter | None:
        pred = node[0]
        if pred.__class__ is not str or pred in _CONNECTIVES or arities.get(pred) != \
                len(node) - 1 or pred in derived:
            return None
        if len(node) == 1:
            key = (pred,)
            return lambda _vals, _key=key: _key
        first = index.get(pred)
        if first is None:
            first = index[pred] = len(index)
            symbols.append(pred)
        slots = [first]
        for term in node[1:]:
            found = index.get(term)
            if found is None or (found >= arity and term not in constants):
                found = slot(term)  # a new constant, or the checks and None
                if found is None:
                    return None
            slots.append(found)
        return itemgetter(*slots)

    del_nodes: list[Any] = []
    add_nodes: list[Any] = []
    costs: list[Any] = []
    for node in eff:
        head = node[0]
        if head == "not":
            if len(node) != 2 or node[1].__class__ is not list or not node[1]:
                return None
            del_nodes.append(node[1])
        elif head == "increase":
            if len(node) != 3 or node[1] != ["total-cost"]:
                return None
            costs.append(node[2])
        else:
            add_nodes.append(node)
    dels: list[Getter] = []
    adds: list[Getter] = []
    for nodes, out in ((del_nodes, dels), (add_nodes, adds)):  # deletes first, as _compile
        for node in nodes:
            g = getter(node)
            if g is None:
                return None
            out.append(g)
    pos: list[Getter] = []
    neg: list[Getter] = []
    eq: list[tuple[int, int]] = []
    neq: list[tuple[int, int]] = []
    checks: list[tuple[int, int]] = []

    for node in pre:
        head = node[0]
        target, out = pos, True
        if head == "not":
            if len(node) != 2 or node[1].__class__ is not list or not node[1]:
                return None
            node, target, out = node[1], neg, False
            head = node[0]
        if head == "=":
            if len(node) != 3:
                return None
            left, right = slot(node[1]), slot(node[2])
            if left is None or right is None:
                return None
            kind, part = (EQ, eq) if out else (NEQ, neq)
            checks.append((kind, len(part)))
            part.append((left, right))
            continue
        g = getter(node)
        if g is None:
            return None
        checks.append((POS if out else NEG, len(target)))
        target.append(g)
    constant = 0.0
    varying: list[NumExpr] = []
    scope = dict.fromkeys(variables)
    for cost in costs:
        try:
            value = reader.number(cost, scope)
        except Reject:
            return None
        if value.__class__ is float:
            constant += value  # type: ignore[operator]
        else:
            varying.append(value)
    return (tuple(symbols), tuple(pos), tuple(neg), tuple(eq), tuple(neq), tuple(dels),
            tuple(adds), constant, tuple(varying), tuple(checks))
