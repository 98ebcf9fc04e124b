"""Many plans of one problem validated in one call: what a verifier worker does all day.

Why a batch call: a worker keeps a problem's domain and problem parsed and judges plan after
plan (the candidates of a group of rollouts). Everything a validation builds for the problem is
already shared between its plans (actions read once, compiled conditions and effects, the index
of the initial state, derived atoms of states seen before); what a batch adds is reading every
action its plans use in one go (:meth:`~nsr.backends.pddl.reader.LazyActions.prefetch`: a plan
of a grounded domain may use hundreds) and keeping the cyclic garbage collector paused across
the whole batch (each validation pauses it too, see :mod:`~nsr.backends.pddl.nogc`: a
validation allocates many small containers and frees them at once, never in a cycle, so the
collector's walks find nothing), restored after, also after an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from nsr.backends.pddl.grounded import Domain, Problem, ValidationReport, validate
from nsr.backends.pddl.nogc import collector_paused, without_collector
from nsr.backends.pddl.plans import Step, parse_plan
from nsr.backends.pddl.reader import LazyActions

__all__ = ["collector_paused", "validate_many", "without_collector"]

@without_collector
def validate_many(
    domain: Domain, problem: Problem, plans: Iterable[str | Sequence[Step]]
) -> list[ValidationReport]:
    """:func:`~nsr.backends.pddl.grounded.validate` of every plan, in order, the garbage
    collector paused meanwhile. Plan texts are read first with
    :func:`~nsr.backends.pddl.plans.parse_plan` (a bad one raises :class:`PlanSyntaxError`
    naming its line before any plan is judged)."""
    steps = [parse_plan(plan) if isinstance(plan, str) else tuple(plan) for plan in plans]
    actions = domain.actions
    if isinstance(actions, LazyActions):  # every action the batch uses, read in one go
        actions.prefetch(s.action for plan in steps for s in plan)
    return [validate(domain, problem, plan) for plan in steps]
