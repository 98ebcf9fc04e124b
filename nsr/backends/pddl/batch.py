"""Many plans of one problem validated in one call: what a verifier worker does all day.

Why a batch call: a worker keeps a problem's domain and problem parsed and judges plan after
plan (the candidates of a group of rollouts). Everything a validation builds for the problem is
already shared between its plans (actions read once, compiled conditions and effects, the index
of the initial state, derived atoms of states seen before); what is left per batch is the
cyclic garbage collector. A validation allocates many small containers and frees them at once,
never in a cycle, yet every few hundred allocations the collector walks the young objects, and
now and then the old ones (the parsed problems a worker keeps): work that finds nothing. So the
batch runs with the collector paused (and restores it, also after an error), as parsers of big
acyclic structures do.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from nsr.backends.pddl.grounded import Domain, Problem, ValidationReport, validate
from nsr.backends.pddl.plans import Step, parse_plan

__all__ = ["collector_paused", "validate_many", "without_collector"]

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block (no effect if already paused)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def without_collector(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` run with the cyclic collector paused (see :func:`collector_paused`)."""

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return fn(*args, **kwargs)

    return run


@without_collector
def validate_many(
    domain: Domain, problem: Problem, plans: Iterable[str | Sequence[Step]]
) -> list[ValidationReport]:
    """:func:`~nsr.backends.pddl.grounded.validate` of every plan (a plan's text is read with
    :func:`~nsr.backends.pddl.plans.parse_plan`, which raises :class:`PlanSyntaxError` naming
    the line), in order, the garbage collector paused meanwhile."""
    return [
        validate(domain, problem, parse_plan(plan) if isinstance(plan, str) else plan)
        for plan in plans
    ]
