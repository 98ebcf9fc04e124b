"""Many plans validated in one call: what a verifier worker or an RL reward batch does all day.

Why a batch call: a worker judges plan after plan (the candidates of a group of rollouts) for
the tasks of one domain. Everything a validation builds for a problem is already shared between
its plans (actions read once, compiled conditions and effects, the index of the initial state,
derived atoms of states seen before); what a batch adds:

- the domain's text is read once for all its problems (:func:`validate_batch` takes the domain
  and a list of (problem, plans)), and every action the batch's plans use is read in one go
  (:meth:`~nsr.backends.pddl.reader.LazyActions.prefetch`: a plan of a grounded domain may use
  hundreds, and reading has a fixed cost per call);
- plan lines are read once per batch: candidates for one task repeat most of their lines, and
  a line read before is a dict look-up (see :func:`~nsr.backends.pddl.plans.parse_plan`);
- plans that begin alike simulate their common prefix once (``share_prefixes``, on by
  default): a problem's plans are taken in the order of their texts (those that begin with
  the same lines are neighbours; plans given as steps: in the order of their steps), each
  continues from the state where it leaves the previous one, reached by undoing that plan's
  later steps (each applied step logs the atoms it removed and added, unless no plan still to
  come shares less than the step's prefix, so that it is never undone; see
  :func:`~nsr.backends.pddl.grounded.simulate`). Candidates for one task (rollouts of one
  prompt, a plan and its repairs) often share their first steps; a report is the same either
  way, since a step's outcome depends only on the state it starts from;
- derived rules are compiled sooner: a derived predicate is asked again by every plan (its
  goal, its preconditions), so the rent-or-buy budget of a rule is shared by the plans the call
  has ahead (see :func:`~nsr.backends.pddl.world._rule_budget`);
- the cyclic garbage collector stays paused across the whole batch, reading included (each
  parse and validation pauses it too, see :mod:`~nsr.backends.pddl.nogc`: they allocate many
  small containers and free them at once, never in a cycle, so the collector's walks find
  nothing; between separate calls it would walk every young object the last call kept),
  restored after, also after an error.

Nothing is kept between calls beyond what a parsed :class:`Domain` keeps by itself (its read
actions, its compiled conditions): a batch given texts starts from texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain

from nsr.backends.pddl.facts import FactIndex
from nsr.backends.pddl.grounded import (
    Domain,
    Problem,
    Undo,
    ValidationReport,
    parse_domain,
    parse_problem,
    simulate,
    undo,
    validate,
)
from nsr.backends.pddl.nogc import collector_paused, without_collector
from nsr.backends.pddl.plans import Step, parse_plan
from nsr.backends.pddl.reader import LazyActions

__all__ = ["collector_paused", "validate_batch", "validate_many", "without_collector"]

Plan = str | Sequence[Step]


def _read_plans(
    plans: Iterable[Plan], lines: dict[str, Step], label: str
) -> list[tuple[Step, ...]]:
    return [
        parse_plan(plan, name=f"{label}plan {i}>" if label else "<plan>", lines=lines)
        if isinstance(plan, str) else tuple(plan)
        for i, plan in enumerate(plans, start=1)
    ]


def _prefetch(
    domain: Domain, plans: Iterable[Plan], read: Iterable[tuple[Step, ...]],
    lines: dict[str, Step],
) -> None:
    """Read every action the batch uses in one go: those of the plans given as steps, and
    those of the lines read from texts (a line's step is kept once, however many plans repeat
    the line; a text in another layout than plain lines, read line by line, has its actions
    read by the validation as it reaches them)."""
    actions = domain.actions
    if isinstance(actions, LazyActions):
        given = (steps for plan, steps in zip(plans, read, strict=True)
                 if not isinstance(plan, str))
        actions.prefetch(chain((s.action for s in lines.values()),
                               (s.action for steps in given for s in steps)))


def _judge(
    domain: Domain,
    problem: Problem,
    plans: Sequence[tuple[Step, ...]],
    share_prefixes: bool,
    texts: Sequence[Plan] = (),
) -> list[ValidationReport]:
    """The reports of ``plans`` (in their order), common prefixes simulated once if asked;
    ``texts``: what they were read from."""
    if not share_prefixes or len(plans) < 2:
        return [validate(domain, problem, plan) for plan in plans]
    # plans sorted by their steps sit next to those they share most with. Texts in sorted
    # order do (all that begin with the same lines are neighbours), and compare by C calls;
    # else lines read once are one object per line, so ids order them (equal steps of other
    # origins just share less)
    if len(texts) == len(plans) and all(isinstance(t, str) for t in texts):
        order = sorted(range(len(plans)), key=texts.__getitem__)
    else:
        order = sorted(range(len(plans)), key=lambda i: tuple(map(id, plans[i])))
    # a step is undone only when a later plan shares less: steps below the least common
    # prefix of the plans still to come log no atoms (see simulate's log_from). The prefixes
    # shared by neighbours in the order, from the last one back, as running minima
    floors = [0] * len(order)
    least = 1 << 62
    for k in range(len(order) - 2, -1, -1):
        least = min(least, _shared(plans[order[k]], plans[order[k + 1]]))
        floors[k] = least
    floors[-1] = 1 << 62  # the last plan is never undone
    state = set(problem.init)
    index = FactIndex(state, problem.initial_index())
    log: list[Undo] = []
    previous: tuple[Step, ...] = ()
    out: list[ValidationReport | None] = [None] * len(plans)
    for k, i in enumerate(order):
        plan = plans[i]
        common = _shared(plan, previous, len(log))  # up to the previous plan's applied steps
        cost = undo(state, index, log, common)
        out[i] = simulate(domain, problem, plan, state, index, common, cost, log, floors[k])
        previous = plan
    return out  # type: ignore[return-value]


def _shared(plan: tuple[Step, ...], other: tuple[Step, ...], limit: int | None = None) -> int:
    """How many first steps ``plan`` and ``other`` have in common (at most ``limit``)."""
    end = min(len(plan), len(other)) if limit is None else min(len(plan), len(other), limit)
    # slices compared by C calls (equal steps are most often one object: a shared line), the
    # first difference found by halving: a few slice comparisons instead of a step at a time
    if plan[:end] == other[:end]:
        return end
    low, high = 0, end  # plan[:low] == other[:low], plan[:high] != other[:high]
    while high - low > 1:
        mid = (low + high) // 2
        if plan[low:mid] == other[low:mid]:
            low = mid
        else:
            high = mid
    return low


@without_collector
def validate_many(
    domain: Domain, problem: Problem, plans: Iterable[Plan], *, share_prefixes: bool = True
) -> list[ValidationReport]:
    """:func:`~nsr.backends.pddl.grounded.validate` of every plan (reports in the plans'
    order), the garbage collector paused meanwhile. Plan texts are read first with
    :func:`~nsr.backends.pddl.plans.parse_plan`, their lines shared (a bad one raises
    :class:`PlanSyntaxError` naming its line before any plan is judged); common prefixes are
    simulated once unless ``share_prefixes`` is False (see the module docstring)."""
    plans = plans if isinstance(plans, Sequence) else list(plans)
    lines: dict[str, Step] = {}
    steps = _read_plans(plans, lines, "")
    _prefetch(domain, plans, steps, lines)
    with _plans_ahead(domain, len(steps)):
        return _judge(domain, problem, steps, share_prefixes, plans)


@without_collector
def validate_batch(
    domain: str | Domain,
    tasks: Sequence[tuple[str | Problem, Sequence[Plan]]],
    *,
    domain_name: str = "<domain>",
    share_prefixes: bool = True,
) -> list[list[ValidationReport]]:
    """The reports of every plan of every task, ``tasks`` being (problem, its plans) pairs of
    one ``domain``; problems, plans and the domain may be texts (read here, the domain once) or
    already read.

    Every plan text is read before any problem is (a bad plan raises
    :class:`PlanSyntaxError` naming ``<problem N, plan M>`` and its line); a bad problem
    raises :class:`PddlSyntaxError` naming ``<problem N>``. Each problem is read just before
    its plans are judged, so one problem's structures are alive at a time. Common prefixes
    are simulated once unless ``share_prefixes`` is False (see the module docstring).
    """
    if isinstance(domain, str):
        domain = parse_domain(domain, name=domain_name)
    lines: dict[str, Step] = {}
    read = [
        _read_plans(plans, lines, f"<problem {n}, ")
        for n, (_, plans) in enumerate(tasks, start=1)
    ]
    _prefetch(domain, [p for _, plans in tasks for p in plans],
              [steps for plans in read for steps in plans], lines)
    out = []
    with _plans_ahead(domain, sum(map(len, read))):
        for n, ((problem, texts), plans) in enumerate(zip(tasks, read, strict=True), start=1):
            if isinstance(problem, str):
                problem = parse_problem(problem, domain, name=f"<problem {n}>")
            out.append(_judge(domain, problem, plans, share_prefixes, texts))
    return out


@contextmanager
def _plans_ahead(domain: Domain, count: int) -> Iterator[None]:
    """Tell the domain's conditions that ``count`` plans are to be judged now (derived rules
    are then compiled sooner, see :func:`~nsr.backends.pddl.world._rule_budget`); the
    previous count is restored after, also after an error."""
    memo = domain.compiled
    before = memo.get("plans ahead")
    memo["plans ahead"] = max(count, 1)
    try:
        yield
    finally:
        if before is None:
            del memo["plans ahead"]
        else:
            memo["plans ahead"] = before
