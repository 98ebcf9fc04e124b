"""Join plans: ``forall (?x ...) (when C E)`` effects evaluated without interpreting or compiling.

Why: domains compiled from numeric or resource models (settlers, flashfill, rubiks-cube) put
dozens of ``forall``/``when`` effects on each action, and a short plan uses most of them only a
few times. The general interpreter (:meth:`~nsr.backends.pddl.world.World.solutions`) works
out at every node which parts are bound and copies a dict per candidate fact; compiling to
Python (:mod:`~nsr.backends.pddl.compiled`) runs fast but costs a CPython ``compile`` first.
For the common shape, a condition that is a conjunction of literals over plain predicates and
an effect of plain adds and deletes, every choice of the search depends only on which variables
are bound, known before any state is seen: so the join order is worked out once per effect
into a plan of steps over numbered slots (a list), and running it costs little more than the
facts it visits.

Order of steps (the interpreter's): parts whose terms are bound are tests; an equality with
one side bound binds the other; a positive atom joins with the facts on its bound positions (a
hash index of :class:`~nsr.backends.pddl.facts.FactIndex`), binding the rest; a variable that
no positive atom binds ranges over the objects of its type. A condition in any other shape
(``or``, quantifiers, derived predicates) gets no plan: the general path evaluates it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from nsr.backends.pddl.effects import Effect
from nsr.backends.pddl.formulas import Atom, Equals, Formula, GroundAtom, Not, conjuncts

__all__ = ["JoinPlan", "plan_forall_when", "run_plan"]

# a step: ("test", predicate, slots, wanted) | ("eq", slot, slot, wanted) |
# ("bind", slot from, slot to, types) | ("join", predicate, positions, key slots, binds, same)
# | ("each", slot, types)
Step = tuple[Any, ...]


class JoinPlan:
    """What :func:`run_plan` needs: the slots' initial values, the steps, the emitted atoms."""

    __slots__ = ("inputs", "constants", "size", "steps", "adds", "dels", "rest")

    def __init__(
        self,
        inputs: tuple[str, ...],
        constants: tuple[tuple[int, str], ...],
        size: int,
        steps: tuple[Step, ...],
        adds: tuple[tuple[str, tuple[int, ...]], ...],
        dels: tuple[tuple[str, tuple[int, ...]], ...],
    ) -> None:
        self.inputs = inputs  # variables bound outside (slots 0..len-1, from the binding)
        self.constants = constants  # (slot, constant) filled before the run
        self.size = size
        self.steps = steps
        self.adds = adds
        self.dels = dels
        # the slots after the inputs as a run starts: constants in place, the rest unbound
        rest: list[Any] = [None] * (size - len(inputs))
        for i, value in constants:
            assert i >= len(inputs)  # inputs take the first slots (see plan_forall_when)
            rest[i - len(inputs)] = value
        self.rest = tuple(rest)


def _literal(part: Formula) -> tuple[Atom | Equals, bool] | None:
    if isinstance(part, (Atom, Equals)):
        return part, True
    if isinstance(part, Not) and isinstance(part.arg, (Atom, Equals)):
        return part.arg, False
    return None


def plan_forall_when(
    variables: tuple[tuple[str, frozenset[str]], ...],
    condition: Formula,
    effect: Effect,
    derived: Mapping[str, Any],
) -> JoinPlan | None:
    """The join plan of ``forall variables (when condition effect)``, or None when the shape is
    not the common one (see the module docstring)."""
    if effect.whens or effect.foralls or effect.costs:
        return None
    literals = []
    for part in conjuncts(condition):
        lit = _literal(part)
        if lit is None or (isinstance(lit[0], Atom) and lit[0].predicate in derived):
            return None
        literals.append(lit)
    types = dict(variables)
    if len(types) != len(variables):
        return None
    slots: dict[str, int] = {}
    constants: list[tuple[int, str]] = []

    def slot(term: str) -> int:
        found = slots.get(term)
        if found is None:
            found = slots[term] = len(slots)
            if term[0] != "?":
                constants.append((found, term))
        return found

    outside = []  # variables bound by the caller: every other variable than the forall's
    for lit, _ in literals:
        terms = lit.terms if isinstance(lit, Atom) else (lit.left, lit.right)
        outside += [t for t in terms if t[0] == "?" and t not in types]
    for atom in (*effect.adds, *effect.dels):
        outside += [t for t in atom.terms if t[0] == "?" and t not in types]
    inputs = tuple(dict.fromkeys(outside))
    for v in inputs:
        slot(v)
    bound = set(inputs)
    steps: list[Step] = []
    pending = list(literals)

    def is_bound(term: str) -> bool:
        return term[0] != "?" or term in bound

    while pending:
        ready = [
            (lit, want) for lit, want in pending
            if all(map(is_bound, lit.terms if isinstance(lit, Atom) else (lit.left, lit.right)))
        ]
        if ready:
            for lit, want in ready:
                if isinstance(lit, Atom):
                    steps.append(("test", lit.predicate, tuple(map(slot, lit.terms)), want))
                else:
                    steps.append(("eq", slot(lit.left), slot(lit.right), want))
            pending = [p for p in pending if p not in ready]
            continue
        step = _binding_step(pending, bound, types, slot)
        if step is None:
            return None
        steps.append(step[0])
        pending = [p for p in pending if p is not step[1]]
    for var, tys in variables:  # forall variables no literal constrains
        if var not in bound:
            bound.add(var)
            steps.append(("each", slot(var), tys))
    adds = tuple((a.predicate, tuple(map(slot, a.terms))) for a in effect.adds)
    dels = tuple((a.predicate, tuple(map(slot, a.terms))) for a in effect.dels)
    return JoinPlan(inputs, tuple(constants), len(slots), tuple(steps), adds, dels)


def _binding_step(
    pending: list[tuple[Atom | Equals, bool]],
    bound: set[str],
    types: Mapping[str, frozenset[str]],
    slot: Callable[[str], int],
) -> tuple[Step, tuple[Atom | Equals, bool] | None] | None:
    """The next step binding variables (and the literal it consumes), None when a variable
    would have no type (the general path then decides)."""
    for p in pending:
        lit, want = p
        if isinstance(lit, Equals) and want:
            left_free = lit.left[0] == "?" and lit.left not in bound
            var, value = (lit.left, lit.right) if left_free else (lit.right, lit.left)
            if value[0] == "?" and value not in bound:
                continue  # both sides free: another part binds one first
            if var not in types:
                return None
            bound.add(var)
            return ("bind", slot(value), slot(var), types[var]), p
    for p in pending:
        lit, want = p
        if isinstance(lit, Atom) and want:
            positions, keys, binds, same = [], [], [], []
            fresh: dict[str, int] = {}
            for i, term in enumerate(lit.terms):
                if term[0] != "?" or term in bound:
                    positions.append(i)
                    keys.append(slot(term))
                elif term in fresh:
                    same.append((i, fresh[term]))
                else:
                    if term not in types:
                        return None
                    fresh[term] = i
                    binds.append((i, slot(term), types[term]))
            bound.update(fresh)
            return ("join", lit.predicate, tuple(positions), tuple(keys), tuple(binds),
                    tuple(same)), p
    for lit, _ in pending:  # only negative literals left with a free variable: try objects
        terms = lit.terms if isinstance(lit, Atom) else (lit.left, lit.right)
        var = next(t for t in terms if t[0] == "?" and t not in bound)
        if var not in types:
            return None
        bound.add(var)
        return ("each", slot(var), types[var]), None
    return None


def run_plan(
    plan: JoinPlan,
    binding: Mapping[str, str],
    state: Any,
    facts: Any,
    objects_of: Callable[[frozenset[str]], frozenset[str]],
    adds: set[GroundAtom],
    dels: set[GroundAtom],
) -> None:
    """Add the atoms the plan's effect adds and deletes, for every solution of its condition
    in ``state`` (``facts``: the state's :class:`~nsr.backends.pddl.facts.FactIndex`)."""
    env = [binding.get(var, var) for var in plan.inputs]
    env.extend(plan.rest)
    _run(plan.steps, 0, env, state, facts, objects_of, plan, adds, dels)


def _run(
    steps: tuple[Step, ...],
    at: int,
    env: list[Any],
    state: Any,
    facts: Any,
    objects_of: Callable[[frozenset[str]], frozenset[str]],
    plan: JoinPlan,
    adds: set[GroundAtom],
    dels: set[GroundAtom],
) -> None:
    while at < len(steps):
        step = steps[at]
        kind = step[0]
        at += 1
        if kind == "test":
            if ((step[1], *[env[s] for s in step[2]]) in state) is not step[3]:
                return
        elif kind == "eq":
            if (env[step[1]] == env[step[2]]) is not step[3]:
                return
        elif kind == "bind":
            value = env[step[1]]
            if value not in objects_of(step[3]):
                return
            env[step[2]] = value
        elif kind == "join":
            _, pred, positions, keys, binds, same = step
            rows = (facts.table(pred, positions).get(tuple([env[s] for s in keys]), ())
                    if positions else facts.facts(pred))
            if not rows:
                return
            if len(binds) == 1 and not same:  # the usual join: one new variable
                i, s, tys = binds[0]
                pool = objects_of(tys)
                for row in rows:
                    value = row[i]
                    if value in pool:
                        env[s] = value
                        _run(steps, at, env, state, facts, objects_of, plan, adds, dels)
                return
            pools = [objects_of(tys) for _, _, tys in binds]
            for row in rows:
                for (i, s, _), pool in zip(binds, pools, strict=True):
                    value = row[i]
                    if value not in pool:
                        break
                    env[s] = value
                else:
                    if not same or all(row[i] == row[j] for i, j in same):
                        _run(steps, at, env, state, facts, objects_of, plan, adds, dels)
            return
        else:  # "each"
            for value in objects_of(step[2]):
                env[step[1]] = value
                _run(steps, at, env, state, facts, objects_of, plan, adds, dels)
            return
    for pred, slots in plan.dels:
        dels.add((pred, *[env[s] for s in slots]))
    for pred, slots in plan.adds:
        adds.add((pred, *[env[s] for s in slots]))
