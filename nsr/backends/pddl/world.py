"""The general evaluation path: formulas with quantifiers and derived predicates, effects with
conditions, in one state of one problem.

Why a separate object: quantifiers need the problem's objects, derived predicates need their
rules and the whole state (a stratified fixpoint), and both are costly, so a :class:`World` is
built per state only when a step needs it and computes its derived atoms lazily, once; its fact
indexes (:class:`~nsr.backends.pddl.facts.FactIndex`) are the validation's, kept up to date
across steps. Grounding stays lazy: nothing is enumerated up front; a quantified condition or a
derived rule binds its variables by joining positive atoms with the facts of the state (only the
variables no positive atom binds are tried against every object of their type).

Conditions are evaluated by functions compiled from them
(:mod:`~nsr.backends.pddl.compiled`) once compiling pays: CPython's ``compile`` costs a tenth
of a millisecond to a millisecond per condition, as much as tens to hundreds of interpreted
uses, and a short plan uses most conditions only a few times. So each condition (a derived
rule, a quantified test, a ``forall`` join, an action's conditional and universal effects) is
interpreted first, the time spent interpreting it summed, and compiled once that sum reaches
its budget (``*_BUDGET``, seconds): the classic rent-or-buy rule, which spends at most a
bounded amount more than the better choice in hindsight would have (a long plan or a batch
compiles what it uses often; a short plan compiles little). Until then, and for a condition
too big to compile, the interpreter below (``_holds``, ``_solve``, ``collect``) evaluates it
with the same search order, so the tier never changes a verdict; ``forall``/``when`` effects
of the common shape are run by join plans (:mod:`~nsr.backends.pddl.joins`) instead of being
interpreted.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from time import perf_counter
from typing import TYPE_CHECKING, Any

from nsr.backends.pddl.compiled import (
    CompileLimit,
    compile_effect,
    compile_query,
    compile_rule,
    compile_test,
    contains_atom,
    openable,
)
from nsr.backends.pddl.effects import Arith, Effect, FunctionTerm, NumExpr
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
    conjuncts,
    free_variables,
    negated_conjuncts,
)
from nsr.backends.pddl.formulas import holds as plain_holds
from nsr.backends.pddl.joins import plan_forall_when, run_plan

if TYPE_CHECKING:
    from nsr.backends.pddl.reader import Problem

Binding = dict[str, str]


DERIVED_CACHE_SIZE = 4096  # states whose derived atoms a problem keeps
# seconds of interpretation after which a condition is compiled (see the module docstring);
# 0 compiles at first use. Measured on the IPC plans (a plan a fresh process): budgets of
# 0.2-2 ms beat 0 by ~15% of the time spent on these conditions (most are used a few times),
# and never compiling loses on long plans. Effects get more: their ``forall`` joins run by
# plans, nearly as fast as compiled code. The rules of a recursive stratum fire in every
# semi-naive round, and their interpreted joins cost more than compiling them: compiled at
# once; other rules often fire in a few states only (a goal of derived atoms): budgeted.
COMPILE_BUDGET = 3e-4  # quantified tests and ``forall`` joins
EFFECT_COMPILE_BUDGET = 3e-3  # an action's conditional and universal effects
RULE_COMPILE_BUDGET = 1e-3  # derived rules of a stratum that is not recursive
RECURSIVE_RULE_COMPILE_BUDGET = 0.0  # those of a recursive one (its rounds fire them again)
_INTERPRET = object()  # marks a condition too big to compile


class UndefinedValue(ValueError):
    """A cost expression reads a numeric function that the problem's ``:init`` never sets."""


class World:
    """One state of one problem; evaluates formulas and collects effects (see module docstring)."""

    __slots__ = ("problem", "state", "_facts", "_derived", "_derived_preds", "_keyed", "_delta",
                 "_compiled")

    def __init__(
        self,
        problem: Problem,
        state: set[GroundAtom] | frozenset[GroundAtom],
        index: FactIndex | None = None,
    ) -> None:
        """``index``, when given, indexes ``state`` (a validation keeps one across its steps)."""
        self.problem = problem
        self.state = state
        self._facts = index if index is not None else FactIndex(state)  # type: ignore[arg-type]
        self._derived: dict[str, set[tuple[str, ...]]] | None = None
        self._derived_preds = problem.domain.derived
        self._compiled = problem.domain.compiled  # condition -> compiled function (or None)
        # (predicate, bound positions) -> (facts seen, key of those positions -> facts)
        self._keyed: dict[tuple[str, tuple[int, ...]], tuple[int, dict[Any, list[Any]]]] = {}
        # semi-naive evaluation: this atom occurrence reads only the facts new in the last round
        self._delta: tuple[Atom, set[tuple[str, ...]]] | None = None

    # -- facts -----------------------------------------------------------------------------

    def true(self, atom: GroundAtom) -> bool:
        """Truth of a ground atom, derived predicates included."""
        if atom[0] in self._derived_preds:
            return atom[1:] in self.facts(atom[0])  # type: ignore[operator]
        return atom in self.state

    def facts(self, predicate: str) -> Iterable[tuple[str, ...]]:
        """Argument tuples of every true atom of ``predicate``."""
        if predicate in self._derived_preds:
            known = self._derived
            facts = known.get(predicate) if known is not None else None
            return facts if facts is not None else self.derived_facts(predicate)
        return self._facts.facts(predicate)

    def matching(
        self, predicate: str, positions: tuple[int, ...], key: tuple[str, ...]
    ) -> Sequence[tuple[str, ...]]:
        """Facts of ``predicate`` whose arguments at ``positions`` equal ``key`` (hash index,
        built on first use; rebuilt when a derived predicate has grown meanwhile)."""
        return self.table(predicate, positions).get(key, ())

    def table(self, predicate: str, positions: tuple[int, ...]) -> Mapping[Any, Any]:
        """The facts of ``predicate`` keyed by their arguments at ``positions``."""
        if predicate not in self._derived_preds:
            return self._facts.table(predicate, positions)
        # the atoms found so far (also while its stratum is being computed), else compute them
        known = self._derived
        facts = known.get(predicate) if known is not None else None
        if facts is None:
            facts = self.derived_facts(predicate)
        key = (predicate, positions)
        entry = self._keyed.get(key)
        if entry is None or entry[0] != len(facts):
            table: dict[Any, list[Any]] = {}
            for args in facts:
                row = tuple([args[i] for i in positions])
                found = table.get(row)
                if found is None:
                    table[row] = [args]
                else:
                    found.append(args)
            entry = (len(facts), table)
            self._keyed[key] = entry
        return entry[1]

    def derived(self) -> dict[str, set[tuple[str, ...]]]:
        """Every derived atom of this state (predicate -> argument tuples)."""
        return {p: self.derived_facts(p) for p in self.problem.domain.derived}

    def derived_facts(self, predicate: str) -> set[tuple[str, ...]]:
        """The true atoms of derived ``predicate`` in this state, computed on first use.

        Only the stratum of ``predicate`` is computed here, to its least fixpoint; the strata
        below it are computed when its rules first read them (so a precondition that needs one
        derived predicate never pays for the others). Recursive strata are evaluated
        semi-naively: after the first round, each rule runs once per recursive atom occurrence
        in its body, that occurrence reading only the atoms found in the previous round (any
        new atom needs at least one of them). In the first round the stratum's predicates have
        no atom yet, so a compiled rule leaves out every branch that needs one (psr-large's
        ``upstream`` would otherwise join closed devices with closed devices and connections
        only to find its own empty table, in every state).
        """
        if self._derived is None:
            # states recur (plans of one problem share prefixes; candidates in a batch share
            # states): the derived atoms of a state are kept per problem, bounded
            cache = self.problem._derived_cache
            key = frozenset(self.state)
            found_dict = cache.get(key)
            if found_dict is None:
                if len(cache) >= DERIVED_CACHE_SIZE:
                    cache.clear()
                found_dict = cache[key] = {}
            self._derived = found_dict
        facts = self._derived
        found_already = facts.get(predicate)
        if found_already is not None:
            return found_already
        domain = self.problem.domain
        stratum, recursive = domain.strata[_stratum_index(domain)[predicate]]
        for pred in stratum:
            facts[pred] = set()  # rules of the stratum read the atoms found so far
        delta = {p: self._fire(p, None) for p in stratum}
        for pred in stratum:
            facts[pred] |= delta[pred]
        while recursive and any(delta.values()):
            found: dict[str, set[tuple[str, ...]]] = {p: set() for p in stratum}
            for pred in stratum:
                for rule in domain.derived[pred]:
                    for occ in _recursive_atoms(rule, stratum, self._compiled):
                        if delta[occ.predicate]:
                            found[pred] |= self._fire_rule(rule, (occ, delta[occ.predicate]))
            delta = {p: found[p] - facts[p] for p in stratum}
            for pred in stratum:
                facts[pred] |= delta[pred]
        return facts[predicate]

    def _fire(self, pred: str, restrict: None) -> set[tuple[str, ...]]:
        out: set[tuple[str, ...]] = set()
        for rule in self.problem.domain.derived[pred]:
            out |= self._fire_rule(rule, restrict)
        return out

    def _fire_rule(
        self, rule: Any, restrict: tuple[Atom, set[tuple[str, ...]]] | None
    ) -> set[tuple[str, ...]]:
        occ = None if restrict is None else restrict[0]
        key = ("rule", id(rule), id(occ))
        entry = self._compiled.get(key)
        if entry is None or entry[0] is not rule or not entry[3]:  # not decided yet
            entry = self._rule_entry(key, rule, occ)
        fn = entry[1]
        if fn is not None:
            return set(fn(self, None if restrict is None else restrict[1]))
        outer = self._delta  # a lower stratum may be computed while a higher one is restricted
        self._delta = restrict
        start = perf_counter()
        try:
            head = rule.head
            return {
                tuple(b.get(t, t) for t in head)
                for b in self.solutions(rule.parts, {}, rule.variables)
            }
        finally:
            self._delta = outer
            entry[2] += perf_counter() - start

    def _rule_entry(self, key: tuple[Any, ...], rule: Any, occ: Atom | None) -> list[Any]:
        """The entry of ``rule`` (restricted to ``occ``) in the compiled conditions, compiled
        once its budget is spent (see :meth:`_compiled_for`)."""
        return self._compiled_for(
            key,
            rule,
            lambda: compile_rule(
                rule.head, rule.parts, rule.variables, frozenset(self._derived_preds), occ,
                _first_round_empty(self.problem.domain, rule.predicate) if occ is None
                else frozenset(),
            ),
            _rule_budget(self.problem.domain, rule.predicate),
        )

    # -- formulas ----------------------------------------------------------------------------

    def holds(self, formula: Formula, binding: Mapping[str, str]) -> bool:
        """Truth of ``formula`` in this state under ``binding`` (free variables must be bound)."""
        entry = self._compiled.get(id(formula))
        if entry is None or entry[0] is not formula:
            entry = self._compiled[id(formula)] = [
                formula, _plain(formula, self._derived_preds),
                tuple(sorted(free_variables(formula))), None, 0.0,
            ]
        if entry[1]:  # no quantifier, no derived atom: a few set look-ups, not worth compiling
            return plain_holds(formula, self.state, binding)
        fn = entry[3]
        if fn is None:
            if entry[4] < COMPILE_BUDGET:  # interpreted until that has cost the budget
                start = perf_counter()
                found = self._holds(formula, binding)
                entry[4] += perf_counter() - start
                return found
            try:
                fn = entry[3] = compile_test(formula, entry[2], frozenset(self._derived_preds))
            except CompileLimit:
                fn = entry[3] = _INTERPRET
        if fn is _INTERPRET:
            return self._holds(formula, binding)
        return fn(self, None, *[binding.get(v, v) for v in entry[2]])

    def _compiled_for(
        self,
        key: tuple[Any, ...],
        owner: Any,
        build: Callable[[], Any],
        budget: float,
    ) -> list[Any]:
        """The entry ``[owner, compiled function or None, seconds interpreted]`` of a condition
        (see :mod:`~nsr.backends.pddl.compiled`): the function is built once the condition's
        interpretation has cost ``budget`` seconds (the caller adds what each interpreted use
        costs); None while it is interpreted, or for good when it is too big to compile."""
        entry = self._compiled.get(key)
        if entry is None or entry[0] is not owner:
            entry = self._compiled[key] = [owner, None, 0.0, False]
        if entry[1] is None and not entry[3] and entry[2] >= budget:
            entry[3] = True  # decided: compiled, or interpreted for good
            with suppress(CompileLimit):
                entry[1] = build()
        return entry

    def _holds(self, formula: Formula, binding: Mapping[str, str]) -> bool:
        """The interpreter's truth of ``formula`` (see :meth:`holds`)."""
        if isinstance(formula, Atom):
            if self._delta is not None and formula is self._delta[0]:
                return tuple(binding.get(t, t) for t in formula.terms) in self._delta[1]
            return self.true((formula.predicate, *(binding.get(t, t) for t in formula.terms)))
        if isinstance(formula, Not):
            return not self._holds(formula.arg, binding)
        if isinstance(formula, And):
            return all(self._holds(a, binding) for a in formula.args)
        if isinstance(formula, Or):
            return any(self._holds(a, binding) for a in formula.args)
        if isinstance(formula, Equals):
            return binding.get(formula.left, formula.left) == binding.get(
                formula.right, formula.right
            )
        if isinstance(formula, Imply):
            return (not self._holds(formula.antecedent, binding)) or self._holds(
                formula.consequent, binding
            )
        inner = {k: v for k, v in binding.items() if k not in dict(formula.variables)}
        if formula.kind == "exists":
            parts = conjuncts(formula.body)
            return next(iter(self.solutions(parts, inner, formula.variables)), None) is not None
        parts = negated_conjuncts(formula.body)
        return next(iter(self.solutions(parts, inner, formula.variables)), None) is None

    def solutions(
        self,
        parts: Sequence[Formula],
        binding: Binding,
        variables: Sequence[tuple[str, frozenset[str]]],
    ) -> Iterator[Binding]:
        """Bindings of ``variables`` (typed) that make every formula of ``parts`` true.

        Parts whose variables are all bound are tested first (a failing test prunes early);
        then a positive atom binds its variables from the matching facts; variables no positive
        atom can bind are tried against every object of their type.
        """
        types = {v: t for v, t in variables if v not in binding}
        yield from self._solve(list(parts), dict(binding), types)

    def _solve(
        self, parts: list[Formula], binding: Binding, types: Mapping[str, frozenset[str]]
    ) -> Iterator[Binding]:
        pending: list[Formula] = []
        for part in parts:
            if all(v in binding for v in free_variables(part)):
                if not self._holds(part, binding):
                    return
            else:
                pending.append(part)
        if not pending:
            unbound = [v for v in types if v not in binding]
            if not unbound:
                yield binding
                return
            pools = [sorted(self.problem.objects_of(types[v])) for v in unbound]
            for values in itertools.product(*pools):
                out = dict(binding)
                out.update(zip(unbound, values, strict=True))
                yield out
            return
        yield from self._branch(pending, binding, types)

    def _branch(
        self, pending: list[Formula], binding: Binding, types: Mapping[str, frozenset[str]]
    ) -> Iterator[Binding]:
        """Bind the next variable(s) of ``pending`` (none of which is ready) and recurse.

        Cheapest first: an equality with one side known fixes a variable; a positive atom joins
        with the facts; ``and`` and ``exists`` are flattened into the parts; ``or`` splits into
        one search per disjunct (a binding may then come twice); last, a variable is tried
        against every object of its type. In a semi-naive round the restricted atom goes first
        (the structure around it is opened first), since it has the fewest facts.
        """
        if self._delta is not None:
            target = self._delta[0]
            for i, part in enumerate(pending):
                if part is target:
                    yield from self._join(part, pending[:i] + pending[i + 1 :], binding, types)
                    return
            for i, part in enumerate(pending):
                if openable(part, binding, types) and contains_atom(part, target):
                    yield from self._open(part, pending[:i] + pending[i + 1 :], binding, types)
                    return
        for i, part in enumerate(pending):
            if isinstance(part, Equals):
                left = binding.get(part.left, part.left)
                right = binding.get(part.right, part.right)
                var, value = (left, right) if left[0] == "?" else (right, left)
                if value[0] != "?" and var in types:
                    if value not in self.problem.objects_of(types[var]):
                        return
                    out = dict(binding)
                    out[var] = value
                    yield from self._solve(pending[:i] + pending[i + 1 :], out, types)
                    return
        for i, part in enumerate(pending):
            if isinstance(part, Atom):
                yield from self._join(part, pending[:i] + pending[i + 1 :], binding, types)
                return
        for i, part in enumerate(pending):
            rest = pending[:i] + pending[i + 1 :]
            if isinstance(part, And):
                yield from self._solve(rest + list(part.args), binding, types)
                return
            if isinstance(part, Quantified) and part.kind == "exists":
                names = [v for v, _ in part.variables]
                if not any(v in binding or v in types for v in names):
                    inner = {**types, **dict(part.variables)}
                    yield from self._solve(rest + list(conjuncts(part.body)), binding, inner)
                    return
        for i, part in enumerate(pending):
            if isinstance(part, Or):
                rest = pending[:i] + pending[i + 1 :]
                for arg in part.args:
                    yield from self._solve(rest + [arg], binding, types)
                return
        var = next(v for v in sorted(free_variables(pending[0])) if v not in binding)
        pool = self.problem.objects_of(types[var]) if var in types else ()
        for obj in sorted(pool):
            out = dict(binding)
            out[var] = obj
            yield from self._solve(pending, out, types)

    def _open(
        self,
        part: Formula,
        rest: list[Formula],
        binding: Binding,
        types: Mapping[str, frozenset[str]],
    ) -> Iterator[Binding]:
        """Open the ``and``/``or``/``exists`` that holds the restricted atom."""
        if isinstance(part, And):
            yield from self._solve(list(part.args) + rest, binding, types)
        elif isinstance(part, Or):
            target = self._delta[0] if self._delta is not None else None
            for arg in part.args:
                # a disjunct without the restricted atom gives no derivation through it
                if target is None or contains_atom(arg, target):
                    yield from self._solve([arg, *rest], binding, types)
        else:
            assert isinstance(part, Quantified)
            inner = {**types, **dict(part.variables)}
            yield from self._solve(list(conjuncts(part.body)) + rest, binding, inner)

    def _join(
        self, atom: Atom, rest: list[Formula], binding: Binding, types: Mapping[str, frozenset[str]]
    ) -> Iterator[Binding]:
        terms = atom.terms
        fits = self.problem.objects_of
        positions = []
        key = []
        for i, term in enumerate(terms):
            value = binding.get(term, term) if term[0] == "?" else term
            if value[0] != "?":
                positions.append(i)
                key.append(value)
        if self._delta is not None and atom is self._delta[0]:
            candidates: Iterable[tuple[str, ...]] = [
                args for args in self._delta[1] if all(args[i] == k for i, k in
                                                       zip(positions, key, strict=True))
            ]
        elif positions:
            candidates = self.matching(atom.predicate, tuple(positions), tuple(key))
        else:
            candidates = self.facts(atom.predicate)
        for args in candidates:
            out = dict(binding)
            ok = True
            for term, value in zip(terms, args, strict=True):
                if term[0] == "?":
                    seen = out.get(term)
                    if seen is None:
                        if term not in types or value not in fits(types[term]):
                            ok = False
                            break
                        out[term] = value
                    elif seen != value:
                        ok = False
                        break
                elif term != value:
                    ok = False
                    break
            if ok:
                yield from self._solve(rest, out, types)

    # -- effects -----------------------------------------------------------------------------

    def effects(
        self, effect: Effect, variables: Sequence[str], args: Sequence[str],
        adds: set[GroundAtom], dels: set[GroundAtom],
    ) -> float:
        """:meth:`collect` for a whole action's effect, ``variables`` bound to ``args``.

        An action's conditional and universal effects are compiled into one function once
        interpreting them has cost ``EFFECT_COMPILE_BUDGET`` (an action is used again and
        again, and one call replaces a walk of every ``when`` and ``forall`` with a dict per
        binding); costs are summed here.
        """
        entry = self._compiled_for(
            ("effect", id(effect)),
            effect,
            lambda: compile_effect(effect, variables, frozenset(self._derived_preds)),
            EFFECT_COMPILE_BUDGET,
        )
        fn = entry[1]
        if fn is None:
            start = perf_counter()
            try:
                return self.collect(effect, dict(zip(variables, args, strict=True)), adds, dels)
            finally:
                entry[2] += perf_counter() - start
        fn(self, None, adds.add, dels.add, *args)
        if not effect.costs:
            return 0.0
        binding = dict(zip(variables, args, strict=True))
        return sum(self.value(expr, binding) for expr in effect.costs)

    def collect(
        self, effect: Effect, binding: Mapping[str, str], adds: set[GroundAtom],
        dels: set[GroundAtom],
    ) -> float:
        """Add the ground adds/deletes of ``effect`` to the sets; return its total-cost increase.

        Every ``when`` condition is evaluated in this (the pre-step) state.
        """
        for a in effect.dels:
            dels.add((a.predicate, *(binding.get(t, t) for t in a.terms)))
        for a in effect.adds:
            adds.add((a.predicate, *(binding.get(t, t) for t in a.terms)))
        cost = 0.0
        for expr in effect.costs:
            cost += self.value(expr, binding)
        for when in effect.whens:
            if self.holds(when.condition, binding):
                cost += self.collect(when.effect, binding, adds, dels)
        for fa in effect.foralls:
            entry = self._compiled.get(("forall", id(fa)))
            if entry is None or entry[0] is not fa:
                entry = self._forall_entry(fa)
            plan = entry[6]
            if plan is not None:  # the common shape: its join plan, no interpreting
                run_plan(plan, binding, self.state, self._facts, self.problem.objects_of,
                         adds, dels)
                continue
            _, names, when = entry[:3]
            inner = {k: v for k, v in binding.items() if k not in names}
            if when is not None:
                # forall x (when C E): only the x that satisfy C matter, found by a join
                timed = entry[4] is None
                start = perf_counter() if timed else 0.0
                seen: set[tuple[str, ...]] = set()
                for key in self._forall_rows(entry, inner):
                    if key not in seen:  # an 'or' in the condition may find a binding twice
                        seen.add(key)
                        # the forall variables only (not the join's helper variables)
                        bound = {**binding, **dict(zip(names, key, strict=True))}
                        cost += self.collect(when.effect, bound, adds, dels)
                if timed:
                    entry[5] += perf_counter() - start
            else:
                for b in self.solutions((), inner, fa.variables):
                    cost += self.collect(fa.effect, b, adds, dels)
        return cost

    def _forall_entry(self, fa: Any) -> list[Any]:
        """[fa, its variables, its single ``when`` (or None), the condition's other free
        variables, compiled function, seconds interpreted, join plan or None]: what each use of
        a ``forall`` effect needs (see :mod:`~nsr.backends.pddl.joins` for the plan)."""
        names = tuple(v for v, _ in fa.variables)
        sub = fa.effect
        single = not (sub.adds or sub.dels or sub.costs or sub.foralls) and len(sub.whens) == 1
        when = sub.whens[0] if single else None
        plan = None if when is None else plan_forall_when(
            fa.variables, when.condition, when.effect, self._derived_preds
        )
        # the condition's inputs serve only its interpreted or compiled search
        inputs = () if when is None or plan is not None else tuple(
            sorted(free_variables(when.condition) - set(names)))
        entry = [fa, names, when, inputs, None, 0.0, plan]
        self._compiled[("forall", id(fa))] = entry
        return entry

    def _forall_rows(
        self, entry: list[Any], binding: Mapping[str, str]
    ) -> Iterable[tuple[str, ...]]:
        """Values of a ``forall``'s variables (in order) that make its ``when`` condition true
        (``entry`` from :meth:`_forall_entry`; compiled once interpreting it has cost
        ``COMPILE_BUDGET``, the caller summing that)."""
        fa, names, when, inputs, fn = entry[:5]
        if fn is None and entry[5] >= COMPILE_BUDGET:
            try:
                fn = entry[4] = compile_query(
                    conjuncts(when.condition), inputs, fa.variables,
                    frozenset(self._derived_preds),
                )
            except CompileLimit:
                fn = entry[4] = _INTERPRET
        if fn is not None and fn is not _INTERPRET:
            return fn(self, None, *[binding.get(v, v) for v in inputs])
        return (
            tuple(b[v] for v in names)
            for b in self.solutions(conjuncts(when.condition), dict(binding), fa.variables)
        )

    def value(self, expr: NumExpr, binding: Mapping[str, str]) -> float:
        """Value of a numeric expression (static functions from ``:init``)."""
        if isinstance(expr, float):
            return expr
        if isinstance(expr, FunctionTerm):
            key = (expr.name, *(binding.get(t, t) for t in expr.terms))
            found = self.problem.numeric.get(key)
            if found is None:
                raise UndefinedValue(f"({' '.join(key)}) has no value in :init")
            return found
        assert isinstance(expr, Arith)
        vals = [self.value(a, binding) for a in expr.args]
        if expr.op == "-" and len(vals) == 1:
            return -vals[0]
        total = vals[0]
        for v in vals[1:]:
            if expr.op == "+":
                total += v
            elif expr.op == "-":
                total -= v
            elif expr.op == "*":
                total *= v
            else:
                if v == 0:
                    raise UndefinedValue("division by zero in a cost expression")
                total /= v
        return total


def _plain(formula: Formula, derived: Mapping[str, Any]) -> bool:
    """True when ``formula`` has no quantifier and no derived atom (set look-ups decide it)."""
    if isinstance(formula, Atom):
        return formula.predicate not in derived
    if isinstance(formula, Not):
        return _plain(formula.arg, derived)
    if isinstance(formula, (And, Or)):
        return all(_plain(a, derived) for a in formula.args)
    if isinstance(formula, Imply):
        return _plain(formula.antecedent, derived) and _plain(formula.consequent, derived)
    return isinstance(formula, Equals)


def _recursive_atoms(
    rule: Any, stratum: tuple[str, ...], memo: dict[Any, Any]
) -> tuple[Atom, ...]:
    """Atom occurrences in ``rule``'s body whose predicate is in ``stratum``; kept in ``memo``
    (the domain's, so that nothing outlives the domain)."""
    hit = memo.get(("recursive", id(rule), stratum))
    if hit is not None and hit[0] is rule:
        return hit[1]
    out: list[Atom] = []

    def walk(f: Formula) -> None:
        if isinstance(f, Atom):
            if f.predicate in stratum:
                out.append(f)
        elif isinstance(f, Not):
            walk(f.arg)
        elif isinstance(f, (And, Or)):
            for a in f.args:
                walk(a)
        elif isinstance(f, Imply):
            walk(f.antecedent)
            walk(f.consequent)
        elif isinstance(f, Quantified):
            walk(f.body)

    walk(rule.body)
    memo[("recursive", id(rule), stratum)] = (rule, tuple(out))
    return tuple(out)


def _rule_budget(domain: Any, predicate: str) -> float:
    """The compile budget of a rule of ``predicate``: a recursive stratum's at once; another's
    ``RULE_COMPILE_BUDGET`` shared by the plans a batch call has ahead for the domain
    (``domain.compiled["plans ahead"]``, set by :mod:`~nsr.backends.pddl.batch`): a derived
    predicate is asked again by every plan (its goal or preconditions), so with N plans to
    judge, renting past 1/N of the budget costs more than buying."""
    if _recursive(domain, predicate):
        return RECURSIVE_RULE_COMPILE_BUDGET
    return RULE_COMPILE_BUDGET / domain.compiled.get("plans ahead", 1)  # type: ignore[no-any-return]


def _first_round_empty(domain: Any, predicate: str) -> frozenset[str]:
    """The predicates without atoms when the rules of ``predicate`` first fire unrestricted:
    its stratum's, when that is recursive (each starts empty, see :meth:`World.derived_facts`;
    a rule's branches through them find nothing in that round, and compiled code skips them).
    """
    stratum, recursive = domain.strata[_stratum_index(domain)[predicate]]
    return frozenset(stratum) if recursive else frozenset()


def _recursive(domain: Any, predicate: str) -> bool:
    """True when the stratum of derived ``predicate`` is recursive."""
    return domain.strata[_stratum_index(domain)[predicate]][1]  # type: ignore[no-any-return]


def _stratum_index(domain: Any) -> dict[str, int]:
    """Derived predicate -> the index of its stratum in ``domain.strata``; kept on the domain."""
    index = domain.compiled.get("strata")
    if index is None:
        index = {p: i for i, (preds, _) in enumerate(domain.strata) for p in preds}
        domain.compiled["strata"] = index
    return index
