"""Planning prototypes from any PDDL domain: random walks and known plans, validated.

Why random walks: a user with a domain and one problem has no generator for new problems, and a
planner per problem is slow. A seeded walk of applicable steps from the problem's initial state
ends in a state whose changed atoms become a new goal; the walk (with its loops cut out: a state
seen twice means the steps between were useless) is then a plan known to be valid for that new
problem, and our validator checks it again when the record is built. Difficulty grows with the
walk length (``level`` k walks ``3k`` steps); the record keeps the walk and plan lengths.

``convert_folder`` does this for a folder of families (one sub-folder per domain, such as
``../shared/data/ipc``) and also turns every known plan (``<problem>.valid.plan``) into records,
after our validator accepts it. Every record goes through ``pddl_record``, which judges its
answer like a candidate's before keeping it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nsr.backends.pddl.grounded import Domain, Problem, parse_domain, parse_problem, validate
from nsr.backends.pddl.ipc import FamilyProblem, list_families
from nsr.backends.pddl.plans import Step, parse_plan
from nsr.backends.pddl.simulate import State, applicable_steps, apply_step, problem_text
from nsr.errors import ConfigError, NsrError
from nsr.prototypes.families.base import PddlInstance, Rejected, check_level
from nsr.prototypes.record import PrototypeRecord
from nsr.prototypes.synth import pddl_record

__all__ = ["TASKS", "FolderReport", "convert_folder", "synth_from_domain", "walk_instance"]

TASKS = ("plan_generation", "plan_completion", "plan_reordering")
STEPS_PER_LEVEL = 3


def walk_instance(
    domain: Domain, problem: Problem, *, length: int, rng: random.Random, name: str
) -> PddlInstance:
    """A new problem (same objects and initial state, the walk's end as goal) and its plan.

    Raises :class:`Rejected` when the walk changes nothing (no step applicable, or it returns
    to the initial state).
    """
    state: State = problem.init
    states: list[State] = [state]
    plan: list[Step] = []
    walked = 0
    for _ in range(length):
        options = applicable_steps(domain, problem, state)
        if not options:
            break
        step = rng.choice(options)
        nxt = apply_step(domain, problem, state, step)
        if nxt is None:  # an undefined cost: this step cannot be part of a plan
            break
        walked += 1
        if nxt in states:  # a loop: cut it out of the plan
            k = states.index(nxt)
            del states[k + 1 :]
            del plan[k:]
        else:
            states.append(nxt)
            plan.append(step)
        state = nxt
    added = state - problem.init
    removed = problem.init - state
    if not plan or not (added or removed):
        raise Rejected("the walk changed nothing")
    # the atoms made true are the goal; when a walk only deletes, the deletions are
    negative = () if added else tuple(removed)
    text = problem_text(problem, added, name=name, negative=negative)
    return PddlInstance(
        text,
        tuple(plan),
        f"Problem {name} of domain {domain.name}: problem {problem.name} with a new goal "
        f"reached by a random walk of {walked} steps.",
        {"level": 0, "walk_length": walked, "plan_length": len(plan)},
        method="constructed+validated",  # constructed by the walk
    )


def synth_from_domain(
    domain_text: str,
    problem_text_: str,
    n: int,
    *,
    seed: int = 0,
    levels: Sequence[int] = (1, 2, 3, 4, 5),
    task: str | None = None,
    family: str | None = None,
    max_attempts: int | None = None,
) -> tuple[list[PrototypeRecord], int]:
    """``n`` verified records from random walks on one problem; (records, attempts made).

    Items cycle through ``levels`` and (unless ``task`` is given) the three task types;
    duplicates are dropped and topped up, within ``max_attempts`` (default ``4 n + 20``).
    """
    if task is not None and task not in TASKS:
        raise ConfigError(f"unknown task {task!r}; PDDL tasks: {', '.join(TASKS)}")
    for level in levels:
        check_level(level)
    domain = parse_domain(domain_text, name="<domain>")
    problem = parse_problem(problem_text_, domain, name="<problem>")
    name = family or domain.name
    limit = max_attempts if max_attempts is not None else 4 * n + 20
    records: dict[str, PrototypeRecord] = {}
    attempts = 0
    while len(records) < n and attempts < limit:
        i = attempts
        attempts += 1
        made = len(records)  # levels and tasks cycle over the items kept, not the attempts
        level = levels[made % len(levels)]
        kind = task or TASKS[made % len(TASKS)]
        rng = random.Random(f"{seed}:{name}:{i}")
        try:
            inst = walk_instance(domain, problem, length=STEPS_PER_LEVEL * level, rng=rng,
                                 name=f"{problem.name}-w{seed}-{i}")
            inst = PddlInstance(inst.problem, inst.plan, inst.description,
                                {**inst.difficulty, "level": level}, method=inst.method)
            record = pddl_record(name, f"domain {domain.name}", domain_text, kind, inst, rng,
                                 seed, source=f"walk:{name}:{problem.name}")
        except Rejected:
            continue
        records.setdefault(record.id, record)
    return list(records.values()), attempts


@dataclass(frozen=True)
class FolderReport:
    records: tuple[PrototypeRecord, ...]
    failures: tuple[tuple[str, str], ...]  # (family/problem, why) of what was not converted
    families: tuple[str, ...]  # families with at least one record of every task type asked
    seconds: float


def _known_plan_records(
    fp: FamilyProblem, domain: Domain, domain_text: str, problem_text_: str, seed: int,
    tasks: Sequence[str],
) -> list[PrototypeRecord]:
    assert fp.plan is not None
    problem = parse_problem(problem_text_, domain, name=str(fp.problem))
    plan = parse_plan(fp.plan.read_text(encoding="utf-8"), name=str(fp.plan))
    report = validate(domain, problem, plan)
    if not report.valid:
        raise Rejected(f"the known plan is not valid: {report.message}")
    inst = PddlInstance(
        problem_text_, plan, f"Problem {problem.name} of domain {domain.name}.",
        {"level": 0, "plan_length": len(plan)}, method="planner+validated",
    )
    out = []
    for task in tasks:
        rng = random.Random(f"{seed}:{fp.family}/{fp.name}:{task}")
        try:
            out.append(pddl_record(fp.family, f"domain {domain.name}", domain_text, task, inst,
                                   rng, seed, source=f"convert:{fp.family}/{fp.name}",
                                   planner="fast-downward (known plan)"))
        except Rejected:
            continue
    return out


def convert_folder(
    root: Path,
    *,
    walks: int = 1,
    seed: int = 0,
    tasks: Sequence[str] = TASKS,
    families: Sequence[str] | None = None,
) -> FolderReport:
    """The three task types for every family of ``root`` (see module docstring).

    Per problem: the known plan's records, then ``walks`` random-walk problems per task type
    (levels cycling 1..5). A family or problem that cannot be read is a failure, not a crash.
    """
    if walks < 0:
        raise ConfigError(f"walks must be >= 0, got {walks}")
    start = time.perf_counter()
    found = list_families(root)
    if families is not None:
        unknown = sorted(set(families) - set(found))
        if unknown:
            raise ConfigError(f"no family {', '.join(unknown)} in {root}")
        found = {k: v for k, v in found.items() if k in families}
    records: dict[str, PrototypeRecord] = {}
    failures: list[tuple[str, str]] = []
    for fam, problems in found.items():
        for fp in problems:
            where = f"{fam}/{fp.name}"
            try:
                domain_text = fp.domain.read_text(encoding="utf-8")
                problem_text_ = fp.problem.read_text(encoding="utf-8")
                domain = parse_domain(domain_text, name=str(fp.domain))
                if fp.plan is not None:
                    for r in _known_plan_records(fp, domain, domain_text, problem_text_, seed,
                                                 tasks):
                        records.setdefault(r.id, r)
                for task in tasks:
                    made, _ = synth_from_domain(
                        domain_text, problem_text_, walks, seed=seed, task=task, family=fam,
                        max_attempts=3 * walks,
                    )
                    for r in made:
                        records.setdefault(r.id, r)
            except Rejected as exc:
                failures.append((where, f"rejected: {exc}"))
            except NsrError as exc:
                failures.append((where, str(exc)))
    covered = {}
    for r in records.values():
        covered.setdefault(r.family, set()).add(r.task)
    complete = tuple(sorted(f for f, t in covered.items() if t >= set(tasks)))
    return FolderReport(tuple(records.values()), tuple(failures), complete,
                        time.perf_counter() - start)
