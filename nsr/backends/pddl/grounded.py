"""A fast, pure-Python PDDL reader and grounded plan validator (no unified-planning import).

Why a second validator: unified-planning's ``SequentialPlanValidator`` gives good diagnostics but
costs ~0.7 ms per step and ~1 s of import, and VAL is a process per plan; the verifier validates
many untrusted plans in small isolated workers, where all of that matters. Here a plan is checked
by a set-based simulation: the state is a ``set`` of ground atoms (``("on", "a", "b")``), every
action is compiled once into ``operator.itemgetter`` objects that build its ground atoms straight
from the step's arguments, and a plain step costs a handful of set look-ups. Only what a step
touches is grounded: quantifiers, disjunctions, derived predicates and conditional effects go to
a :class:`~nsr.backends.pddl.world.World` for that state, which evaluates them with functions
compiled from the conditions and fact indexes the validation keeps up to date step by step.

Fragment (the classical one of Fast Downward and VAL): ``:typing`` (hierarchies, ``either``),
constants, ``:negative-preconditions``, ``:equality``, ``:disjunctive-preconditions`` (``or``,
``imply``), ``exists``/``forall`` in preconditions, goals, derived rules and effects,
``:conditional-effects`` (``when``), ``:derived-predicates`` (stratified) and ``:action-costs``
(the plan's total cost is reported). Numeric conditions and effects on other functions raise
:class:`PddlUnsupported` naming the feature. Semantics follow PDDL (and VAL): preconditions and
``when`` conditions are read in the state before the step, delete effects are applied before add
effects, derived atoms are recomputed from each state, the goal is checked after the last step.

The model and its reader live in :mod:`~nsr.backends.pddl.reader`, conditions in
:mod:`~nsr.backends.pddl.formulas`; everything public is re-exported here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from itertools import compress, islice
from operator import itemgetter, ne
from operator import not_ as _not
from typing import Any

from nsr.backends.pddl.direct import EQ, NEG, POS
from nsr.backends.pddl.errors import PddlSyntaxError, PddlUnsupported, PlanSyntaxError
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
    conjuncts,
    holds,
    render,
)
from nsr.backends.pddl.nogc import without_collector
from nsr.backends.pddl.plans import Step, parse_plan, write_plan
from nsr.backends.pddl.reader import (
    ROOT_TYPE,
    SUPPORTED_REQUIREMENTS,
    Action,
    Domain,
    LazyActions,
    Predicate,
    Problem,
    _types_text,
    parse_domain,
    parse_problem,
)
from nsr.backends.pddl.world import UndefinedValue, World

__all__ = [
    "ROOT_TYPE",
    "SUPPORTED_REQUIREMENTS",
    "Action",
    "And",
    "Atom",
    "Domain",
    "Equals",
    "Formula",
    "GroundAtom",
    "Imply",
    "Not",
    "Or",
    "PddlSyntaxError",
    "PddlUnsupported",
    "PlanSyntaxError",
    "Predicate",
    "Problem",
    "Step",
    "ValidationReport",
    "conjuncts",
    "holds",
    "parse_domain",
    "parse_plan",
    "parse_problem",
    "render",
    "simulate",
    "undo",
    "validate",
    "write_plan",
]


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The verdict on a plan, with enough detail to tell a user (or a model) what went wrong.

    ``reason`` is a short code: ``ok``, ``unknown_action``, ``wrong_arity``, ``unknown_object``,
    ``type_mismatch``, ``precondition`` or ``goal_not_reached``. ``failed_step`` is 1-based and
    None when every step applied. ``goal_fraction`` is the share of the goal's top-level
    conjuncts true in the last state reached (a partial-credit signal for rewards).
    """

    valid: bool
    failed_step: int | None
    reason: str
    message: str
    unmet_goals: tuple[str, ...] = ()
    steps_applied: int = 0
    goal_fraction: float = 0.0
    unmet_preconditions: tuple[str, ...] = ()
    cost: float | None = None  # total-cost of the steps applied (domains with action costs)

    @classmethod
    def success(cls, applied: int, cost: float | None = None) -> ValidationReport:
        """The report of a valid plan (the same text from every validator)."""
        suffix = "" if cost is None else f", total cost {cost:g}"
        return _report(True, None, "ok", f"valid plan: {applied} steps reach the goal{suffix}",
                       (), applied, 1.0, (), cost)

    @classmethod
    def precondition_failed(
        cls,
        number: int,
        step: object,
        unmet: tuple[str, ...],
        *,
        applied: int,
        unmet_goals: tuple[str, ...],
        goal_fraction: float,
        fallback: str = "",
    ) -> ValidationReport:
        """The report of step ``number`` (1-based) whose preconditions ``unmet`` do not hold;
        ``fallback`` explains the failure when the validator could not name them."""
        noun = "precondition" if len(unmet) == 1 else "preconditions"
        detail = f"{noun} {', '.join(unmet)} not satisfied" if unmet else fallback
        return _report(False, number, "precondition", f"step {number} {step}: {detail}",
                       unmet_goals, applied, goal_fraction, unmet, None)

    @classmethod
    def goal_not_reached(
        cls, applied: int, unmet_goals: tuple[str, ...], n_goals: int, fraction: float
    ) -> ValidationReport:
        """The report of a plan whose steps all apply but leave goals unmet."""
        return _report(
            False, None, "goal_not_reached",
            f"after {applied} steps, {len(unmet_goals)} of {n_goals} "
            f"goals not reached: {', '.join(unmet_goals)}",
            unmet_goals, applied, fraction, (), None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "failed_step": self.failed_step,
            "reason": self.reason,
            "message": self.message,
            "unmet_goals": list(self.unmet_goals),
            "steps_applied": self.steps_applied,
            "goal_fraction": self.goal_fraction,
            "unmet_preconditions": list(self.unmet_preconditions),
            "cost": self.cost,
        }


# the report's slots' own setters, in field order: a frozen dataclass's constructor sets each
# field through object.__setattr__ (several times slower), and a batch makes a report per plan
(_SET_VALID, _SET_FAILED, _SET_REASON, _SET_MESSAGE, _SET_UNMET_GOALS, _SET_APPLIED,
 _SET_FRACTION, _SET_UNMET, _SET_COST) = (
    getattr(ValidationReport, f.name).__set__ for f in fields(ValidationReport))


def _report(
    valid: bool, failed_step: int | None, reason: str, message: str,
    unmet_goals: tuple[str, ...], steps_applied: int, goal_fraction: float,
    unmet_preconditions: tuple[str, ...], cost: float | None,
) -> ValidationReport:
    """A :class:`ValidationReport` of these fields (see above)."""
    report = object.__new__(ValidationReport)
    _SET_VALID(report, valid)
    _SET_FAILED(report, failed_step)
    _SET_REASON(report, reason)
    _SET_MESSAGE(report, message)
    _SET_UNMET_GOALS(report, unmet_goals)
    _SET_APPLIED(report, steps_applied)
    _SET_FRACTION(report, goal_fraction)
    _SET_UNMET(report, unmet_preconditions)
    _SET_COST(report, cost)
    return report


REASONS = (
    "ok",
    "unknown_action",
    "wrong_arity",
    "unknown_object",
    "type_mismatch",
    "precondition",
    "undefined_value",
    "goal_not_reached",
)


def _goal_status(
    problem: Problem, state: set[GroundAtom], index: FactIndex | None = None
) -> tuple[tuple[str, ...], float]:
    parts = problem.goal_parts
    memo = problem._goal_atoms
    if not memo:  # worked out once per problem (its plans share it), see _goal_memo
        memo.append(_goal_memo(problem))
    plain, keys, wanted, texts, positive = memo[0]
    if plain:  # ground literals only (most goals): the unmet ones picked by C calls
        found = map(state.__contains__, keys)
        at = compress(range(len(keys)), map(_not, found) if positive else map(ne, found, wanted))
        unmet = tuple([texts[i] or _goal_text(texts, parts, i) for i in at])
        return unmet, 1.0 if not parts else (len(parts) - len(unmet)) / len(parts)
    world: World | None = None
    unmet_list = []
    for i, (key, want) in enumerate(zip(keys, wanted, strict=True)):
        if key is not None:  # a ground literal: one look-up
            if (key in state) is not want:
                unmet_list.append(texts[i] or _goal_text(texts, parts, i))
            continue
        g = parts[i][1]
        if world is None:
            world = World(problem, state, index)
        if not world.holds(g, {}):
            unmet_list.append(render(g))
    unmet = tuple(unmet_list)
    fraction = 1.0 if not parts else (len(parts) - len(unmet)) / len(parts)
    return unmet, fraction


def _goal_memo(
    problem: Problem,
) -> tuple[bool, tuple[GroundAtom | None, ...], tuple[bool, ...], list[str], bool]:
    """Per goal conjunct, in order: its atom when it is a ground literal over a predicate that
    is not derived (else None: a general condition), whether that atom must hold (a negative
    literal: must not), and its text (rendered when first reported, see _goal_text); then
    whether every conjunct is such a literal, and whether all of them are positive. A goal of
    many negative literals (petri-net-alignment's hundreds of ``(not (token t))``) is then
    checked by C calls as an atom goal is."""
    parts = problem.goal_parts
    found = list(map(_first, parts))
    if all(found):  # atoms only (most goals): C calls
        return True, tuple(found), (True,) * len(found), [""] * len(found), True
    derived = problem.domain.derived
    keys: list[GroundAtom | None] = []
    wanted: list[bool] = []
    for key, g in parts:
        if key is None and isinstance(g, Not) and isinstance(g.arg, Atom) and \
                g.arg.predicate not in derived:
            key = (g.arg.predicate, *g.arg.terms)
            wanted.append(False)
        else:
            wanted.append(True)
        keys.append(key)
    plain = all(key is not None for key in keys)
    return plain, tuple(keys), tuple(wanted), [""] * len(keys), all(wanted)


def _goal_text(texts: list[str], parts: tuple[tuple[Any, Formula], ...], i: int) -> str:
    """The text of goal conjunct ``i``, rendered once per problem (when first unmet)."""
    text = texts[i] = render(parts[i][1])
    return text


@without_collector
def validate(domain: Domain, problem: Problem, plan: Iterable[Step]) -> ValidationReport:
    """Simulate ``plan`` from the initial state and check the goal (see module docstring).

    Stops at the first step that cannot be applied; the report names the step, the reason and
    (for preconditions) every precondition that is false. The actions a plan (a tuple or list)
    uses are read a window of steps at a time, and the cyclic garbage collector is paused
    meanwhile (see :mod:`~nsr.backends.pddl.nogc`: a validation allocates much, never a cycle).
    """
    state = set(problem.init)
    # joins' indexes: kept up to date across steps once built, borrowing the problem's
    return simulate(domain, problem, plan, state, FactIndex(state, problem.initial_index()))


Undo = tuple[Collection[GroundAtom], Collection[GroundAtom], float]


def simulate(
    domain: Domain,
    problem: Problem,
    plan: Iterable[Step],
    state: set[GroundAtom],
    index: FactIndex,
    done: int = 0,
    cost: float = 0.0,
    log: list[Undo] | None = None,
    log_from: int = 0,
) -> ValidationReport:
    """:func:`validate` from a state the plan's first ``done`` steps reached (``state``, its
    ``index`` and the ``cost`` so far; ``plan`` a sequence then), changing ``state`` in place.

    With ``log``, each applied step appends what undoes it (the atoms it removed and those it
    added, and the cost after it), so that a caller can go back to any earlier step (see
    :func:`undo`): plans that share a prefix then simulate it once. A caller that knows no
    step before step ``log_from + 1`` will be undone passes ``log_from``: those steps log
    their cost alone (the atoms they change are not worked out).
    """
    if problem.domain_name != domain.name:
        raise PddlSyntaxError(
            f"problem '{problem.name}' is for domain '{problem.domain_name}', not '{domain.name}'"
        )
    actions = domain.actions
    objects = problem.objects
    param_domains = problem.param_domains
    applied = done
    # per action name: the action, its parameters' objects and its compiled form's parts,
    # unpacked once per problem (a step then reads locals, not attributes; a batch's plans
    # share them)
    ready = problem._step_entries
    change = index.change
    # per ground step (action, args): what checking and applying it needs, its atoms built once
    # (as frozensets from its second use on: set operations on them reuse the atoms' stored
    # hashes, so a repeated step is a handful of C calls); kept across the plans of this
    # problem (a batch's candidates repeat most of their steps), bounded
    ground = problem._ground_steps
    if len(ground) > GROUND_STEPS_KEPT:
        ground.clear()
    # the actions of the next steps read in one go (reading has a fixed cost per call), in
    # windows that double, so a plan failing early reads little more than it uses
    ahead = plan if isinstance(actions, LazyActions) and isinstance(plan, (tuple, list)) else None
    window = 8
    fetched = 0  # the steps before this one had their actions read
    steps = islice(plan, done, None) if done else plan
    for number, step in enumerate(steps, start=done + 1):
        key = (step.action, step.args)
        known = ground.get(key)
        if known is None:
            entry = ready.get(step.action)
            if entry is None:
                if ahead is not None and number > fetched:
                    actions.prefetch(  # type: ignore[attr-defined]
                        [s.action for s in ahead[number - 1 : number - 1 + window]
                         if s.action not in ready]
                    )
                    fetched = number - 1 + window
                    window *= 2
                action = actions.get(step.action)
                if action is None:
                    action = actions.get(step.action.lower())
                    if action is None:
                        return _fail(
                            problem,
                            state,
                            number,
                            applied,
                            "unknown_action",
                            f"step {number} {step}: unknown action '{step.action}' "
                            f"(the domain has: {', '.join(sorted(actions))})",
                            index=index,
                        )
                    step = Step(step.action.lower(), tuple(a.lower() for a in step.args))
                comp = action.compiled
                entry = (action, param_domains[action.name], len(action.params), comp.symbols,
                         comp.general, comp.extra, comp.cost, comp.pos, comp.neg, comp.eq,
                         comp.neq, comp.dels, comp.adds)
                if action.name == step.action:
                    ready[step.action] = entry
            (action, doms, arity, symbols, general, extra, step_cost, pos, neg, eqs, neqs,
             dels, adds) = entry
            args = step.args
            if len(args) != arity:
                return _fail(
                    problem,
                    state,
                    number,
                    applied,
                    "wrong_arity",
                    f"step {number} {step}: action '{action.name}' takes "
                    f"{arity} arguments ({' '.join(action.variables)}), "
                    f"got {len(args)}",
                    index=index,
                )
            if not all(map(_contains, doms, args)):
                bad = _first_bad_arg(args, doms)
                if bad is not None and any(not a.islower() for a in args):
                    args = tuple(a.lower() for a in args)
                    step = Step(action.name, args)
                    bad = _first_bad_arg(args, doms)
                if bad is not None:
                    arg = args[bad]
                    if arg not in objects:
                        return _fail(
                            problem,
                            state,
                            number,
                            applied,
                            "unknown_object",
                            f"step {number} {step}: unknown object '{arg}'",
                            index=index,
                        )
                    var, tys = action.params[bad]
                    return _fail(
                        problem,
                        state,
                        number,
                        applied,
                        "type_mismatch",
                        f"step {number} {step}: argument {bad + 1} '{arg}' has type "
                        f"{_types_text(objects[arg])}, but {var} of '{action.name}' needs "
                        f"{_types_text(tys)}",
                        index=index,
                    )
            vals = args + symbols
            known = (  # lists at first: made frozensets when the step comes again
                action, step, general, extra, step_cost,
                [g(vals) for g in pos],
                [g(vals) for g in neg] if neg else _NO_ATOMS,
                not (eqs or neqs)
                or (all(vals[i] == vals[j] for i, j in eqs)
                    and all(vals[i] != vals[j] for i, j in neqs)),
                [g(vals) for g in dels],
                [g(vals) for g in adds],
            )
            if step.action == key[0] and args is key[1]:  # not a case-corrected step
                ground[key] = known
        elif known[5].__class__ is list:  # a step seen again: worth its frozensets now
            known = ground[key] = (*known[:5], frozenset(known[5]), frozenset(known[6]),
                                   known[7], frozenset(known[8]), frozenset(known[9]))
        action, step, general, extra, step_cost, pos, neg, equal, dels, adds = known
        args = step.args
        if pos.__class__ is list:
            ok = equal and all(map(state.__contains__, pos)) and not any(
                map(state.__contains__, neg))
        else:
            ok = equal and state.issuperset(pos) and state.isdisjoint(neg)
        if ok and general:
            binding = dict(zip(action.variables, args, strict=True))
            world = World(problem, state, index)
            holds_in = world.holds
            for c in general:
                if not holds_in(c, binding):
                    ok = False
                    break
        else:
            world = None
        if not ok:
            unmet = _unmet_preconditions(problem, action, args, state, index)
            unmet_goals, fraction = _goal_status(problem, state, index)
            return ValidationReport.precondition_failed(
                number, step, unmet, applied=applied, unmet_goals=unmet_goals,
                goal_fraction=fraction,
            )
        cost += step_cost
        if extra is not None:
            if world is None:
                world = World(problem, state, index)
            more_adds: set[GroundAtom] = set()
            more_dels: set[GroundAtom] = set()
            try:
                cost += world.effects(extra, action.variables, args, more_adds, more_dels)
            except UndefinedValue as exc:
                return _fail(
                    problem, state, number, applied, "undefined_value",
                    f"step {number} {step}: the cost is undefined: {exc}",
                    index=index,
                )
            more_dels.update(dels)
            more_adds.update(adds)
            dels, adds = more_dels, more_adds  # type: ignore[assignment]
        if log is not None and number <= log_from:  # never undone: its cost alone
            log.append((_NO_ATOMS, _NO_ATOMS, cost))
        elif log is not None:  # what undoes it: the atoms it removes, and those it adds anew
            if state.issuperset(dels) and state.isdisjoint(adds):
                log.append((dels, adds, cost))  # the usual step: all of them (no set built)
            else:
                come = set(adds) if adds.__class__ is list else adds
                log.append((state.intersection(dels),
                            come.difference(state).union(come.intersection(dels)), cost))
        if index._by_pred is None:  # no join has asked for an index: the state alone
            state.difference_update(dels)
            state.update(adds)
        else:
            change(dels, adds)
        applied += 1
    unmet_goals, fraction = _goal_status(problem, state, index)
    if unmet_goals:
        return ValidationReport.goal_not_reached(
            applied, unmet_goals, len(problem.goal_parts), fraction
        )
    return ValidationReport.success(applied, cost if domain.functions else None)


def undo(state: set[GroundAtom], index: FactIndex, log: list[Undo], keep: int) -> float:
    """Take ``state`` (and its ``index``) back to where the first ``keep`` steps of ``log``
    left it, dropping the later entries; returns the cost after those steps."""
    plain = index._by_pred is None  # no fact index built: the state alone changes
    while len(log) > keep:
        removed, added, _ = log.pop()
        if plain:
            state.difference_update(added)
            state.update(removed)
        else:
            index.change(added, removed)
    return log[-1][2] if log else 0.0


_contains = frozenset.__contains__
_first = itemgetter(0)
_NO_ATOMS: frozenset[GroundAtom] = frozenset()
GROUND_STEPS_KEPT = 1 << 14  # ground steps a problem keeps (see validate; each a few atoms)


def _unmet_preconditions(
    problem: Problem, action: Action, args: tuple[str, ...], state: set[GroundAtom],
    index: FactIndex,
) -> tuple[str, ...]:
    """The texts of the precondition's conjuncts false in ``state`` for the step ``action``
    ``args``, in their order. An action the direct path read names them from its compiled
    parts (``checks``), as the formulas would render them: a plan that fails at a step (most
    wrong candidates do) does not pay for reading the action's formulas."""
    comp = action.compiled
    checks = comp.checks
    if checks is None:
        binding = dict(zip(action.variables, args, strict=True))
        world = World(problem, state, index)
        return tuple(
            render(c, binding)
            for c in conjuncts(action.precondition)
            if not world.holds(c, binding)
        )
    vals = args + comp.symbols
    out = []
    for kind, at in checks:
        positive = kind in (POS, EQ)
        if kind in (POS, NEG):
            atom = (comp.pos if kind == POS else comp.neg)[at](vals)
            if (atom in state) is positive:
                continue
            literal: Formula = Atom(atom[0], atom[1:])
        else:
            i, j = (comp.eq if kind == EQ else comp.neq)[at]
            if (vals[i] == vals[j]) is positive:
                continue
            literal = Equals(vals[i], vals[j])
        out.append(render(literal if positive else Not(literal)))  # as the formulas render
    return tuple(out)


def _first_bad_arg(args: tuple[str, ...], doms: tuple[frozenset[str], ...]) -> int | None:
    for i, arg in enumerate(args):
        if arg not in doms[i]:
            return i
    return None


def _fail(
    problem: Problem,
    state: set[GroundAtom],
    number: int,
    applied: int,
    reason: str,
    message: str,
    index: FactIndex | None = None,
) -> ValidationReport:
    unmet, fraction = _goal_status(problem, state, index)
    return ValidationReport(
        valid=False,
        failed_step=number,
        reason=reason,
        message=message,
        unmet_goals=unmet,
        steps_applied=applied,
        goal_fraction=fraction,
    )
