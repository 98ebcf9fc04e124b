"""The quick reader of actions: nested lists of strings read at C speed, checked as usual.

Why: a plan reads every action it uses from the domain's text (actions are read on first use),
and for a short plan the general reader's per-token objects (symbols that keep their line
number for error messages) cost more than everything else. Here the action's text becomes
nested lists of strings through ``json`` (:func:`~nsr.backends.pddl.sexpr.read_lists`) and is
turned into the same precondition and effect, with the same checks (declared predicates,
types and functions, arities, parameters, constants, variables in scope, no derived predicate
in an effect). At the first thing it does not accept (an error, a numeric condition, anything
unusual) it returns None and the general reader reads the action, so every message keeps its
file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nsr.backends.pddl.effects import Arith, Effect, ForallEffect, FunctionTerm, NumExpr, When
from nsr.backends.pddl.formulas import And, Atom, Equals, Formula, Imply, Not, Or, Quantified
from nsr.backends.pddl.sexpr import read_lists

__all__ = ["QuickReader"]

Params = tuple[tuple[str, frozenset[str]], ...]
_KEYS = (":parameters", ":precondition", ":effect")
_CONNECTIVES = frozenset(("and", "not", "or", "=", "imply", "exists", "forall"))


class _Reject(Exception):
    """Not for the quick reader: the general reader reads it (and names any error)."""


class QuickReader:
    """Reads plain-text actions of one domain (its names checked as the general reader does)."""

    def __init__(
        self,
        constants: Mapping[str, Any],
        predicates: Mapping[str, Any],
        types: Mapping[str, Any],
        derived: frozenset[str],
        functions: Mapping[str, int],
    ) -> None:
        self.constants = constants
        self.arities = {name: pred.arity for name, pred in predicates.items()}
        self.types = types
        self.derived = derived
        self.functions = functions

    def action(self, piece: str) -> tuple[str, Params, Formula, Effect] | None:
        """(name, parameters, precondition, effect) of an ``(:action ...)`` text, or None."""
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
        try:
            params = self.variables(fields.get(":parameters", []), unique=True)
            scope = dict(params)
            pre = fields.get(":precondition")
            precondition = And(()) if pre is None else self.formula(pre, scope)
            eff = fields.get(":effect")
            effect = Effect() if eff is None else self.effect(eff, scope)
        except _Reject:
            return None
        return sec[1], params, precondition, effect

    def variables(self, node: Any, *, unique: bool = False) -> Params:
        """``?a ?b - t ?c - (either u v) ?d``: typed variables with declared types."""
        if not isinstance(node, list):
            raise _Reject
        out: list[tuple[str, frozenset[str]]] = []
        pending: list[str] = []
        i = 0
        while i < len(node):
            item = node[i]
            if item == "-":
                if not pending or i + 1 >= len(node):
                    raise _Reject
                tys = self.type_ref(node[i + 1])
                out.extend((p, tys) for p in pending)
                pending = []
                i += 2
                continue
            if not isinstance(item, str) or item[0] != "?":
                raise _Reject
            pending.append(item)
            i += 1
        if pending:
            out.extend((p, self.type_ref("object")) for p in pending)
        if unique and len({v for v, _ in out}) != len(out):
            raise _Reject
        return tuple(out)

    def type_ref(self, node: Any) -> frozenset[str]:
        if isinstance(node, str):
            names = [node]
        elif len(node) > 1 and node[0] == "either" and all(isinstance(t, str) for t in node):
            names = node[1:]
        else:
            raise _Reject
        if any(t not in self.types for t in names):
            raise _Reject
        return frozenset(names)

    def term(self, term: Any, scope: Mapping[str, Any]) -> str:
        if not isinstance(term, str):
            raise _Reject
        if term in scope if term[0] == "?" else term in self.constants:
            return term
        raise _Reject

    def atom(self, node: Any, scope: Mapping[str, Any]) -> Atom:
        if node.__class__ is not list or not node or node[0].__class__ is not str:
            raise _Reject
        arity = self.arities.get(node[0])
        if arity is None or len(node) - 1 != arity:
            raise _Reject
        terms = node[1:]
        constants = self.constants
        for t in terms:
            if t.__class__ is not str or not (t in scope if t[0] == "?" else t in constants):
                raise _Reject
        return Atom(node[0], tuple(terms))

    def formula(self, node: Any, scope: Mapping[str, Any]) -> Formula:
        if not isinstance(node, list):
            raise _Reject
        if not node:
            return And(())
        head = node[0]
        if head.__class__ is str and head not in _CONNECTIVES and head in self.arities:
            return self.atom(node, scope)  # the usual case first
        if head == "and":
            return And(tuple([self.formula(a, scope) for a in node[1:]]))
        if head == "not":
            if len(node) != 2:
                raise _Reject
            return Not(self.formula(node[1], scope))
        if head == "or":
            return Or(tuple([self.formula(a, scope) for a in node[1:]]))
        if head == "=":
            if len(node) != 3:
                raise _Reject
            return Equals(self.term(node[1], scope), self.term(node[2], scope))
        if head == "imply":
            if len(node) != 3:
                raise _Reject
            return Imply(self.formula(node[1], scope), self.formula(node[2], scope))
        if head in ("exists", "forall"):
            if len(node) != 3 or not isinstance(node[1], list):
                raise _Reject
            qvars = self.variables(node[1])
            return Quantified(head, qvars, self.formula(node[2], {**scope, **dict(qvars)}))
        return self.atom(node, scope)

    def literal_atom(self, node: Any, scope: Mapping[str, Any]) -> Atom:
        atom = self.atom(node, scope)
        if atom.predicate in self.derived:
            raise _Reject
        return atom

    def effect(self, node: Any, scope: Mapping[str, Any]) -> Effect:
        adds: list[Atom] = []
        dels: list[Atom] = []
        whens: list[When] = []
        foralls: list[ForallEffect] = []
        costs: list[NumExpr] = []
        todo = [node]
        while todo:  # an 'and' adds its parts in order (read as the general reader does)
            n = todo.pop()
            if not isinstance(n, list):
                raise _Reject
            if not n:
                continue
            head = n[0]
            if head == "and":
                todo.extend(reversed(n[1:]))
            elif head == "not":
                if len(n) != 2 or not isinstance(n[1], list):
                    raise _Reject
                dels.append(self.literal_atom(n[1], scope))
            elif head == "increase":
                if len(n) != 3 or n[1] != ["total-cost"]:
                    raise _Reject
                costs.append(self.number(n[2], scope))
            elif head == "when":
                if len(n) != 3:
                    raise _Reject
                whens.append(When(self.formula(n[1], scope), self.effect(n[2], scope)))
            elif head == "forall":
                if len(n) != 3 or not isinstance(n[1], list):
                    raise _Reject
                qvars = self.variables(n[1])
                foralls.append(ForallEffect(qvars, self.effect(n[2], {**scope, **dict(qvars)})))
            elif head in ("decrease", "assign", "scale-up", "scale-down"):
                raise _Reject
            else:
                adds.append(self.literal_atom(n, scope))
        return Effect(tuple(adds), tuple(dels), tuple(whens), tuple(foralls), tuple(costs))

    def number(self, node: Any, scope: Mapping[str, Any]) -> NumExpr:
        if isinstance(node, str):
            try:
                return float(node)
            except ValueError:
                raise _Reject from None
        if not node:
            raise _Reject
        head = node[0]
        if head in ("+", "-", "*", "/") and len(node) >= 2:
            return Arith(head, tuple([self.number(a, scope) for a in node[1:]]))
        if not isinstance(head, str) or head not in self.functions:
            raise _Reject
        terms = tuple([self.term(a, scope) for a in node[1:]])
        if len(terms) != self.functions[head]:
            raise _Reject
        return FunctionTerm(head, terms)
