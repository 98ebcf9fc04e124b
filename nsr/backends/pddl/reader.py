"""PDDL domains and problems as data, and the reader that builds them from text.

The reader checks everything it can while the file name and line are still at hand (undeclared
predicates, types, objects, arities, argument types in ``:init`` and ``:goal``), so a plan
validator never meets a malformed model. Each action is compiled once here into the getters the
fast validator uses (see :mod:`nsr.backends.pddl.grounded`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from nsr.backends.pddl.direct import direct_parts
from nsr.backends.pddl.effects import Arith, Effect, ForallEffect, FunctionTerm, NumExpr, When
from nsr.backends.pddl.errors import PddlSyntaxError, PddlUnsupported
from nsr.backends.pddl.facts import FactIndex
from nsr.backends.pddl.formulas import (
    And,
    Atom,
    Equals,
    Formula,
    GroundAtom,
    Imply,
    Not,
    Or,
    Quantified,
    Variables,
    conjuncts,
    render,
)
from nsr.backends.pddl.nogc import without_collector
from nsr.backends.pddl.quick import (
    DomainHead,
    QuickReader,
    domain_head,
    problem_sections,
    typed_names,
)
from nsr.backends.pddl.sexpr import (
    Node,
    SList,
    Sym,
    line_of,
    read_lists,
    read_sexprs,
    split_actions,
    split_init,
)
from nsr.backends.pddl.shapes import ShapeCache

SUPPORTED_REQUIREMENTS = frozenset(
    {
        ":strips",
        ":typing",
        ":negative-preconditions",
        ":equality",
        ":disjunctive-preconditions",
        ":existential-preconditions",
        ":universal-preconditions",
        ":quantified-preconditions",
        ":conditional-effects",
        ":adl",
        ":derived-predicates",
        ":action-costs",
    }
)
ROOT_TYPE = "object"
SHAPED_DOMAIN_ACTIONS = 64  # domains with this many actions read look-alikes by shape


@dataclass(frozen=True, slots=True)
class Predicate:
    name: str
    params: tuple[tuple[str, frozenset[str]], ...]

    @property
    def arity(self) -> int:
        return len(self.params)


class _Compiled(NamedTuple):
    """An action compiled for the fast path; built once per domain (see module docstring)."""

    symbols: tuple[str, ...]  # appended to a step's args: ``vals = args + symbols``
    pos: tuple[Callable[[tuple[str, ...]], GroundAtom], ...]
    neg: tuple[Callable[[tuple[str, ...]], GroundAtom], ...]
    eq: tuple[tuple[int, int], ...]
    neq: tuple[tuple[int, int], ...]
    general: tuple[Formula, ...]  # conjuncts that are not literals (or, imply, quantifiers,
    # derived atoms): evaluated by a World
    dels: tuple[Callable[[tuple[str, ...]], GroundAtom], ...]
    adds: tuple[Callable[[tuple[str, ...]], GroundAtom], ...]
    cost: float  # the constant part of the action's total-cost increase
    extra: Effect | None  # whens, foralls and non-constant costs: collected by a World
    # an action read by the direct path: its precondition's conjuncts in order, as (kind,
    # position) pairs (see direct.direct_parts), for diagnostics without its formulas
    checks: tuple[tuple[int, int], ...] | None = None


class Action:
    """A domain's action: name, typed parameters, precondition, effect (``add``/``delete`` are
    its plain atoms) and its compiled form for the fast path.

    Immutable. Equality and hash ignore the compiled form, as for the other model classes. An
    action read by the direct path (:mod:`~nsr.backends.pddl.direct`) has only its compiled form
    at first: the precondition and effect are read from its lists when first asked for
    (diagnostics and the general path need them, a plain validation step does not).
    """

    __slots__ = ("name", "params", "compiled", "_body", "_read_body", "_variables")

    def __init__(
        self,
        name: str,
        params: tuple[tuple[str, frozenset[str]], ...],
        precondition: Formula,
        add: tuple[Atom, ...],
        delete: tuple[Atom, ...],
        compiled: _Compiled,
        effect: Effect | None = None,
    ) -> None:
        if effect is None or (effect.adds, effect.dels) != (add, delete):
            effect = Effect(add, delete) if effect is None else Effect(
                add, delete, effect.whens, effect.foralls, effect.costs)
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "params", params)
        _set(self, "compiled", compiled)
        _set(self, "_body", (precondition, effect))
        _set(self, "_read_body", None)
        _set(self, "_variables", None)

    @classmethod
    def deferred(
        cls,
        name: str,
        params: tuple[tuple[str, frozenset[str]], ...],
        compiled: _Compiled,
        read_body: Callable[[], tuple[Formula, Effect]],
    ) -> Action:
        """An action whose precondition and effect ``read_body`` gives when first needed."""
        action = cls.__new__(cls)
        # through the slots' own setters: object.__setattr__ looks each name up first (a
        # grounded domain's plan reads hundreds of actions)
        _set_name(action, name)
        _set_params(action, params)
        _set_compiled(action, compiled)
        _set_body(action, None)
        _set_read_body(action, read_body)
        _set_variables(action, None)
        return action

    def _parts(self) -> tuple[Formula, Effect]:
        body = self._body
        if body is None:
            assert self._read_body is not None
            body = self._read_body()
            object.__setattr__(self, "_body", body)
            object.__setattr__(self, "_read_body", None)
        return body

    @property
    def precondition(self) -> Formula:
        return self._parts()[0]

    @property
    def effect(self) -> Effect:
        return self._parts()[1]

    @property
    def add(self) -> tuple[Atom, ...]:
        return self._parts()[1].adds

    @property
    def delete(self) -> tuple[Atom, ...]:
        return self._parts()[1].dels

    @property
    def arity(self) -> int:
        return len(self.params)

    @property
    def variables(self) -> tuple[str, ...]:
        """The parameters' names (worked out once: a general step binds them each time)."""
        found = self._variables
        if found is None:
            found = tuple([v for v, _ in self.params])
            object.__setattr__(self, "_variables", found)
        return found

    def _key(self) -> tuple[Any, ...]:
        return (self.name, self.params, self.precondition, self.add, self.delete)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Action:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Action(name={self.name!r}, params={self.params!r}, "
                f"precondition={self.precondition!r}, add={self.add!r}, "
                f"delete={self.delete!r})")

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"Action is immutable: cannot set {key!r}")

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.name, self.params, self.compiled, self._parts())

    def __setstate__(self, state: tuple[Any, ...]) -> None:  # copies are whole actions
        for key, value in zip(("name", "params", "compiled", "_body"), state, strict=True):
            object.__setattr__(self, key, value)
        object.__setattr__(self, "_read_body", None)
        object.__setattr__(self, "_variables", None)


_set_name = Action.name.__set__  # type: ignore[attr-defined]
_set_params = Action.params.__set__  # type: ignore[attr-defined]
_set_compiled = Action.compiled.__set__  # type: ignore[attr-defined]
_set_body = Action._body.__set__  # type: ignore[attr-defined]
_set_read_body = Action._read_body.__set__  # type: ignore[attr-defined]
_set_variables = Action._variables.__set__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class DerivedRule:
    """``(:derived (head ?x ...) body)``; ``parts`` are the body's conjuncts (for the join)."""

    predicate: str
    head: tuple[str, ...]
    variables: Variables
    body: Formula
    parts: tuple[Formula, ...]


@dataclass(frozen=True)
class Domain:
    """A parsed domain. Pickles as its source text (re-parsed on load), so workers can get it."""

    name: str
    requirements: frozenset[str]
    types: Mapping[str, frozenset[str]]  # type -> its ancestors, itself and "object" included
    constants: Mapping[str, frozenset[str]]  # constant -> declared types
    predicates: Mapping[str, Predicate]
    actions: Mapping[str, Action]
    source: str = field(repr=False, compare=False)
    file_name: str = field(default="<domain>", repr=False, compare=False)
    # derived predicate -> its rules; strata: groups of derived predicates in evaluation order,
    # each with whether it is recursive (needs iterating to a fixpoint)
    derived: Mapping[str, tuple[DerivedRule, ...]] = field(default_factory=dict, compare=False)
    strata: tuple[tuple[tuple[str, ...], bool], ...] = field(default=(), compare=False)
    functions: Mapping[str, int] = field(default_factory=dict, compare=False)  # name -> arity
    # condition -> its compiled function (see nsr.backends.pddl.compiled), filled on first use
    compiled: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_domain, (self.source, self.file_name))


@dataclass(frozen=True)
class Problem:
    """A parsed problem, checked against its domain. Pickles as source text like :class:`Domain`."""

    name: str
    domain_name: str
    objects: Mapping[str, frozenset[str]]  # objects and domain constants -> declared types
    init: frozenset[GroundAtom]
    goal: Formula
    # action -> per parameter, the objects of a matching type (precomputed for the fast check)
    param_domains: Mapping[str, tuple[frozenset[str], ...]] = field(repr=False, compare=False)
    domain: Domain = field(repr=False, compare=False)
    source: str = field(repr=False, compare=False)
    file_name: str = field(default="<problem>", repr=False, compare=False)
    goal_parts: tuple[tuple[GroundAtom | None, Formula], ...] = field(
        default=(), repr=False, compare=False
    )
    numeric: Mapping[GroundAtom, float] = field(default_factory=dict, repr=False, compare=False)
    # type -> objects of that type (subtypes included)
    by_type: Mapping[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    _pools: dict[frozenset[str], frozenset[str]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # state -> its derived atoms (filled by World, per stratum on demand)
    _derived_cache: dict[frozenset[GroundAtom], dict[str, set[tuple[str, ...]]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _initial_index: list[FactIndex] = field(default_factory=list, repr=False, compare=False)
    # action name -> what a validation step needs of it (see grounded.validate), kept across
    # the validations of this problem
    _step_entries: dict[str, tuple[Any, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # (action, args) -> that ground step's checked parts (see grounded.validate), kept across
    # the validations of this problem, bounded
    _ground_steps: dict[tuple[str, tuple[str, ...]], tuple[Any, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    # the goal's plain atoms and their texts, worked out on first use (see grounded)
    _goal_atoms: list[Any] = field(default_factory=list, repr=False, compare=False)

    def initial_index(self) -> FactIndex:
        """The fact index of the initial state, shared by the validations of this problem
        (each borrows it and copies only what its plan changes)."""
        if not self._initial_index:
            self._initial_index.append(FactIndex(self.init))
        return self._initial_index[0]

    def objects_of(self, types: frozenset[str]) -> frozenset[str]:
        """Objects (and constants) of any of ``types``, subtypes included; memoised."""
        pool = self._pools.get(types)
        if pool is None:
            pool = frozenset().union(*(self.by_type.get(t, frozenset()) for t in types))
            self._pools[types] = pool
        return pool

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_problem, (self.source, self.domain, self.file_name))

    @property
    def goals(self) -> tuple[str, ...]:
        """The goal's top-level conjuncts as PDDL text."""
        return tuple(render(g) for g in conjuncts(self.goal))


class LazyActions(Mapping[str, "Action"]):
    """Action name -> :class:`Action`, each parsed on first access (see :func:`parse_domain`).

    Names and parameters are cheap and read eagerly where asked (:meth:`params`); errors in an
    action's body surface when it is first used, with the file and line as always. An unread
    action is a span (start, end) of the domain's ``text``.
    """

    def __init__(
        self,
        sections: dict[str, SList | tuple[int, int]],
        build: Callable[[SList], Action],
        params: Callable[[SList], tuple[tuple[str, frozenset[str]], ...]],
        file_name: str = "<domain>",
        quick: Callable[..., Action | None] | None = None,
        text: str = "",
        shaped: Callable[..., Action | None] | None = None,
    ) -> None:
        """``quick`` reads a plain action from its text, or from its text's lists (and the
        text); None: read it the general way. ``shaped`` reads an action from its text only
        when one of its shape was read before (see :mod:`~nsr.backends.pddl.shapes`)."""
        self._sections = sections
        self._quick = quick
        self._shaped = shaped
        self._file_name = file_name
        self._text = text
        self._build = build
        self._params = params
        self._done: dict[str, Action] = {}
        self._param_cache: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {}

    def __getitem__(self, name: str) -> Action:
        action = self._done.get(name)
        if action is None:
            sec = self._sections[name]  # KeyError for an unknown name
            if self._quick is not None and not isinstance(sec, SList):
                action = self._quick(self._text[sec[0] : sec[1]])
            if action is None:
                action = self._build(self._section(name))
            self._done[name] = action
        return action

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        """The action (read now if need be), or ``default`` for an unknown name."""
        action = self._done.get(name)
        if action is not None:
            return action
        return self[name] if name in self._sections else default

    def __contains__(self, name: object) -> bool:
        return name in self._sections

    def __iter__(self) -> Iterator[str]:
        return iter(self._sections)

    def __len__(self) -> int:
        return len(self._sections)

    def params(self, name: str) -> tuple[tuple[str, frozenset[str]], ...]:
        """The typed parameters of action ``name`` (without reading its body)."""
        if name in self._done:
            return self._done[name].params
        found = self._param_cache.get(name)
        if found is None:
            found = self._params(self._section(name))
            self._param_cache[name] = found
        return found

    def _section(self, name: str) -> SList:
        """The action's expression, read from its text on first use."""
        sec = self._sections[name]
        if isinstance(sec, SList):
            return sec
        start, end = sec
        line = line_of(self._text, start)
        nodes = read_sexprs(self._text[start:end], name=self._file_name, first_line=line)
        if len(nodes) != 1 or not isinstance(nodes[0], SList) or nodes[0].head() != ":action":
            where = nodes[1].line if len(nodes) > 1 else line
            raise PddlSyntaxError(
                f"{self._file_name}:{where}: expected one '(:action ...)' section here"
            )
        self._sections[name] = nodes[0]
        return nodes[0]

    def prefetch(self, names: Iterable[str]) -> None:
        """Read the named actions not read yet (unknown names are skipped), their texts read as
        lists in one go: a plan that uses hundreds of actions pays the reader's fixed cost once.
        An action the quick reader does not accept is left for its first use (and its error)."""
        quick = self._quick
        if quick is None:
            return
        done = self._done
        sections = self._sections
        todo = [n for n in dict.fromkeys(names)
                if n not in done and isinstance(sections.get(n), tuple)]
        if len(todo) < 2:
            return
        text = self._text
        pieces = [text[a:b] for a, b in (sections[n] for n in todo)]  # type: ignore[misc]
        shaped = self._shaped
        if shaped is None:
            self._read(todo, pieces)
            return
        # look-alikes of actions read before need no lists: one action per new shape is read
        # first, then the others of its shape reuse it (see shapes)
        first: set[Any] = set()
        later = []
        todo_now = []
        for name, piece in zip(todo, pieces, strict=True):
            keyed = ShapeCache.key(piece)
            if keyed is not None and keyed[0] in first:  # its shape is being read now
                later.append((name, piece, keyed))
                continue
            if keyed is not None and self._adopt(name, shaped(piece, keyed)):
                continue
            if keyed is not None:
                first.add(keyed[0])
            todo_now.append((name, piece))
        if later:  # the first of each shape read: the others reuse it, or are read after
            self._read([n for n, _ in todo_now], [p for _, p in todo_now])
            todo_now = [(name, piece) for name, piece, keyed in later
                        if not self._adopt(name, shaped(piece, keyed))]
        self._read([n for n, _ in todo_now], [p for _, p in todo_now])

    def _adopt(self, name: str, action: Action | None) -> bool:
        if action is not None and action.name == name:
            self._done[name] = action
            return True
        return False

    def _read(self, todo: list[str], pieces: list[str]) -> None:
        """Read the actions of ``pieces`` (texts of the actions ``todo``) as lists in one go."""
        if not todo:
            return
        quick = self._quick
        assert quick is not None
        lists = read_lists("\n".join(pieces))
        if lists is None or len(lists) != len(todo):
            return
        for name, sec, piece in zip(todo, lists, pieces, strict=True):
            self._adopt(name, quick(sec, piece))

    def parse_all(self) -> None:
        """Read every action now (raises on the first malformed one)."""
        for name in self._sections:
            self[name]


def _rebuild_domain(source: str, file_name: str) -> Domain:
    return parse_domain(source, name=file_name)


def _rebuild_problem(source: str, domain: Domain, file_name: str) -> Problem:
    return parse_problem(source, domain, name=file_name)


# ---------------------------------------------------------------------------------------------
# Reading


class _Reader:
    """Shared helpers for domain and problem parsing; ``name`` is the file name for errors."""

    def __init__(self, name: str) -> None:
        self.name = name
        # object -> all its types (ancestors included); set while reading a problem, so that
        # ground atoms in :init and :goal are type-checked against their predicate
        self.ground_types: Mapping[str, frozenset[str]] | None = None
        # declared types, once known (checks quantified variables)
        self.known_types: Mapping[str, Any] | None = None
        self.functions: Mapping[str, int] = {}  # declared numeric functions -> arity
        self._single_types: dict[str, frozenset[str]] = {}

    def error(self, node: Node | int, message: str) -> PddlSyntaxError:
        line = node if isinstance(node, int) else node.line
        return PddlSyntaxError(f"{self.name}:{line}: {message}")

    def unsupported(self, node: Node, feature: str) -> PddlUnsupported:
        return PddlUnsupported(
            f"{self.name}:{node.line}: {feature} is not supported by the grounded validator "
            f"(it handles the classical fragment: {', '.join(sorted(SUPPORTED_REQUIREMENTS))})"
        )

    def top(self, text: str, kind: str) -> SList:
        nodes = read_sexprs(text, name=self.name)
        if not nodes:
            raise PddlSyntaxError(
                f"{self.name}:1: empty file, expected '(define ({kind} NAME) ...)'"
            )
        if len(nodes) > 1:
            raise self.error(nodes[1], "unexpected text after the '(define ...)' expression")
        root = nodes[0]
        if not isinstance(root, SList) or root.head() != "define":
            raise self.error(root, f"expected '(define ({kind} NAME) ...)', got {_show(root)}")
        if len(root.items) < 2:
            raise self.error(root, f"expected '({kind} NAME)' after 'define'")
        header = root.items[1]
        if (
            not isinstance(header, SList)
            or header.head() != kind
            or len(header.items) != 2
            or not isinstance(header.items[1], Sym)
        ):
            raise self.error(header, f"expected '({kind} NAME)', got {_show(header)}")
        return root

    def section(self, node: Node, expected: str) -> tuple[str, SList]:
        if not isinstance(node, SList) or not node.head() or not node.head().startswith(":"):
            raise self.error(node, f"expected a section such as {expected}, got {_show(node)}")
        return node.head() or "", node

    def symbol(self, node: Node, what: str) -> Sym:
        if not isinstance(node, Sym):
            raise self.error(node, f"expected {what}, got {_show(node)}")
        return node

    def typed_list(self, items: Iterable[Node], what: str) -> list[tuple[Sym, frozenset[str]]]:
        """``a b - t c - (either t1 t2) d`` -> names with their type sets (untyped -> object)."""
        out: list[tuple[Sym, frozenset[str]]] = []
        pending: list[Sym] = []
        seq = items if isinstance(items, (list, tuple)) else list(items)
        i = 0
        while i < len(seq):
            item = seq[i]
            if item.__class__ is not Sym or item.text != "-":  # type: ignore[union-attr]
                pending.append(self.symbol(item, what))
                i += 1
                continue
            if not pending:
                raise self.error(item, f"'-' must follow one or more {what}")
            if i + 1 >= len(seq):
                raise self.error(item, "expected a type after '-'")
            types = self.type_ref(seq[i + 1])
            out.extend([(p, types) for p in pending])
            pending = []
            i += 2
        if pending:
            root = self.type_ref(Sym(ROOT_TYPE, 0))
            out.extend([(p, root) for p in pending])
        return out

    def type_ref(self, node: Node) -> frozenset[str]:
        if isinstance(node, Sym):
            found = self._single_types.get(node.text)
            if found is None:  # one set per type name: objects share it
                found = self._single_types[node.text] = frozenset((node.text,))
            return found
        if node.head() == "either" and len(node.items) > 1:
            return frozenset(self.symbol(t, "a type name").text for t in node.items[1:])
        raise self.error(node, f"expected a type name or '(either TYPE ...)', got {_show(node)}")

    def requirements(self, node: SList) -> frozenset[str]:
        reqs = []
        for item in node.items[1:]:
            req = self.symbol(item, "a requirement such as :strips").text
            if req not in SUPPORTED_REQUIREMENTS:
                raise self.unsupported(item, f"requirement {req}")
            reqs.append(req)
        return frozenset(reqs)

    def formula(
        self,
        node: Node,
        variables: Mapping[str, Any],
        names: Mapping[str, Any],
        predicates: Mapping[str, Predicate],
    ) -> Formula:
        """A precondition or goal; ``variables``/``names`` are the terms allowed in it."""
        if not isinstance(node, SList):
            raise self.error(node, f"expected a '(...)' condition, got {_show(node)}")
        if not node.items:
            return And(())
        head = node.head()
        if head is None:
            raise self.error(node, f"expected a predicate or connective, got {_show(node)}")
        args = node.items[1:]

        def sub(n: Node) -> Formula:
            return self.formula(n, variables, names, predicates)

        if head == "and":
            return And(tuple(sub(a) for a in args))
        if head == "or":
            return Or(tuple(sub(a) for a in args))
        if head == "not":
            if len(args) != 1:
                raise self.error(node, f"'not' takes exactly one condition, got {len(args)}")
            return Not(sub(args[0]))
        if head == "imply":
            if len(args) != 2:
                raise self.error(node, f"'imply' takes two conditions, got {len(args)}")
            return Imply(sub(args[0]), sub(args[1]))
        if head == "=":
            if len(args) != 2:
                raise self.error(node, f"'=' takes two terms, got {len(args)}")
            left, right = (self.term(a, variables, names) for a in args)
            return Equals(left, right)
        if head in ("exists", "forall"):
            if len(args) != 2 or not isinstance(args[0], SList):
                raise self.error(node, f"expected '({head} (?x - type ...) condition)'")
            qvars = self.variable_list(args[0].items)
            inner = {**variables, **dict(qvars)}
            return Quantified(head, qvars, self.formula(args[1], inner, names, predicates))
        if head in ("<", ">", "<=", ">="):
            raise self.unsupported(node, f"numeric condition '{head}'")
        return self.atom(node, variables, names, predicates)

    def variable_list(self, items: Iterable[Node]) -> Variables:
        """``?x ?y - t ?z`` -> typed variables; every name must be a variable."""
        out = []
        for sym, tys in self.typed_list(items, "variables"):
            if not sym.text.startswith("?"):
                raise self.error(sym, f"expected a variable '?x', got '{sym.text}'")
            if self.known_types is not None:
                for t in tys:
                    if t not in self.known_types:
                        raise self.error(sym, f"undeclared type '{t}'")
            out.append((sym.text, tys))
        return tuple(out)

    def atom(
        self,
        node: SList,
        variables: Mapping[str, Any],
        names: Mapping[str, Any],
        predicates: Mapping[str, Predicate],
    ) -> Atom:
        items = node.items
        first = items[0] if items else None
        head = first.text if isinstance(first, Sym) else None
        if head is None:
            raise self.error(node, f"expected an atom '(predicate arg ...)', got {_show(node)}")
        pred = predicates.get(head)
        if pred is None:
            raise self.error(node, f"undeclared predicate '{head}' (declare it in :predicates)")
        texts = [
            a.text
            if isinstance(a, Sym) and (a.text in variables or a.text in names)
            else self.term(a, variables, names)  # raises the right error
            for a in items[1:]
        ]
        terms = tuple(texts)
        if len(terms) != pred.arity:
            raise self.error(
                node, f"predicate '{head}' takes {pred.arity} arguments, got {len(terms)}"
            )
        ground = self.ground_types
        if ground is not None:
            for term, (var, tys) in zip(terms, pred.params, strict=True):
                if term[0] != "?" and tys.isdisjoint(ground.get(term, ())):
                    raise self.error(
                        node,
                        f"'{term}' does not fit {var} - {_types_text(tys)} of predicate '{head}'",
                    )
        return Atom(head, terms)

    def term(self, node: Node, variables: Mapping[str, Any], names: Mapping[str, Any]) -> str:
        sym = self.symbol(node, "a variable or object name")
        text = sym.text
        if text.startswith("?"):
            if text not in variables:
                raise self.error(sym, f"variable '{text}' is not a parameter here")
        elif text not in names:
            raise self.error(sym, f"unknown object or constant '{text}'")
        return text


def _show(node: Node) -> str:
    text = str(node)
    return repr(text if len(text) <= 40 else text[:37] + "...")


@without_collector
def parse_domain(text: str, *, name: str = "<domain>", strict: bool = False) -> Domain:
    """Parse a PDDL domain. Raises :class:`PddlSyntaxError` (file:line: what was expected) or
    :class:`PddlUnsupported` (naming the feature).

    The whole file is read and checked except the bodies of actions (precondition and effect),
    which are read on first use, like grounding: a domain with hundreds of actions costs only
    what a plan touches. ``strict`` reads every action now (a command checking a file does).
    """
    try:
        return _parse_domain(text, name, strict)
    except RecursionError:
        raise PddlSyntaxError(f"{name}: expressions are nested too deeply") from None


def _parse_domain(text: str, name: str, strict: bool) -> Domain:
    rd = _Reader(name)
    # actions stay unread text until used (see parse_domain), when the layout allows
    split = None if strict else split_actions(text, keep_lines=False)
    # the other sections too, when they are plain (else the token reader names what is wrong)
    head = None if split is None else domain_head(split[0], SUPPORTED_REQUIREMENTS)
    if head is not None:
        quick = _quick_domain(rd, head, split, text, name)  # type: ignore[arg-type]
        if quick is not None:
            return quick
    if split is not None:  # the token reader names lines: the rest with its line breaks
        split = split_actions(text)
    root = rd.top(text if split is None else split[0], "domain")
    domain_name = root.items[1].items[1].text  # type: ignore[union-attr]
    requirements: frozenset[str] = frozenset({":strips"})
    parents: dict[str, set[str]] = {}
    types_declared = False
    constants: dict[str, frozenset[str]] = {}
    predicates: dict[str, Predicate] = {}
    raw_actions: list[SList] = []
    raw_derived: list[SList] = []
    functions: dict[str, int] = {}
    typed_symbols: list[tuple[Sym, frozenset[str]]] = []  # checked once every type is known
    expected = ":requirements, :types, :constants, :predicates, :functions or :action"
    for node in root.items[2:]:
        key, sec = rd.section(node, expected)
        if key == ":requirements":
            requirements = rd.requirements(sec)
        elif key == ":types":
            types_declared = True
            for sym, sup in rd.typed_list(sec.items[1:], "type names"):
                parents.setdefault(sym.text, set()).update(sup)
        elif key == ":constants":
            for sym, tys in rd.typed_list(sec.items[1:], "constant names"):
                constants[sym.text] = constants.get(sym.text, frozenset()) | tys
                typed_symbols.append((sym, tys))
        elif key == ":predicates":
            for item in sec.items[1:]:
                if not isinstance(item, SList) or item.head() is None:
                    raise rd.error(item, f"expected '(predicate ?x - type ...)', got {_show(item)}")
                pname = item.head() or ""
                if pname in predicates:
                    raise rd.error(item, f"predicate '{pname}' is declared twice")
                params = rd.typed_list(item.items[1:], "variables")
                for sym, _ in params:
                    if not sym.text.startswith("?"):
                        raise rd.error(sym, f"expected a variable '?x', got '{sym.text}'")
                predicates[pname] = Predicate(pname, tuple((s.text, t) for s, t in params))
                typed_symbols.extend(params)
        elif key == ":functions":
            functions.update(_functions(rd, sec))
        elif key == ":action":
            raw_actions.append(sec)
        elif key == ":derived":
            raw_derived.append(sec)
        elif key in (":durative-action", ":axiom", ":constraints"):
            raise rd.unsupported(sec, f"'{key}'")
        else:
            raise rd.error(sec, f"unknown section '{key}', expected {expected}")

    ancestors = _type_closure(rd, parents, root.line)
    known_types = set(ancestors)

    def check_types(tys: frozenset[str], where: Node) -> None:
        for t in tys:
            if t not in known_types:
                hint = "" if types_declared else " (the domain has no :types section)"
                raise rd.error(where, f"undeclared type '{t}'{hint}")

    for sym, tys in typed_symbols:
        check_types(tys, sym)
    return _build_domain(rd, text, name, split, domain_name, requirements, ancestors, constants,
                         predicates, functions, raw_actions, raw_derived, check_types, root.line,
                         strict)


def _quick_domain(
    rd: _Reader,
    head: DomainHead,
    split: tuple[str, list[tuple[str, int, int]]],
    text: str,
    name: str,
) -> Domain | None:
    """The domain from quickly read sections, or None when a type is undeclared or the types
    are cyclic (the token reader then reads the file and names the line)."""
    try:
        ancestors = _type_closure(rd, head.parents, 1)
    except PddlSyntaxError:
        return None
    # the type sets used (one object per type in most domains: a set of them is small)
    if any(not tys.issubset(ancestors) for tys in set(head.typed)):
        return None
    predicates = {p: Predicate(p, params) for p, params in head.predicates.items()}

    def check_types(tys: frozenset[str], where: Node) -> None:
        for t in tys:
            if t not in ancestors:
                hint = "" if head.types_declared else " (the domain has no :types section)"
                raise rd.error(where, f"undeclared type '{t}'{hint}")

    rules: dict[str, list[DerivedRule]] = {}
    if head.derived:  # read as lists too; anything off: the token reader reads the file
        reader = QuickReader(head.constants, predicates, ancestors, frozenset(), head.functions)
        for items in head.derived:
            found = reader.derived_rule(items)
            if found is None:
                return None
            pname, variables, body = found
            rules.setdefault(pname, []).append(DerivedRule(
                pname, tuple(v for v, _ in variables), variables, body, conjuncts(body)))
    return _build_domain(rd, text, name, split, head.name, head.requirements, ancestors,
                         head.constants, predicates, head.functions, [], [], check_types, 1,
                         derived_rules=rules)


def _build_domain(
    rd: _Reader,
    text: str,
    name: str,
    split: tuple[str, list[tuple[str, int, int]]] | None,
    domain_name: str,
    requirements: frozenset[str],
    ancestors: dict[str, frozenset[str]],
    constants: dict[str, frozenset[str]],
    predicates: dict[str, Predicate],
    functions: dict[str, int],
    raw_actions: list[SList],
    raw_derived: list[SList],
    check_types: Callable[[frozenset[str], Node], None],
    root_line: int,
    strict: bool = False,
    derived_rules: dict[str, list[DerivedRule]] | None = None,
) -> Domain:
    """The domain from its read sections (actions as unread text or read sections; derived
    rules as sections or already read)."""
    rd.known_types = ancestors
    rd.functions = functions
    derived = (derived_rules if derived_rules is not None
               else _parse_derived(rd, raw_derived, constants, predicates))
    chunks = split[1] if split is not None else []
    # an action's span by its name (C calls; a grounded domain has hundreds of actions)
    sections: dict[str, SList | tuple[int, int]] = dict(
        zip(map(_first, chunks), map(_SPAN, chunks), strict=True))
    if len(sections) != len(chunks):
        seen: set[str] = set()
        for aname, start, _ in chunks:
            if aname in seen:
                raise rd.error(line_of(text, start), f"action '{aname}' is declared twice")
            seen.add(aname)
    for sec in raw_actions:
        if len(sec.items) < 2:
            raise rd.error(sec, "expected an action name after ':action'")
        aname = rd.symbol(sec.items[1], "an action name").text
        if aname in sections:
            raise rd.error(sec, f"action '{aname}' is declared twice")
        sections[aname] = sec
    frozen_derived = frozenset(derived)

    quick_reader = QuickReader(constants, predicates, ancestors, frozen_derived, functions)
    # look-alike actions pay off in grounded domains of many actions (see shapes); elsewhere
    # computing shapes would cost more than it saves
    shapes = (ShapeCache(ancestors, quick_reader.arities, frozen_derived, constants, functions)
              if len(sections) >= SHAPED_DOMAIN_ACTIONS else None)

    def shaped(text: str, keyed: Any = None) -> Action | None:
        """The action of ``text`` if its shape was read before (see shapes), else None
        (``keyed``: its :meth:`ShapeCache.key`, when known)."""
        if shapes is None:
            return None
        if keyed is None:
            keyed = shapes.key(text)
        if keyed is None:
            return None
        hit = shapes.find(keyed[0], keyed[1])
        return None if hit is None else _from_shape(text, keyed, hit, quick_reader)

    def quick(piece: str | list[Any], text: str | None = None) -> Action | None:
        """The action of ``piece`` (its text, or its lists and optionally its ``text``)."""
        if isinstance(piece, str):
            found = shaped(piece)
            if found is not None:
                return found
            text = piece
            lists = read_lists(piece)
            if lists is None or len(lists) != 1:
                return None
            piece = lists[0]
        head = quick_reader.header(piece)
        if head is None:
            return None
        aname, params, fields = head
        variables = tuple(v for v, _ in params)
        parts = direct_parts(quick_reader, fields, variables, frozen_derived)
        if parts is not None:  # plain STRIPS: compiled straight from the lists
            symbols, pos, neg, eq, neq, dels, adds, cost, varying, checks = parts
            compiled = _Compiled(symbols, pos, neg, eq, neq, (), dels, adds, cost,
                                 Effect(costs=varying) if varying else None, checks)
            if shapes is not None and text is not None and not varying:
                _store_shape(shapes, text, params, compiled)
            return Action.deferred(aname, params, compiled,
                                   lambda: _read_body(quick_reader, aname, fields, params))
        body = quick_reader.body(fields, params)
        if body is None:
            return None
        precondition, effect = body
        compiled = _compile(variables, precondition, effect, frozen_derived)
        return Action(aname, params, precondition, effect.adds, effect.dels, compiled, effect)

    actions = LazyActions(
        sections,
        lambda sec: _parse_action(rd, sec, constants, predicates, check_types, frozen_derived),
        lambda sec: _action_params(rd, sec, check_types),
        name,
        quick,
        text,
        None if shapes is None else shaped,
    )
    if strict:
        actions.parse_all()
    return Domain(
        name=domain_name,
        requirements=requirements,
        types=ancestors,
        constants=constants,
        predicates=predicates,
        actions=actions,
        source=text,
        file_name=name,
        derived={p: tuple(r) for p, r in derived.items()},
        strata=_strata(rd, derived, root_line),
        functions=functions,
    )


def _store_shape(
    shapes: ShapeCache,
    text: str,
    params: tuple[tuple[str, frozenset[str]], ...],
    compiled: _Compiled,
) -> None:
    """Keep a directly compiled action's parts for the shape of its ``text``, its names as
    positions (not kept when a name it uses is not in its text, such as the default type
    ``object``)."""
    keyed = shapes.key(text)
    if keyed is None:
        return
    shape, names, _ = keyed
    at = {name: i for i, name in enumerate(names)}
    if any(t not in at for _, tys in params for t in tys) or any(
            s not in at for s in compiled.symbols):
        return
    symbols_at = tuple(at[s] for s in compiled.symbols)
    shapes.store(shape, names, (
        tuple((var, tuple(at[t] for t in tys)) for var, tys in params),
        # the new action's symbols picked from its names by one C call
        (lambda _names: ()) if not symbols_at else
        (lambda names, _i=symbols_at[0]: (names[_i],)) if len(symbols_at) == 1 else
        itemgetter(*symbols_at),
        tuple(compiled[1:]),  # the rest of the compiled form, shared as it is
    ))


def _from_shape(
    text: str, keyed: tuple[Any, list[str], str], parts: tuple[Any, ...], reader: QuickReader
) -> Action:
    """The action of ``text`` from the parts of its shape, with its own names; its
    precondition and effect read from its text when asked for."""
    _, names, aname = keyed
    params_at, symbols_of, rest = parts
    params = tuple((var, frozenset([names[i] for i in tys])) for var, tys in params_at) \
        if params_at else ()

    def body() -> tuple[Formula, Effect]:
        sec = (read_lists(text) or [[]])[0]
        fields = {sec[i]: sec[i + 1] for i in range(2, len(sec) - 1, 2)}
        return _read_body(reader, aname, fields, params)

    # the compiled form made by tuple's own constructor (a NamedTuple's is a Python call)
    return Action.deferred(aname, params, _tuple_new(_Compiled, (symbols_of(names), *rest)), body)


_tuple_new = tuple.__new__


def _read_body(
    reader: QuickReader, name: str, fields: dict[str, Any],
    params: tuple[tuple[str, frozenset[str]], ...],
) -> tuple[Formula, Effect]:
    """The precondition and effect of an action the direct path compiled (same checks)."""
    body = reader.body(fields, params)
    if body is None:  # the direct path accepted it, so the quick reader must
        raise PddlSyntaxError(f"action '{name}': its precondition or effect does not read back")
    return body


def _functions(rd: _Reader, sec: SList) -> dict[str, int]:
    """``(:functions (total-cost) - number (dist ?a ?b - place) - number)`` -> name -> arity.

    Functions serve action costs: ``total-cost`` and static values read by its increases.
    """
    out: dict[str, int] = {}
    items = list(sec.items[1:])
    for i, item in enumerate(items):
        if isinstance(item, SList):
            fname = item.head()
            if fname is None:
                raise rd.error(item, f"expected '(function ?x ...)', got {_show(item)}")
            out[fname] = len(rd.typed_list(item.items[1:], "variables"))
        elif item.text != "-" and not (
            i > 0 and isinstance(items[i - 1], Sym) and items[i - 1].text == "-"
        ):  # type: ignore[union-attr]
            raise rd.error(item, f"expected '(function ...)', got {_show(item)}")
    return out


def _parse_derived(
    rd: _Reader,
    sections: list[SList],
    constants: Mapping[str, frozenset[str]],
    predicates: Mapping[str, Predicate],
) -> dict[str, list[DerivedRule]]:
    out: dict[str, list[DerivedRule]] = {}
    for sec in sections:
        if len(sec.items) != 3 or not isinstance(sec.items[1], SList):
            raise rd.error(sec, "expected '(:derived (predicate ?x ...) condition)'")
        head = sec.items[1]
        pname = head.head()
        if pname is None or pname not in predicates:
            raise rd.error(head, f"derived predicate {_show(head)} is not declared in :predicates")
        variables = rd.variable_list(head.items[1:])
        if len(variables) != predicates[pname].arity:
            raise rd.error(
                head, f"predicate '{pname}' takes {predicates[pname].arity} arguments, "
                f"got {len(variables)}"
            )
        body = rd.formula(sec.items[2], dict(variables), constants, predicates)
        rule = DerivedRule(
            pname, tuple(v for v, _ in variables), variables, body, conjuncts(body)
        )
        out.setdefault(pname, []).append(rule)
    return out


def _occurrences(formula: Formula, positive: bool, out: set[tuple[str, bool]]) -> None:
    """(predicate, occurs positively) for every atom of ``formula``."""
    if isinstance(formula, Atom):
        out.add((formula.predicate, positive))
    elif isinstance(formula, Not):
        _occurrences(formula.arg, not positive, out)
    elif isinstance(formula, (And, Or)):
        for a in formula.args:
            _occurrences(a, positive, out)
    elif isinstance(formula, Imply):
        _occurrences(formula.antecedent, not positive, out)
        _occurrences(formula.consequent, positive, out)
    elif isinstance(formula, Quantified):
        _occurrences(formula.body, positive, out)


def _strata(
    rd: _Reader, derived: Mapping[str, list[DerivedRule]], line: int
) -> tuple[tuple[tuple[str, ...], bool], ...]:
    """Derived predicates grouped in strongly connected components, dependencies first.

    A predicate may depend on itself (recursion) only positively: a negative cycle has no
    stratified meaning and is rejected.
    """
    deps: dict[str, set[tuple[str, bool]]] = {}
    for pred, rules in derived.items():
        occ: set[tuple[str, bool]] = set()
        for rule in rules:
            _occurrences(rule.body, True, occ)
        deps[pred] = {(q, pos) for q, pos in occ if q in derived}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    order: list[tuple[str, ...]] = []

    def visit(v: str) -> None:  # Tarjan: components come out dependencies first
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w, _ in deps[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            order.append(tuple(sorted(comp)))

    for v in sorted(deps):
        if v not in index:
            visit(v)
    out = []
    for comp in order:
        members = set(comp)
        edges = [(q, pos) for p in comp for q, pos in deps[p] if q in members]
        if any(not pos for _, pos in edges):
            raise rd.error(line, f"derived predicates {', '.join(comp)} depend on each other "
                           "through negation (not stratified)")
        out.append((comp, bool(edges)))
    return tuple(out)


def _type_closure(
    rd: _Reader, parents: Mapping[str, set[str]], line: int
) -> dict[str, frozenset[str]]:
    """Type -> all its ancestors (itself and ``object`` included); rejects cycles."""
    graph: dict[str, set[str]] = {ROOT_TYPE: set()}
    for t, sup in parents.items():
        graph.setdefault(t, set()).update(s for s in sup if s != t)
        for s in sup:
            graph.setdefault(s, set())
    closure: dict[str, frozenset[str]] = {}

    def visit(t: str, path: tuple[str, ...]) -> frozenset[str]:
        if t in closure:
            return closure[t]
        if t in path:
            raise rd.error(line, f"the type hierarchy has a cycle: {' -> '.join((*path, t))}")
        result = {t, ROOT_TYPE}
        for s in graph[t]:
            result |= visit(s, (*path, t))
        closure[t] = frozenset(result)
        return closure[t]

    for t in graph:
        visit(t, ())
    return closure


def _parse_action(
    rd: _Reader,
    sec: SList,
    constants: Mapping[str, frozenset[str]],
    predicates: Mapping[str, Predicate],
    check_types: Callable[[frozenset[str], Node], None],
    derived: frozenset[str],
) -> Action:
    items = sec.items
    if len(items) < 2:
        raise rd.error(sec, "expected an action name after ':action'")
    name = rd.symbol(items[1], "an action name").text
    fields = _action_fields(rd, sec, name)
    params = _action_params(rd, sec, check_types)
    variables = dict(params)
    pre_node = fields.get(":precondition")
    precondition = (
        And(()) if pre_node is None else rd.formula(pre_node, variables, constants, predicates)
    )
    eff_node = fields.get(":effect")
    effect = (
        Effect()
        if eff_node is None
        else _parse_effect(rd, eff_node, variables, constants, predicates, derived)
    )
    compiled = _compile(tuple(v for v, _ in params), precondition, effect, derived)
    return Action(
        name, tuple(params), precondition, effect.adds, effect.dels, compiled, effect
    )


def _action_fields(rd: _Reader, sec: SList, name: str) -> dict[str, Node]:
    """``:parameters``, ``:precondition`` and ``:effect`` of an action section."""
    items = sec.items
    fields: dict[str, Node] = {}
    i = 2
    while i < len(items):
        key = rd.symbol(items[i], "':parameters', ':precondition' or ':effect'")
        if key.text not in (":parameters", ":precondition", ":effect"):
            raise rd.error(
                key, f"expected ':parameters', ':precondition' or ':effect', got '{key.text}'"
            )
        if i + 1 >= len(items):
            raise rd.error(key, f"expected a value after '{key.text}'")
        if key.text in fields:
            raise rd.error(key, f"'{key.text}' given twice in action '{name}'")
        fields[key.text] = items[i + 1]
        i += 2
    return fields


def _action_params(
    rd: _Reader, sec: SList, check_types: Callable[[frozenset[str], Node], None]
) -> tuple[tuple[str, frozenset[str]], ...]:
    name = sec.items[1].text  # type: ignore[union-attr]  # checked when the names were read
    pnode = _action_fields(rd, sec, name).get(":parameters")
    params: list[tuple[str, frozenset[str]]] = []
    if pnode is not None:
        if not isinstance(pnode, SList):
            raise rd.error(
                pnode, f"expected '(?x - type ...)' after ':parameters', got {_show(pnode)}"
            )
        for sym, tys in rd.typed_list(pnode.items, "variables"):
            if not sym.text.startswith("?"):
                raise rd.error(sym, f"expected a variable '?x', got '{sym.text}'")
            if any(sym.text == v for v, _ in params):
                raise rd.error(sym, f"parameter '{sym.text}' appears twice in action '{name}'")
            check_types(tys, sym)
            params.append((sym.text, tys))
    return tuple(params)


def _parse_effect(
    rd: _Reader,
    node: Node,
    variables: Mapping[str, Any],
    names: Mapping[str, Any],
    predicates: Mapping[str, Predicate],
    derived: frozenset[str],
) -> Effect:
    """An effect tree: literals, ``and``, ``when``, ``forall`` and total-cost increases."""
    adds: list[Atom] = []
    dels: list[Atom] = []
    whens: list[When] = []
    foralls: list[ForallEffect] = []
    costs: list[NumExpr] = []

    def literal_atom(n: SList) -> Atom:
        atom = rd.atom(n, variables, names, predicates)
        if atom.predicate in derived:
            raise rd.error(n, f"derived predicate '{atom.predicate}' cannot be an effect")
        return atom

    def walk(n: Node) -> None:
        if not isinstance(n, SList):
            raise rd.error(n, f"expected an effect '(...)', got {_show(n)}")
        if not n.items:
            return
        head = n.head()
        if head == "and":
            for item in n.items[1:]:
                walk(item)
        elif head == "not":
            if len(n.items) != 2 or not isinstance(n.items[1], SList):
                raise rd.error(n, f"expected '(not (predicate arg ...))', got {_show(n)}")
            dels.append(literal_atom(n.items[1]))
        elif head == "increase":
            target = n.items[1] if len(n.items) == 3 else None
            if not (isinstance(target, SList) and target.head() == "total-cost"):
                raise rd.unsupported(n, f"numeric effect {_show(n)}")
            costs.append(_num_expr(rd, n.items[2], variables, names))
        elif head == "when":
            if len(n.items) != 3:
                raise rd.error(n, "expected '(when condition effect)'")
            cond = rd.formula(n.items[1], variables, names, predicates)
            whens.append(
                When(cond, _parse_effect(rd, n.items[2], variables, names, predicates, derived))
            )
        elif head == "forall":
            if len(n.items) != 3 or not isinstance(n.items[1], SList):
                raise rd.error(n, "expected '(forall (?x - type ...) effect)'")
            qvars = rd.variable_list(n.items[1].items)
            inner = {**variables, **dict(qvars)}
            foralls.append(
                ForallEffect(
                    qvars, _parse_effect(rd, n.items[2], inner, names, predicates, derived)
                )
            )
        elif head in ("decrease", "assign", "scale-up", "scale-down"):
            raise rd.unsupported(n, f"numeric effect '{head}'")
        else:
            adds.append(literal_atom(n))

    walk(node)
    return Effect(tuple(adds), tuple(dels), tuple(whens), tuple(foralls), tuple(costs))


def _num_expr(
    rd: _Reader, node: Node, variables: Mapping[str, Any], names: Mapping[str, Any]
) -> NumExpr:
    """A cost: a number, a function term such as ``(road-length ?a ?b)``, or arithmetic."""
    if isinstance(node, Sym):
        try:
            return float(node.text)
        except ValueError:
            raise rd.error(node, f"expected a number or '(function ...)', got '{node.text}'") from None
    head = node.head()
    if head in ("+", "-", "*", "/") and len(node.items) >= 2:
        return Arith(head, tuple(_num_expr(rd, a, variables, names) for a in node.items[1:]))
    if head is None or head not in rd.functions:
        raise rd.error(node, f"undeclared function {_show(node)} (declare it in :functions)")
    terms = tuple(rd.term(a, variables, names) for a in node.items[1:])
    if len(terms) != rd.functions[head]:
        raise rd.error(node, f"function '{head}' takes {rd.functions[head]} arguments")
    return FunctionTerm(head, terms)


def _compile(
    variables: tuple[str, ...], precondition: Formula, effect: Effect, derived: frozenset[str]
) -> _Compiled:
    """Turn lifted atoms into getters over ``vals = step.args + symbols`` (see module docstring).

    Literals over plain predicates become getters; everything else (quantifiers, disjunctions,
    derived atoms) is left to the general path, and so are conditional and universal effects.
    """
    index = {v: i for i, v in enumerate(variables)}  # then symbols, after the variables
    symbols: list[str] = []

    def slot(term: str) -> int:
        found = index.get(term)
        if found is None:
            found = index[term] = len(index)
            symbols.append(term)
        return found

    def getter(atom: Atom) -> Callable[[tuple[str, ...]], GroundAtom]:
        if not atom.terms:
            key = (atom.predicate,)
            return lambda _vals, _key=key: _key
        slots = []
        for term in (atom.predicate, *atom.terms):
            found = index.get(term)
            if found is None:
                found = index[term] = len(index)
                symbols.append(term)
            slots.append(found)
        return itemgetter(*slots)

    del_getters = tuple(getter(a) for a in effect.dels)
    add_getters = tuple(getter(a) for a in effect.adds)
    pos, neg, eq, neq, general = [], [], [], [], []
    for c in conjuncts(precondition):
        if isinstance(c, Atom) and c.predicate not in derived:
            pos.append(getter(c))
        elif isinstance(c, Equals):
            eq.append((slot(c.left), slot(c.right)))
        elif isinstance(c, Not) and isinstance(c.arg, Atom) and c.arg.predicate not in derived:
            neg.append(getter(c.arg))
        elif isinstance(c, Not) and isinstance(c.arg, Equals):
            neq.append((slot(c.arg.left), slot(c.arg.right)))
        else:
            general.append(c)
    constant = sum(c for c in effect.costs if isinstance(c, float))
    varying = tuple(c for c in effect.costs if not isinstance(c, float))
    extra = None
    if effect.whens or effect.foralls or varying:
        extra = Effect(whens=effect.whens, foralls=effect.foralls, costs=varying)
    return _Compiled(
        symbols=tuple(symbols),
        pos=tuple(pos),
        neg=tuple(neg),
        eq=tuple(eq),
        neq=tuple(neq),
        general=tuple(general),
        dels=del_getters,
        adds=add_getters,
        cost=float(constant),
        extra=extra,
    )


@without_collector
def parse_problem(text: str, domain: Domain, *, name: str = "<problem>") -> Problem:
    """Parse a PDDL problem against ``domain``; errors as in :func:`parse_domain`."""
    try:
        return _parse_problem(text, domain, name)
    except RecursionError:
        raise PddlSyntaxError(f"{name}: expressions are nested too deeply") from None


def _parse_problem(text: str, domain: Domain, name: str) -> Problem:
    rd = _Reader(name)
    # a plain :init (most problems) is read without tokens
    quick = split_init(text, keep_lines=False)
    # the other sections too, when they are plain (else the token reader names what is wrong)
    sections = None if quick is None else problem_sections(quick[0])
    if sections is not None:
        objects = _quick_objects(sections, domain)
        if objects is not None:
            problem_name = sections[0]
            return _build_problem(rd, text, domain, name, quick, problem_name, objects, [],
                                  None, sections[4])
    if quick is not None:  # the token reader names lines: the rest with its line breaks
        quick = split_init(text)
    root = rd.top(text if quick is None else quick[0], "problem")
    problem_name = root.items[1].items[1].text  # type: ignore[union-attr]
    objects = dict(domain.constants)
    init_nodes: list[Node] = []
    goal_node: Node | None = None
    seen: set[str] = set()
    expected = ":domain, :requirements, :objects, :init, :goal or :metric"
    domain_ref: str | None = None
    for node in root.items[2:]:
        key, sec = rd.section(node, expected)
        if key in seen:
            raise rd.error(sec, f"section '{key}' appears twice")
        seen.add(key)
        if key == ":domain":
            if len(sec.items) != 2:
                raise rd.error(sec, "expected '(:domain NAME)'")
            domain_ref = rd.symbol(sec.items[1], "a domain name").text
            if domain_ref != domain.name:
                raise rd.error(
                    sec, f"problem is for domain '{domain_ref}' but the domain is '{domain.name}'"
                )
        elif key == ":requirements":
            rd.requirements(sec)
        elif key == ":objects":
            for sym, tys in rd.typed_list(sec.items[1:], "object names"):
                for t in tys:
                    if t not in domain.types:
                        raise rd.error(sym, f"undeclared type '{t}' for object '{sym.text}'")
                objects[sym.text] = objects.get(sym.text, frozenset()) | tys
        elif key == ":init":
            init_nodes = list(sec.items[1:])
        elif key == ":goal":
            if len(sec.items) != 2:
                raise rd.error(sec, "expected exactly one condition in '(:goal ...)'")
            goal_node = sec.items[1]
        elif key == ":metric":
            continue
        elif key == ":constraints":
            raise rd.unsupported(sec, "':constraints'")
        else:
            raise rd.error(sec, f"unknown section '{key}', expected {expected}")
    if domain_ref is None:
        raise rd.error(root, "missing '(:domain NAME)' section")
    if goal_node is None:
        raise rd.error(root, "missing '(:goal ...)' section")
    return _build_problem(rd, text, domain, name, quick, problem_name, objects, init_nodes,
                          goal_node, None)


def _quick_objects(
    sections: tuple[str, str, list[str], list[str], Any], domain: Domain
) -> dict[str, frozenset[str]] | None:
    """The objects (and constants) of quickly read sections, or None when the sections need
    the general reader (another domain, an unsupported requirement, an odd object list)."""
    _, domain_ref, requirements, items, _ = sections
    if domain_ref != domain.name or not SUPPORTED_REQUIREMENTS.issuperset(requirements):
        return None
    typed = typed_names(items, domain.types)
    if typed is None:
        return None
    objects: dict[str, frozenset[str]] = dict(domain.constants)
    for obj, tys in typed:
        found = objects.get(obj)
        objects[obj] = tys if found is None else found | tys
    return objects


def _build_problem(
    rd: _Reader,
    text: str,
    domain: Domain,
    name: str,
    quick: tuple[str, list[tuple[str, ...]], list[tuple[list[str], str]], int] | None,
    problem_name: str,
    objects: dict[str, frozenset[str]],
    init_nodes: list[Node],
    goal_node: Node | None,
    goal_lists: Any,
) -> Problem:
    """The problem from its read sections: ``goal_node`` (tokens) or ``goal_lists`` (quick)."""
    # objects grouped by their declared types first: problems have many objects, few types
    declared: dict[frozenset[str], list[str]] = {}
    for obj, tys in objects.items():
        group = declared.get(tys)
        if group is None:
            group = declared[tys] = []
        group.append(obj)
    ground: dict[str, frozenset[str]] = {}
    by_type: dict[str, set[str]] = {}
    for tys, objs in declared.items():
        closure = frozenset().union(*(domain.types.get(t, frozenset({t})) for t in tys))
        ground.update(dict.fromkeys(objs, closure))
        for t in closure:
            by_type.setdefault(t, set()).update(objs)
    rd.ground_types = ground
    by_type_frozen = {t: frozenset(o) for t, o in by_type.items()}
    init: set[GroundAtom] = set()
    numeric: dict[GroundAtom, float] = {}
    if quick is not None:
        fast = _quick_init(quick[1], domain, by_type_frozen)
        values = _quick_values(quick[2], domain, objects) if fast is not None else None
        if fast is not None and values is not None:
            init, numeric = fast, values  # type: ignore[assignment]  # frozen: kept as is
        else:  # something is wrong in it: read the file the usual way for a precise message
            init_nodes = next(
                list(n.items[1:])
                for n in rd.top(text, "problem").items[2:]
                if isinstance(n, SList) and n.head() == ":init"
            )
    for node in init_nodes:
        if isinstance(node, SList) and node.head() == "=":
            # numeric initial values of functions (action costs read them)
            target = node.items[1] if len(node.items) == 3 else None
            value = node.items[2] if len(node.items) == 3 else None
            if not isinstance(target, SList) or target.head() not in domain.functions:
                raise rd.unsupported(node, f"numeric initial value {_show(node)}")
            try:
                number = float(value.text) if isinstance(value, Sym) else None
            except ValueError:
                number = None
            if number is None:
                raise rd.error(node, f"expected '(= (function ...) NUMBER)', got {_show(node)}")
            key = (target.head() or "", *(rd.term(a, {}, objects) for a in target.items[1:]))
            numeric[key] = number
            continue
        if not isinstance(node, SList):
            raise rd.error(node, f"expected a ground atom '(predicate obj ...)', got {_show(node)}")
        if node.head() == "not":
            raise rd.error(node, "':init' lists true atoms only (everything else is false)")
        atom = rd.atom(node, {}, objects, domain.predicates)
        init.add((atom.predicate, *atom.terms))
    rd.known_types = domain.types
    goal = None
    if goal_lists is not None:
        # what the domain's readers share: kept on the domain (see _domain_reading)
        derived_names, arities = _domain_reading(domain)
        reader = QuickReader(objects, domain.predicates, domain.types, derived_names,
                             domain.functions, arities)
        goal = reader.goal(goal_lists, ground)
    if goal is None:
        if goal_node is None:  # read quickly but not accepted: the token reader says why
            goal_node = next(
                n.items[1] if len(n.items) == 2 else n
                for n in rd.top(text, "problem").items[2:]
                if isinstance(n, SList) and n.head() == ":goal"
            )
        goal = rd.formula(goal_node, {}, objects, domain.predicates)
    return Problem(
        name=problem_name,
        domain_name=domain.name,
        objects=objects,
        init=frozenset(init),
        goal=goal,
        param_domains=_ParamDomains(domain, by_type_frozen),
        domain=domain,
        source=text,
        file_name=name,
        goal_parts=_goal_parts(goal, frozenset(domain.derived)),
        numeric=numeric,
        by_type=by_type_frozen,
    )


def _domain_reading(domain: Domain) -> tuple[frozenset[str], dict[str, int]]:
    """The domain's derived predicates and predicate arities, worked out once per domain (a
    batch reads many problems of one domain)."""
    found = domain.compiled.get("reading")
    if found is None:
        found = domain.compiled["reading"] = (
            frozenset(domain.derived),
            {name: pred.arity for name, pred in domain.predicates.items()},
        )
    return found  # type: ignore[no-any-return]


class _ParamDomains(Mapping[str, tuple[frozenset[str], ...]]):
    """Action -> per parameter, the objects whose type fits (subtypes included); computed per
    action on first use, from its parameters alone (its body stays unread)."""

    def __init__(self, domain: Domain, by_type: Mapping[str, frozenset[str]]) -> None:
        self._domain = domain
        self._by_type = by_type
        self._pools: dict[frozenset[str], frozenset[str]] = {}
        self._done: dict[str, tuple[frozenset[str], ...]] = {}

    def __getitem__(self, name: str) -> tuple[frozenset[str], ...]:
        found = self._done.get(name)
        if found is None:
            actions = self._domain.actions
            params = (
                actions.params(name) if isinstance(actions, LazyActions) else actions[name].params
            )
            doms = []
            for _, tys in params:
                pool = self._pools.get(tys)
                if pool is None:
                    pool = frozenset().union(*(self._by_type.get(t, frozenset()) for t in tys))
                    self._pools[tys] = pool
                doms.append(pool)
            found = tuple(doms)
            self._done[name] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._domain.actions)

    def __len__(self) -> int:
        return len(self._domain.actions)


_first = itemgetter(0)
_SPAN = itemgetter(1, 2)
_ITEM = tuple(itemgetter(i) for i in range(8))


def _quick_init(
    atoms: list[tuple[str, ...]], domain: Domain, by_type: Mapping[str, frozenset[str]]
) -> frozenset[GroundAtom] | None:
    """The ground atoms, each checked (predicate, arity, objects, types); None when one fails
    a check, so that the usual reader can name the problem and its line.

    Checked per predicate, a position at a time: the arguments found there must all be among
    the objects of one of the parameter's types (``by_type``: subtypes included), a set
    inclusion, so a big :init costs little more than reading it."""
    if not all(atoms):
        return None  # an empty '()'
    groups: dict[str, list[GroundAtom]] = {}
    for pred, run in groupby(atoms, _first):  # files list an :init predicate by predicate
        group = groups.get(pred)
        if group is None:
            groups[pred] = list(run)
        else:
            group.extend(run)
    pools: dict[frozenset[str], frozenset[str]] = {}
    for name, group in groups.items():
        pred = domain.predicates.get(name)
        if pred is None or set(map(len, group)) != {pred.arity + 1}:
            return None
        for i, (_, tys) in enumerate(pred.params, start=1):  # a position at a time
            pool = pools.get(tys)
            if pool is None:
                pool = pools[tys] = frozenset().union(*(by_type.get(t, frozenset()) for t in tys))
            if not pool.issuperset(map(_ITEM[i] if i < len(_ITEM) else itemgetter(i), group)):
                return None
    return frozenset(atoms)


def _quick_values(
    values: list[tuple[list[str], str]], domain: Domain, objects: Mapping[str, frozenset[str]]
) -> dict[GroundAtom, float] | None:
    """The numeric values of a quick :init, each checked (declared function, known objects, a
    number) as the usual reader does; None at the first that fails a check."""
    out: dict[GroundAtom, float] = {}
    for target, number in values:
        if not target or target[0] not in domain.functions:
            return None
        if any(arg not in objects for arg in target[1:]):
            return None
        try:
            out[tuple(target)] = float(number)
        except ValueError:
            return None
    return out


def _goal_parts(
    goal: Formula, derived: frozenset[str]
) -> tuple[tuple[GroundAtom | None, Formula], ...]:
    """Goal conjuncts, each with its ground atom when it is a plain atom (a set look-up)."""
    return tuple(
        (
            (g.predicate, *g.terms)
            if isinstance(g, Atom) and g.predicate not in derived
            else None,
            g,
        )
        for g in conjuncts(goal)
    )


def _types_text(types: frozenset[str]) -> str:
    if len(types) == 1:
        return f"'{next(iter(types))}'"
    return "(either " + " ".join(sorted(types)) + ")"
