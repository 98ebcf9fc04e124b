"""State-level helpers on top of the grounded model: apply a step, list applicable steps, walk.

A seeded random walk of applicable steps yields a long plan that is valid by construction (its
final state becomes the goal), which is what benchmarks and prototype synthesis need without
running a planner.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from nsr.backends.pddl.formulas import Formula, conjuncts
from nsr.backends.pddl.grounded import (
    Action,
    Domain,
    GroundAtom,
    Problem,
)
from nsr.backends.pddl.plans import Step
from nsr.backends.pddl.world import UndefinedValue, World
from nsr.errors import ConfigError

State = frozenset[GroundAtom]


def _applicable(
    action: Action, args: tuple[str, ...], state: State | set[GroundAtom], world: World | None
) -> bool:
    comp = action.compiled
    vals = args + comp.symbols
    if any(g(vals) not in state for g in comp.pos) or any(g(vals) in state for g in comp.neg):
        return False
    if any(vals[i] != vals[j] for i, j in comp.eq) or any(vals[i] == vals[j] for i, j in comp.neq):
        return False
    if comp.general:
        assert world is not None
        binding = dict(zip(action.variables, args, strict=True))
        return all(world.holds(c, binding) for c in comp.general)
    return True


def _successor(
    action: Action, args: tuple[str, ...], state: State, world: World
) -> State | None:
    comp = action.compiled
    vals = args + comp.symbols
    dels = {g(vals) for g in comp.dels}
    adds = {g(vals) for g in comp.adds}
    if comp.extra is not None:
        try:
            world.effects(comp.extra, action.variables, args, adds, dels)
        except UndefinedValue:
            return None
    return (state - dels) | adds


def apply_step(domain: Domain, problem: Problem, state: State, step: Step) -> State | None:
    """The state after ``step``, or None when the step is not applicable (or not well formed)."""
    action = domain.actions.get(step.action)
    if action is None or len(step.args) != action.arity:
        return None
    doms = problem.param_domains[action.name]
    if any(arg not in dom for arg, dom in zip(step.args, doms, strict=True)):
        return None
    world = World(problem, state)
    if not _applicable(action, step.args, state, world):
        return None
    return _successor(action, step.args, state, world)


def applicable_steps(domain: Domain, problem: Problem, state: State) -> list[Step]:
    """Every ground step applicable in ``state``, in a deterministic (sorted) order.

    Found by joining each action's precondition with the state's facts (see
    :meth:`World.solutions`), so actions with many parameters are not enumerated blindly.
    """
    world = World(problem, state)
    found: set[Step] = set()
    for name in sorted(domain.actions):
        action = domain.actions[name]
        variables = action.variables
        doms = problem.param_domains[name]
        parts = conjuncts_of(action)
        for b in world.solutions(parts, {}, action.params):
            args = tuple(b[v] for v in variables)
            if all(a in d for a, d in zip(args, doms, strict=True)):
                found.add(Step(name, args))
    return sorted(found, key=lambda s: (s.action, s.args))


def conjuncts_of(action: Action) -> tuple[Formula, ...]:
    """The precondition's top-level conjuncts (what the join works on)."""
    return conjuncts(action.precondition)


def random_walk(
    domain: Domain, problem: Problem, length: int, seed: int
) -> tuple[tuple[Step, ...], State]:
    """A plan of ``length`` applicable steps chosen uniformly at random; and its final state.

    Raises :class:`ConfigError` when the walk reaches a dead end before ``length`` steps.
    """
    if length < 0:
        raise ConfigError(f"length must be >= 0, got {length}")
    rng = random.Random(seed)
    state: State = problem.init
    plan: list[Step] = []
    for _ in range(length):
        options = applicable_steps(domain, problem, state)
        if not options:
            raise ConfigError(f"dead end after {len(plan)} steps in problem '{problem.name}'")
        step = rng.choice(options)
        action = domain.actions[step.action]
        nxt = _successor(action, step.args, state, World(problem, state))
        if nxt is None:
            raise ConfigError(f"step {step} has an undefined cost in problem '{problem.name}'")
        state = nxt
        plan.append(step)
    return tuple(plan), state


def problem_text(
    problem: Problem,
    goal: Iterable[GroundAtom],
    *,
    name: str | None = None,
    negative: Iterable[GroundAtom] = (),
) -> str:
    """PDDL text of ``problem`` with its goal replaced by the conjunction of ``goal`` atoms
    (and ``(not ...)`` of ``negative`` ones); numeric values and the cost metric are kept."""
    domain = problem.domain
    own = {o: t for o, t in problem.objects.items() if o not in domain.constants}
    objects = " ".join(
        f"{o} - {next(iter(t))}" if len(t) == 1 else f"{o} - (either {' '.join(sorted(t))})"
        for o, t in sorted(own.items())
    )
    init = " ".join("(" + " ".join(a) + ")" for a in sorted(problem.init))
    numeric = " ".join(
        f"(= ({' '.join(key)}) {value:g})" for key, value in sorted(problem.numeric.items())
    )
    goals = " ".join(
        [*("(" + " ".join(a) + ")" for a in sorted(goal)),
         *("(not (" + " ".join(a) + "))" for a in sorted(negative))]
    )
    metric = "\n  (:metric minimize (total-cost))" if "total-cost" in domain.functions else ""
    return (
        f"(define (problem {name or problem.name}) (:domain {domain.name})\n"
        f"  (:objects {objects})\n"
        f"  (:init {init}{' ' + numeric if numeric else ''})\n"
        f"  (:goal (and {goals})){metric})\n"
    )
