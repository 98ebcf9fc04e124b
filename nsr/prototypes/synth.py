"""Synthesis: generate N verified, de-duplicated prototypes of a family.

Each item index gets its own seed (``item_seed``), so an item is reproducible from the run
seed and its index alone, whatever the number of workers. Per item:

1. the family drafts a problem at a difficulty level (redrawn if degenerate);
2. Prolog: SWI-Prolog derives the answer in a fresh module of a plain ``swipl`` process; a
   question with no answer or with two different answers is rejected. PDDL: the constructed
   plan must pass our validator, and the task's answer (plan, missing steps, reordered plan)
   is judged like a candidate would be;
3. every item is re-checked (Prolog: derived again through the in-process engine of
   ``nsr.backends.prolog``, an independent path, and both answers must agree; PDDL: judged
   again),
   then duplicates (same canonical form) are dropped. Rejected indices are topped up.

Workers are processes started with the ``spawn`` method (never fork: see the Prolog notes in
docs), or Ray tasks when a Ray address is given (Ray is imported only then).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nsr.backends.pddl.plans import Step
from nsr.errors import ConfigError, EngineError, MissingDependency, NsrError
from nsr.prototypes.families import get_family
from nsr.prototypes.families.base import (
    MAX_LEVEL,
    PddlFamily,
    PddlInstance,
    PrologFamily,
    Rejected,
    check_level,
)
from nsr.prototypes.judge import judge_answer
from nsr.prototypes.prolog_runner import (
    PrologJob,
    PrologOutcome,
    run_jobs,
    run_jobs_in_process,
    swipl_version,
)
from nsr.prototypes.record import PrototypeRecord, canonical_key, make_id

PDDL_ENGINE = "nsr-grounded"
DEFAULT_TIME_LIMIT = 10.0


def parse_levels(spec: str | int | Sequence[int]) -> tuple[int, ...]:
    """``"3"``, ``"1-5"`` or ``"1,3,5"`` -> the levels items cycle through."""
    if isinstance(spec, int):
        return (check_level(spec),)
    if not isinstance(spec, str):
        return tuple(check_level(int(x)) for x in spec)
    text = spec.strip()
    try:
        if "-" in text:
            lo, hi = (int(x) for x in text.split("-", 1))
            levels = tuple(range(lo, hi + 1))
        else:
            levels = tuple(int(x) for x in text.split(","))
    except ValueError:
        raise ConfigError(f"bad difficulty {spec!r}: use a level (3), a range (1-5) or a "
                          f"list (1,3,5) of levels from 1 to {MAX_LEVEL}") from None
    if not levels:
        raise ConfigError(f"bad difficulty {spec!r}: no levels")
    return tuple(check_level(x) for x in levels)


def item_seed(seed: int, family: str, index: int) -> int:
    """A 63-bit seed for one item, stable across runs, workers and Python versions."""
    digest = hashlib.sha256(f"{seed}:{family}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


# ---------------------------------------------------------------------------------------------
# PDDL tasks from one instance


def _steps_text(steps: Sequence[Step]) -> str:
    return "\n".join(str(s) for s in steps)


def pddl_record(family: str, description: str, domain: str, task: str, inst: PddlInstance,
                rng: random.Random, seed: int, *, source: str | None = None,
                planner: str | None = None) -> PrototypeRecord:
    """Turn an instance into a record of ``task``; its answer is judged (validated) before use.

    ``family``/``description``/``domain``: the family's name, one-line description and domain
    text (a generator family's, or a converted domain's).
    """
    plan = inst.plan
    proto: dict[str, Any] = {"domain": domain, "problem": inst.problem}
    head = (f"Planning problem ({description}).\n{inst.description}\n\n"
            f"PDDL domain:\n{domain.strip()}\n\nPDDL problem:\n{inst.problem.strip()}\n\n")
    fmt = "Write one action per line as (action arg ...)."
    extra: dict[str, Any] = {}
    if task == "plan_generation":
        answer = plan
        prompt = head + f"Task: write a plan that reaches the goal. {fmt}"
    elif task == "plan_completion":
        if len(plan) < 2:
            raise Rejected("plan too short to leave a gap")
        missing = max(1, round(len(plan) * rng.uniform(0.2, 0.4)))
        start = rng.randint(0, len(plan) - missing)
        prefix, answer, suffix = plan[:start], plan[start : start + missing], plan[start + missing :]
        proto.update(prefix=[str(s) for s in prefix], suffix=[str(s) for s in suffix],
                     missing=missing)
        extra = {"missing": missing, "gap_start": start + 1}
        prompt = head + (
            f"Task: this plan has {missing} consecutive step(s) missing at the gap:\n"
            + (_steps_text(prefix) + "\n" if prefix else "")
            + f"... ({missing} missing step(s)) ...\n"
            + (_steps_text(suffix) + "\n" if suffix else "")
            + f"Write the missing steps so that the whole plan is valid. {fmt}"
        )
    elif task == "plan_reordering":
        if len(set(plan)) < 2:
            raise Rejected("nothing to reorder")
        shuffled = list(plan)
        while tuple(shuffled) == plan:
            rng.shuffle(shuffled)
        answer = plan
        proto["steps"] = [str(s) for s in shuffled]
        prompt = head + ("Task: these steps are a valid plan in the wrong order:\n"
                         + _steps_text(shuffled)
                         + f"\nPut them in an order that is a valid plan, using every step "
                           f"exactly once. {fmt}")
    else:
        raise ConfigError(f"{family} has no task {task!r}; tasks: {', '.join(PddlFamily.tasks)}")
    key = canonical_key("pddl", task, proto)
    method = "planner+validated" if planner else inst.method
    verification: dict[str, Any] = {"engine": PDDL_ENGINE, "method": method,
                                    "plan_length": len(plan)}
    if planner:
        verification["planner"] = planner
    record = PrototypeRecord(
        id=make_id(family, task, key), kind="pddl", task=task, family=family,
        source=source or f"synth:{family}", prompt=prompt, prototype=proto,
        answer=_steps_text(answer), difficulty={**inst.difficulty, **extra}, seed=seed,
        verification=verification,
    )
    verdict = judge_answer(record, record.answer)
    if not verdict.correct:
        raise Rejected(f"constructed answer failed validation: {verdict.message}")
    return record


# ---------------------------------------------------------------------------------------------
# Chunks (the unit of work a worker does)


@dataclass(frozen=True)
class Chunk:
    family: str
    task: str | None  # None: cycle through the family's tasks by index
    levels: tuple[int, ...]
    seed: int
    start: int
    stop: int
    time_limit: float = DEFAULT_TIME_LIMIT


@dataclass(frozen=True)
class ChunkResult:
    start: int
    records: tuple[tuple[int, PrototypeRecord], ...]
    rejected: dict[str, int] = field(default_factory=dict)


def _recheck(jobs: list[PrologJob]) -> list[PrologOutcome]:
    """Derive again by a second, independent path: the in-process engine (nsr.backends.prolog),
    or a fresh ``swipl`` driver when that engine is unavailable."""
    try:
        return run_jobs_in_process(jobs)
    except MissingDependency:
        return run_jobs(jobs)


def _task_for(chunk: Chunk, tasks: tuple[str, ...], index: int) -> str:
    return chunk.task if chunk.task is not None else tasks[index % len(tasks)]


def synthesize_chunk(chunk: Chunk) -> ChunkResult:
    """Generate, derive and re-check the items ``chunk.start .. chunk.stop - 1``."""
    family = get_family(chunk.family)
    rejected: Counter[str] = Counter()
    out: list[tuple[int, PrototypeRecord]] = []
    if isinstance(family, PrologFamily):
        drafts: list[tuple[int, int, Any]] = []
        for index in range(chunk.start, chunk.stop):
            seed = item_seed(chunk.seed, family.name, index)
            level = chunk.levels[index % len(chunk.levels)]
            try:
                drafts.append((index, seed, family.draft(random.Random(seed), level)))
            except Rejected:
                rejected["draft"] += 1
            except NsrError:  # a generator bug must cost one item, not the batch
                rejected["error"] += 1
        jobs = [PrologJob(str(i), d.program, d.query, chunk.time_limit) for i, _, d in drafts]
        first = run_jobs(jobs)
        again = {o.id: o for o in _recheck([j for j, o in zip(jobs, first, strict=True) if o.ok])}
        engine = swipl_version()
        for (index, seed, d), outcome in zip(drafts, first, strict=True):
            if not outcome.ok:
                rejected[outcome.status] += 1
                continue
            check = again.get(outcome.id)
            if check is None or not check.ok or check.answer != outcome.answer:
                rejected["recheck"] += 1
                continue
            proto = {"program": d.program, "query": d.query}
            key = canonical_key("prolog", "query_answer", proto)
            out.append((index, PrototypeRecord(
                id=make_id(family.name, "query_answer", key), kind="prolog",
                task="query_answer", family=family.name, source=f"synth:{family.name}",
                prompt=d.prompt, prototype=proto, answer=outcome.answer,
                difficulty=dict(d.difficulty), seed=seed,
                verification={"engine": engine, "method": "derived",
                              "inferences": outcome.inferences},
            )))
    elif isinstance(family, PddlFamily):
        for index in range(chunk.start, chunk.stop):
            seed = item_seed(chunk.seed, family.name, index)
            level = chunk.levels[index % len(chunk.levels)]
            task = _task_for(chunk, family.tasks, index)
            rng = random.Random(seed)
            try:
                inst = family.instance(rng, level)
                record = pddl_record(family.name, family.description, family.domain(), task,
                                     inst, rng, seed)
            except Rejected:
                rejected["draft"] += 1
                continue
            except NsrError:  # e.g. a problem our validator cannot read: one item, not the batch
                rejected["error"] += 1
                continue
            if not judge_answer(record, record.answer).correct:  # the re-check
                rejected["recheck"] += 1
                continue
            out.append((index, record))
    else:
        raise ConfigError(f"family {chunk.family!r} is neither a Prolog nor a PDDL family")
    return ChunkResult(chunk.start, tuple(out), dict(rejected))


# ---------------------------------------------------------------------------------------------
# Driving chunks: serially, in spawned processes, or on Ray


@dataclass(frozen=True)
class SynthReport:
    records: tuple[PrototypeRecord, ...]
    rejected: dict[str, int]
    duplicates: int
    attempted: int


class _Executor:
    """Runs chunks serially, in a spawn-started process pool, or as Ray tasks."""

    def __init__(self, workers: int, ray_address: str | None) -> None:
        self.workers = workers
        self._pool: Any = None
        self._ray: Any = None
        self._own_ray = False
        if ray_address is not None:
            try:
                import ray
            except ImportError as exc:
                raise MissingDependency("--ray needs Ray: pip install 'ray[default]'") from exc
            if not ray.is_initialized():
                try:
                    if ray_address == "local":
                        ray.init(num_cpus=max(1, workers), include_dashboard=False)
                    else:
                        ray.init(address=ray_address)
                except Exception as exc:  # Ray raises many kinds; the user needs one line
                    raise EngineError(f"cannot start or reach Ray at {ray_address!r}: "
                                      f"{str(exc).splitlines()[0] if str(exc) else exc!r}") from exc
                self._own_ray = True
            self._ray = ray
            self._remote = ray.remote(synthesize_chunk)
        elif workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # concurrent.futures, not multiprocessing.Pool: a worker that dies (a crash inside
            # SWI-Prolog) breaks the pool with an error instead of hanging the run forever.
            self._pool = ProcessPoolExecutor(workers,
                                             mp_context=multiprocessing.get_context("spawn"))

    def map(self, chunks: Sequence[Chunk]) -> list[ChunkResult]:
        if self._ray is not None:
            return list(self._ray.get([self._remote.remote(c) for c in chunks]))
        if self._pool is not None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                return list(self._pool.map(synthesize_chunk, chunks))
            except BrokenProcessPool as exc:
                raise EngineError(f"a synthesis worker process died ({exc}); "
                                  "re-run with --workers 1 to see the failing item") from exc
        return [synthesize_chunk(c) for c in chunks]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
        if self._own_ray:
            self._ray.shutdown()


def synthesize(
    family: str,
    n: int,
    *,
    seed: int = 0,
    levels: str | int | Sequence[int] = "1-5",
    task: str | None = None,
    workers: int = 1,
    ray_address: str | None = None,
    chunk_size: int = 200,
    time_limit: float = DEFAULT_TIME_LIMIT,
    progress: Callable[[int, int], None] | None = None,
) -> SynthReport:
    """``n`` verified, distinct prototypes of ``family`` (fewer only if draws keep failing).

    The result depends only on (family, n, seed, levels, task, chunk_size): items are kept in
    index order and the first of two duplicates wins, and the chunks are the same whatever
    ``workers`` is, so every record (inference counts included) is identical for any
    ``workers`` or Ray cluster.
    """
    fam = get_family(family)
    lv = parse_levels(levels)
    if task is not None and task not in fam.tasks:
        raise ConfigError(f"family {family!r} has no task {task!r}; tasks: {', '.join(fam.tasks)}")
    if n < 0 or workers < 1 or chunk_size < 1:
        raise ConfigError("n must be >= 0, workers >= 1 and chunk size >= 1")
    executor = _Executor(workers, ray_address)
    kept: dict[str, PrototypeRecord] = {}
    rejected: Counter[str] = Counter()
    duplicates = 0
    next_index = 0
    limit = 4 * n + 50
    try:
        while len(kept) < n and next_index < limit:
            need = n - len(kept)
            batch = min(limit - next_index, math.ceil(need * 1.2) + 4)
            # Chunk bounds must not depend on ``workers``: each chunk's items are derived in
            # one swipl process, and an item's recorded inference count depends (by a few)
            # on what that process ran before it.
            size = chunk_size
            chunks = [Chunk(family, task, lv, seed, s, min(s + size, next_index + batch),
                            time_limit)
                      for s in range(next_index, next_index + batch, size)]
            next_index += batch
            results = sorted(executor.map(chunks), key=lambda r: r.start)
            for result in results:
                rejected.update(result.rejected)
                for _, record in result.records:
                    if len(kept) >= n:
                        break
                    if record.id in kept:
                        duplicates += 1
                        continue
                    kept[record.id] = record
            if progress is not None:
                progress(len(kept), n)
    finally:
        executor.close()
    return SynthReport(tuple(kept.values()), dict(rejected), duplicates, next_index)
