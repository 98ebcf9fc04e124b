"""The quick reader of actions and problems: nested lists of strings read at C speed, checked
as usual.

Why: a plan reads every action it uses from the domain's text (actions are read on first use),
and for a short plan the general reader's per-token objects (symbols that keep their line
number for error messages) cost more than everything else. Here the action's text becomes
nested lists of strings through ``json`` (:func:`~nsr.backends.pddl.sexpr.read_lists`) and is
turned into the same precondition and effect, with the same checks (declared predicates,
types and functions, arities, parameters, constants, variables in scope, no derived predicate
in an effect). At the first thing it does not accept (an error, a numeric condition, anything
unusual) it returns None and the general reader reads the action, so every message keeps its
file and line. A problem's sections (name, domain, objects, goal) are read the same way
(:func:`problem_sections`, :meth:`QuickReader.goal`): its objects and goal are often its biggest
part after ``:init`` (which :func:`~nsr.backends.pddl.sexpr.split_init` reads).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import compress, repeat
from operator import itemgetter, not_
from typing import Any, NamedTuple

from nsr.backends.pddl.effects import Arith, Effect, ForallEffect, FunctionTerm, NumExpr, When
from nsr.backends.pddl.formulas import (
    And,
    Atom,
    Equals,
    Formula,
    Imply,
    Not,
    Or,
    Quantified,
    make_atom,
    make_not,
)
from nsr.backends.pddl.sexpr import read_lists

__all__ = ["DomainHead", "QuickReader", "Reject", "domain_head", "problem_sections",
           "typed_names"]

Params = tuple[tuple[str, frozenset[str]], ...]
_KEYS = (":parameters", ":precondition", ":effect")
_CONNECTIVES = frozenset(("and", "not", "or", "=", "imply", "exists", "forall"))


class _Reject(Exception):
    """Not for the quick reader: the general reader reads it (and names any error)."""


Reject = _Reject  # for the direct reader (nsr.backends.pddl.direct)


class QuickReader:
    """Reads plain-text actions of one domain (its names checked as the general reader does)."""

    def __init__(
        self,
        constants: Mapping[str, Any],
        predicates: Mapping[str, Any],
        types: Mapping[str, Any],
        derived: frozenset[str],
        functions: Mapping[str, int],
        arities: Mapping[str, int] | None = None,
    ) -> None:
        """``arities`` (predicate -> arity) when the caller has them (a problem's reader
        takes its domain's)."""
        self.constants = constants
        self.predicates = predicates
        self.arities = arities if arities is not None else {
            name: pred.arity for name, pred in predicates.items()}
        self.types = types
        self.derived = derived
        self.functions = functions
        # atom text -> (the atom, its variables): an atom read once is checked again only for
        # its variables being in scope (the rest depends on the domain alone)
        self._atoms: dict[tuple[Any, ...], tuple[Atom, tuple[str, ...]]] = {}

    def action(self, piece: str) -> tuple[str, Params, Formula, Effect] | None:
        """(name, parameters, precondition, effect) of an ``(:action ...)`` text, or None."""
        lists = read_lists(piece)
        if lists is None or len(lists) != 1:
            return None
        return self.action_of(lists[0])

    def action_of(self, sec: Any) -> tuple[str, Params, Formula, Effect] | None:
        """:meth:`action` of an action's text already read as lists."""
        head = self.header(sec)
        if head is None:
            return None
        body = self.body(head[2], head[1])
        return None if body is None else (head[0], head[1], *body)

    def header(self, sec: Any) -> tuple[str, Params, dict[str, Any]] | None:
        """(name, parameters, fields) of an action's lists: its ``:precondition`` and
        ``:effect`` are left unread in ``fields``."""
        if sec.__class__ is not list or len(sec) < 2 or sec[0] != ":action" \
                or not isinstance(sec[1], str):
            return None
        fields: dict[str, Any] = {}
        for i in range(2, len(sec), 2):
            key = sec[i]
            if key.__class__ is not str or key not in _KEYS or key in fields or i + 1 >= len(sec):
                return None
            fields[key] = sec[i + 1]
        try:
            params = self.variables(fields.get(":parameters", []), unique=True)
        except _Reject:
            return None
        return sec[1], params, fields

    def body(self, fields: dict[str, Any], params: Params) -> tuple[Formula, Effect] | None:
        """The precondition and effect in ``fields`` (see :meth:`header`), or None."""
        try:
            scope = dict(params)
            pre = fields.get(":precondition")
            precondition = And(()) if pre is None else self.formula(pre, scope)
            eff = fields.get(":effect")
            effect = Effect() if eff is None else self.effect(eff, scope)
        except _Reject:
            return None
        return precondition, effect

    def goal(self, node: Any, ground: Mapping[str, frozenset[str]]) -> Formula | None:
        """A problem's goal (``constants`` are then the problem's objects), every object
        checked against its predicate's parameter types (``ground``: object -> its types,
        ancestors included); None when anything is off (the general reader names it)."""
        literals = self._literal_goal(node, ground)
        if literals is not None:
            return literals
        try:
            goal = self.formula(node, {})
        except (_Reject, RecursionError):
            return None
        todo: list[Formula] = [goal]
        predicates = self.predicates
        while todo:
            f = todo.pop()
            if f.__class__ is Atom:
                params = predicates[f.predicate].params  # type: ignore[union-attr]
                for term, (_, tys) in zip(f.terms, params, strict=True):  # type: ignore[union-attr]
                    if term[0] != "?" and tys.isdisjoint(ground.get(term, ())):
                        return None
            elif isinstance(f, (And, Or)):
                todo.extend(f.args)
            elif isinstance(f, Not):
                todo.append(f.arg)
            elif isinstance(f, Imply):
                todo.extend((f.antecedent, f.consequent))
            elif isinstance(f, Quantified):
                todo.append(f.body)
        return goal

    def _literal_goal(self, node: Any, ground: Mapping[str, frozenset[str]]) -> Formula | None:
        """A goal that is a ground literal or a conjunction of them (most problems' goals),
        read in one loop with the checks :meth:`formula` and :meth:`goal` make (predicate and
        arity, known objects of fitting types); None for any other goal or a failed check (the
        general path then reads it, or says what is wrong). The objects are checked per
        predicate and argument position, all at once: the arguments found there must be among
        the objects of a fitting type (a set inclusion; goals of hundreds of literals are
        common: visitall's cells, petri-net-alignment's places)."""
        if node.__class__ is not list or not node:
            return None
        conjunction = node[0] == "and"
        arities = self.arities
        out: list[Formula] = []
        by_predicate: dict[str, list[tuple[str, ...]]] = {}
        for item in node[1:] if conjunction else (node,):
            negated = item.__class__ is list and len(item) == 2 and item[0] == "not"
            lit = item[1] if negated else item
            if lit.__class__ is not list or not lit:
                return None
            pred = lit[0]
            if pred.__class__ is not str or pred in _CONNECTIVES:
                return None
            arity = arities.get(pred)
            if arity is None or len(lit) != arity + 1:
                return None
            terms = tuple(lit[1:])
            group = by_predicate.get(pred)
            if group is None:
                by_predicate[pred] = [terms]
            else:
                group.append(terms)
            atom = make_atom(pred, terms)
            out.append(make_not(atom) if negated else atom)
        pools: dict[frozenset[str], frozenset[str]] = {}
        for pred, group in by_predicate.items():
            for i, (_, tys) in enumerate(self.predicates[pred].params):
                pool = pools.get(tys)
                if pool is None:  # the objects with a type of tys (their ancestors included)
                    pool = pools[tys] = frozenset(compress(
                        ground.keys(), map(not_, map(tys.isdisjoint, ground.values()))))
                try:
                    if not pool.issuperset(map(_AT[i] if i < len(_AT) else itemgetter(i), group)):
                        return None
                except TypeError:  # a list: not an object
                    return None
        return And(tuple(out)) if conjunction else out[0]

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
        """The atom of ``node`` (one :class:`Atom` per text: actions repeat their literals)."""
        if node.__class__ is not list:
            raise _Reject
        key = tuple(node)
        try:
            hit = self._atoms.get(key)
        except TypeError:  # a list inside: not an atom
            raise _Reject from None
        if hit is not None:
            for var in hit[1]:  # the checks that depend on where the atom is
                if var not in scope:
                    raise _Reject
            return hit[0]
        if not node or node[0].__class__ is not str:
            raise _Reject
        arity = self.arities.get(node[0])
        if arity is None or len(node) - 1 != arity:
            raise _Reject
        terms = key[1:]
        constants = self.constants
        for t in terms:
            if t.__class__ is not str or not (t in scope if t[0] == "?" else t in constants):
                raise _Reject
        atom = make_atom(node[0], terms)
        self._atoms[key] = (atom, tuple([t for t in terms if t[0] == "?"]))
        return atom

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
            return make_not(self.formula(node[1], scope))
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

    def derived_rule(self, items: Any) -> tuple[str, Params, Formula] | None:
        """(predicate, typed head variables, body) of a ``(:derived (p ?x - t ...) body)``
        section's items, checked as the general reader does; None when anything is off."""
        if items.__class__ is not list or len(items) != 2 or items[0].__class__ is not list \
                or not items[0] or items[0][0].__class__ is not str:
            return None
        head = items[0]
        arity = self.arities.get(head[0])
        try:
            variables = self.variables(head[1:])
            if arity is None or len(variables) != arity:
                return None
            return head[0], variables, self.formula(items[1], dict(variables))
        except (_Reject, RecursionError):
            return None


def _define_sections(
    text: str, kind: str, keys: frozenset[str], repeated: frozenset[str] = frozenset()
) -> tuple[str, dict[str, list[Any]]] | None:
    """``(define (KIND NAME) (:key ...) ...)`` read as lists: NAME and each section's items
    after its key (a key of ``repeated``: the list of each of its sections' items); None for any
    other shape, or a section repeated or not among ``keys``."""
    lists = read_lists(text)
    if lists is None or len(lists) != 1:
        return None
    root = lists[0]
    if len(root) < 2 or root[0] != "define":
        return None
    header = root[1]
    if header.__class__ is not list or len(header) != 2 or header[0] != kind \
            or header[1].__class__ is not str:
        return None
    found: dict[str, list[Any]] = {}
    for sec in root[2:]:
        if sec.__class__ is not list or not sec:
            return None
        key = sec[0]
        if key in repeated:
            found.setdefault(key, []).append(sec[1:])
            continue
        if key not in keys or key in found:
            return None
        found[key] = sec[1:]
    return header[1], found


_PROBLEM_KEYS = frozenset((":domain", ":requirements", ":objects", ":init", ":goal", ":metric"))


def problem_sections(text: str) -> tuple[str, str, list[str], list[str], Any] | None:
    """(name, domain name, requirements, objects' typed list, goal) of a problem's text whose
    ``:init`` was cut out (:func:`~nsr.backends.pddl.sexpr.split_init`); None when anything is
    unusual (a missing or repeated section, an unknown one), for the general reader to name."""
    read = _define_sections(text, "problem", _PROBLEM_KEYS)
    if read is None:
        return None
    name, found = read
    domain = found.get(":domain")
    goal = found.get(":goal")
    if domain is None or len(domain) != 1 or goal is None or len(goal) != 1:
        return None
    if found.get(":init"):  # not emptied: its entries are not plain
        return None
    requirements = found.get(":requirements", [])
    objects = found.get(":objects", [])
    if type(domain[0]) is not str:
        return None
    if list in set(map(type, requirements)) or list in set(map(type, objects)):
        return None
    return name, domain[0], requirements, objects, goal[0]


def typed_names(
    items: list[Any], types: Mapping[str, Any] | None, *, variables: bool = False
) -> list[tuple[str, frozenset[str]]] | None:
    """``a b - t c d``: a typed list of names (untyped -> ``object``), every type in ``types``
    (unless None), every name a variable when ``variables`` (else none is); None when anything
    is off (an ``either``, a misplaced '-', a wrong name), for the general reader to name."""
    n = len(items)
    if n >= 6 and n % 3 == 0 and items[1::3].count("-") == n // 3:
        found = _each_typed(items, types, variables)  # 'a - t b - u ...': C calls
        if found is not None:
            return found
    out: list[tuple[str, frozenset[str]]] = []
    pending: list[str] = []
    single: dict[str, frozenset[str]] = {}
    i = 0
    n = len(items)
    while i < n:
        item = items[i]
        if item.__class__ is not str:
            return None
        if item != "-":
            if (item[0] == "?") is not variables:
                return None
            pending.append(item)
            i += 1
            continue
        if not pending or i + 1 >= n:
            return None
        ty = items[i + 1]
        if ty.__class__ is not str or ty == "-" or (types is not None and ty not in types):
            return None
        tys = single.get(ty)
        if tys is None:
            tys = single[ty] = frozenset((ty,))
        out.extend([(p, tys) for p in pending])
        pending = []
        i += 2
    if pending:
        if types is not None and "object" not in types:
            return None
        out.extend([(p, frozenset(("object",))) for p in pending])
    return out


def _each_typed(
    items: list[Any], types: Mapping[str, Any] | None, variables: bool
) -> list[tuple[str, frozenset[str]]] | None:
    """:func:`typed_names` of ``name - type name - type ...`` (every '-' at its place, a
    grounded domain's hundreds of constants each typed alone), checked by C calls; None when
    a check fails (the loop then decides)."""
    if set(map(type, items)) != {str} or items.count("-") != len(items) // 3:
        return None
    names, tys = items[0::3], items[2::3]
    marked = sum(map(str.startswith, names, repeat("?")))  # variables among the names
    if marked != (len(names) if variables else 0):
        return None
    if types is not None and not all(map(types.__contains__, tys)):
        return None
    single = {ty: frozenset((ty,)) for ty in set(tys)}
    return list(zip(names, map(single.__getitem__, tys), strict=True))


_AT = tuple(itemgetter(i) for i in range(8))  # an argument position's getter


class DomainHead(NamedTuple):
    """A domain's sections other than its actions, read quickly (see :func:`domain_head`)."""

    name: str
    requirements: frozenset[str]
    parents: dict[str, set[str]]  # declared type -> its declared supertypes
    types_declared: bool
    constants: dict[str, frozenset[str]]
    predicates: dict[str, tuple[tuple[str, frozenset[str]], ...]]  # name -> typed parameters
    functions: dict[str, int]  # name -> arity
    typed: list[frozenset[str]]  # every type set used (checked once the types are known)
    derived: list[list[Any]]  # each (:derived ...) section's items, unread


_DOMAIN_KEYS = frozenset((":requirements", ":types", ":constants", ":predicates", ":functions"))


def domain_head(text: str, supported: frozenset[str]) -> DomainHead | None:
    """The sections of a domain's text whose actions were cut out
    (:func:`~nsr.backends.pddl.sexpr.split_actions`), read as lists; None when anything is
    unusual (a repeated, derived or unknown section, an ``either``, an unsupported requirement,
    a misplaced name), for the general reader to read (and name what is wrong, with its line)."""
    read = _define_sections(text, "domain", _DOMAIN_KEYS, frozenset((":derived",)))
    if read is None:
        return None
    domain_name, found = read
    requirements = found.get(":requirements", [":strips"])
    if list in set(map(type, requirements)) or not supported.issuperset(requirements):
        return None
    parents: dict[str, set[str]] = {}
    typed: list[frozenset[str]] = []
    declared = typed_names(found.get(":types", []), None)
    if declared is None:
        return None
    for name, sup in declared:
        parents.setdefault(name, set()).update(sup)
    constants: dict[str, frozenset[str]] = {}
    listed = typed_names(found.get(":constants", []), None)
    if listed is None:
        return None
    for name, tys in listed:
        constants[name] = constants.get(name, frozenset()) | tys
        typed.append(tys)
    predicates: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {}
    for item in found.get(":predicates", []):
        if item.__class__ is not list or not item or item[0].__class__ is not str \
                or item[0] in predicates:
            return None
        params = typed_names(item[1:], None, variables=True)
        if params is None:
            return None
        predicates[item[0]] = tuple(params)
        typed.extend(t for _, t in params)
    functions: dict[str, int] = {}
    items = found.get(":functions", [])
    for i, item in enumerate(items):
        if item.__class__ is list:
            if not item or item[0].__class__ is not str:
                return None
            params = typed_names(item[1:], None, variables=True)
            if params is None:
                return None
            functions[item[0]] = len(params)
        elif item != "-" and not (i > 0 and items[i - 1] == "-"):
            return None
    return DomainHead(domain_name, frozenset(requirements), parents, ":types" in found,
                      constants, predicates, functions, typed, found.get(":derived", []))

