"""The quick reader of plain actions: literals only, read from nested lists at C speed.

Why: a plan reads every action it uses from the domain's text (actions are read on first use),
and most actions of competition domains are plain: typed parameters, a conjunction of literals
and equalities as precondition, adds, deletes and constant ``total-cost`` increases as effect.
For those, the general reader's per-token objects (symbols with line numbers, kept for error
messages) cost more than everything else a short plan needs. Here the action's text becomes
nested lists of strings through ``json`` (:func:`~nsr.backends.pddl.sexpr.read_lists`) and is
checked as the general reader checks it (declared predicates and types, arities, parameters,
constants, no derived predicate in an effect). Anything else (quantifiers, ``or``, ``when``,
comments, any error) returns None and the general reader reads the action, so every message
keeps its file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nsr.backends.pddl.effects import Effect, NumExpr
from nsr.backends.pddl.formulas import And, Atom, Equals, Formula, Not
from nsr.backends.pddl.sexpr import read_lists

__all__ = ["quick_action"]

Params = tuple[tuple[str, frozenset[str]], ...]
_KEYS = (":parameters", ":precondition", ":effect")


def quick_action(
    piece: str,
    constants: Mapping[str, Any],
    predicates: Mapping[str, Any],
    types: Mapping[str, Any],
    derived: frozenset[str],
) -> tuple[str, Params, Formula, Effect] | None:
    """(name, parameters, precondition, effect) of a plain ``(:action ...)`` text, else None."""
    lists = read_lists(piece)
    if lists is None or len(lists) != 1:
        return None
    sec = lists[0]
    if len(sec) < 2 or sec[0] != ":action" or not isinstance(sec[1], str):
        return None
    fields: dict[str, Any] = {}
    for i in range(2, len(sec), 2):
        key = sec[i]
        if key not in _KEYS or key in fields or i + 1 >= len(sec):
            return None
        fields[key] = sec[i + 1]
    params = _params(fields.get(":parameters", []), types)
    if params is None:
        return None
    variables = {v for v, _ in params}
    reader = _Literals(variables, constants, predicates)
    pre = fields.get(":precondition")
    if pre is None or pre == []:
        precondition: Formula | None = And(())
    elif pre[0] == "and":
        parts = [reader.literal(x) for x in pre[1:]]
        precondition = None if None in parts else And(tuple(parts))  # type: ignore[arg-type]
    else:
        precondition = reader.literal(pre)
    if precondition is None:
        return None
    effect = _effect(fields.get(":effect", []), reader, derived)
    if effect is None:
        return None
    return sec[1], params, precondition, effect


def _params(node: Any, types: Mapping[str, Any]) -> Params | None:
    """``?a ?b - t ?c``: plain type names only (``either`` goes to the general reader)."""
    if not isinstance(node, list):
        return None
    out: list[tuple[str, frozenset[str]]] = []
    pending: list[str] = []
    i = 0
    while i < len(node):
        item = node[i]
        if not isinstance(item, str):
            return None
        if item == "-":
            if not pending or i + 1 >= len(node):
                return None
            ty = node[i + 1]
            if not isinstance(ty, str) or ty not in types:
                return None
            out.extend((p, frozenset((ty,))) for p in pending)
            pending = []
            i += 2
            continue
        if item[0] != "?":
            return None
        pending.append(item)
        i += 1
    if pending:
        if "object" not in types:
            return None
        out.extend((p, frozenset(("object",))) for p in pending)
    names = [v for v, _ in out]
    if len(set(names)) != len(names):
        return None
    return tuple(out)


class _Literals:
    """Literals over declared predicates whose terms are parameters or constants."""

    def __init__(
        self, variables: set[str], constants: Mapping[str, Any], predicates: Mapping[str, Any]
    ) -> None:
        self.variables = variables
        self.constants = constants
        self.predicates = predicates

    def term_ok(self, term: Any) -> bool:
        if not isinstance(term, str):
            return False
        return term in self.variables if term[0] == "?" else term in self.constants

    def atom(self, node: Any) -> Atom | None:
        if not isinstance(node, list) or not node or not isinstance(node[0], str):
            return None
        pred = self.predicates.get(node[0])
        if pred is None or len(node) - 1 != pred.arity:
            return None
        for term in node[1:]:
            if not self.term_ok(term):
                return None
        return Atom(node[0], tuple(node[1:]))

    def literal(self, node: Any) -> Formula | None:
        if not isinstance(node, list) or not node:
            return None
        head = node[0]
        if head == "not":
            inner = self.literal(node[1]) if len(node) == 2 else None
            return None if inner is None else Not(inner)
        if head == "=":
            if len(node) != 3 or not (self.term_ok(node[1]) and self.term_ok(node[2])):
                return None
            return Equals(node[1], node[2])
        if head in ("and", "or", "imply", "exists", "forall"):
            return None
        return self.atom(node)


def _effect(node: Any, reader: _Literals, derived: frozenset[str]) -> Effect | None:
    if not isinstance(node, list):
        return None
    items = node[1:] if node and node[0] == "and" else ([node] if node else [])
    adds: list[Atom] = []
    dels: list[Atom] = []
    costs: list[NumExpr] = []
    for item in items:
        if not isinstance(item, list) or not item:
            return None
        head = item[0]
        if head == "not":
            atom = reader.atom(item[1]) if len(item) == 2 else None
            if atom is None or atom.predicate in derived:
                return None
            dels.append(atom)
        elif head == "increase":
            if len(item) != 3 or item[1] != ["total-cost"] or not isinstance(item[2], str):
                return None
            try:
                costs.append(float(item[2]))
            except ValueError:
                return None
        else:
            atom = reader.atom(item)
            if atom is None or atom.predicate in derived:
                return None
            adds.append(atom)
    return Effect(tuple(adds), tuple(dels), (), (), tuple(costs))
