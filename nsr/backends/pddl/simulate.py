"""State-level helpers on top of the grounded model: apply a step, list applicable steps, walk.

A seeded random walk of applicable steps yields a long plan that is valid by construction (its
final state becomes the goal), which is what benchmarks and prototype synthesis need without
running a planner.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable

from nsr.backends.pddl.grounded import (
    Action,
    Domain,
    GroundAtom,
    Problem,
    holds,
)
from nsr.backends.pddl.plans import Step
from nsr.errors import ConfigError

State = frozenset[GroundAtom]


def _applicable(action: Action, args: tuple[str, ...], state: State | set[GroundAtom]) -> bool:
    comp = action.compiled
    vals = args + comp.symbols
    if any(g(vals) not in state for g in comp.pos) or any(g(vals) in state for g in comp.neg):
        return False
    if any(vals[i] != vals[j] for i, j in comp.eq) or any(vals[i] == vals[j] for i, j in comp.neq):
        return False
    if comp.general:
        binding = dict(zip(action.variables, args, strict=True))
        return all(holds(c, state, binding) for c in comp.general)
    return True


def apply_step(domain: Domain, problem: Problem, state: State, step: Step) -> State | None:
    """The state after ``step``, or None when the step is not applicable (or not well formed)."""
    action = domain.actions.get(step.action)
    if action is None or len(step.args) != action.arity:
        return None
    doms = problem.param_domains[action.name]
    if any(arg not in dom for arg, dom in zip(step.args, doms, strict=True)):
        return None
    if not _applicable(action, step.args, state):
        return None
    comp = action.compiled
    vals = step.args + comp.symbols
    return (state - {g(vals) for g in comp.dels}) | {g(vals) for g in comp.adds}


def applicable_steps(domain: Domain, problem: Problem, state: State) -> list[Step]:
    """Every ground step applicable in ``state``, in a deterministic (sorted) order."""
    out: list[Step] = []
    for name in sorted(domain.actions):
        action = domain.actions[name]
        doms = [sorted(d) for d in problem.param_domains[name]]
        for args in itertools.product(*doms):
            if _applicable(action, args, state):
                out.append(Step(name, args))
    return out


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
        nxt = apply_step(domain, problem, state, step)
        if nxt is None:  # pragma: no cover - options are applicable by construction
            raise ConfigError(f"internal error: {step} listed as applicable but is not")
        state = nxt
        plan.append(step)
    return tuple(plan), state


def problem_text(problem: Problem, goal: Iterable[GroundAtom], *, name: str | None = None) -> str:
    """PDDL text of ``problem`` with its goal replaced by the conjunction of ``goal`` atoms."""
    domain = problem.domain
    own = {o: t for o, t in problem.objects.items() if o not in domain.constants}
    objects = " ".join(
        f"{o} - {next(iter(t))}" if len(t) == 1 else f"{o} - (either {' '.join(sorted(t))})"
        for o, t in sorted(own.items())
    )
    init = " ".join("(" + " ".join(a) + ")" for a in sorted(problem.init))
    goals = " ".join("(" + " ".join(a) + ")" for a in sorted(goal))
    return (
        f"(define (problem {name or problem.name}) (:domain {domain.name})\n"
        f"  (:objects {objects})\n"
        f"  (:init {init})\n"
        f"  (:goal (and {goals})))\n"
    )
