"""Conversion: turn structured problems into prototypes, the interpreter deriving every answer.

- Task examples (SCAN, PCFG SET, HINT): the task oracle's rules are written as Prolog clauses
  (``prototypes/prolog/convert/<task>.pl``) and each example becomes a query over them. The
  answer is what SWI-Prolog derives; an example whose stored target disagrees with it is
  reported (and not converted), which also cross-checks the rules against the data.
- Planning problems (a domain file + problem files): a planner (Fast Downward by default, via
  ``nsr.backends.pddl``) finds a plan, our validator accepts it, and the three PDDL task types
  are built from it (``verification.method = "planner+validated"``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nsr.errors import ConfigError, DataError, NsrError
from nsr.prototypes.families.base import PddlInstance, Rejected, plist, shipped_text
from nsr.prototypes.prolog_runner import PrologJob, run_jobs, swipl_version
from nsr.prototypes.record import PrototypeRecord, canonical_key, make_id
from nsr.prototypes.synth import pddl_record
from nsr.tasks.base import Example
from nsr.textfile import read_text


@dataclass(frozen=True)
class Converter:
    """How one task's examples become queries over its Prolog rules."""

    task: str
    predicate: str
    tokens: Callable[[Sequence[str]], list[Any]]
    prompt: Callable[[Sequence[str]], str]
    measure: Callable[[Example], int]  # drives the difficulty level
    buckets: tuple[int, ...]  # measure thresholds of levels 2..5

    def level(self, ex: Example) -> int:
        m = self.measure(ex)
        return 1 + sum(m >= b for b in self.buckets)


def _scan_prompt(src: Sequence[str]) -> str:
    return (f"Translate the command '{' '.join(src)}' into its action sequence (SCAN: walk, "
            "look, run, jump, turn left/right; 'opposite' turns twice, 'around' four times; "
            "'twice'/'thrice' repeat; 'x after y' does y first). Answer with a Prolog list of "
            "action atoms such as ['I_TURN_LEFT', 'I_WALK'].")


def _pcfg_prompt(src: Sequence[str]) -> str:
    return (f"Evaluate the PCFG SET expression '{' '.join(src)}' (prefix notation; unary: copy, "
            "reverse, shift, echo, swap_first_last, repeat; binary, arguments separated by ',': "
            "append, prepend, remove_first, remove_second). Answer with a Prolog list of the "
            "resulting symbols such as ['A1', 'B2'].")


def _hint_prompt(src: Sequence[str]) -> str:
    return (f"Evaluate {' '.join(src)} where a - b means max(0, a - b) and a / b is rounded up; "
            "* and / bind tighter than + and -, all left-associative. Answer with an integer.")


def _hint_tokens(src: Sequence[str]) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in src]


CONVERTERS: dict[str, Converter] = {
    "scan": Converter("scan", "scan", list, _scan_prompt,
                      lambda ex: len(ex.target) if isinstance(ex.target, tuple) else 0,
                      (6, 12, 24, 36)),
    "pcfg": Converter("pcfg", "pcfg", list, _pcfg_prompt,
                      lambda ex: sum(t.islower() and t != "," for t in ex.source), (2, 4, 7, 10)),
    "hint": Converter("hint", "hint", _hint_tokens, _hint_prompt,
                      lambda ex: sum(t in "+-*/" for t in ex.source), (2, 4, 8, 12)),
}


def expected_text(target: tuple[str, ...] | int) -> str:
    """A task target in the canonical Prolog text the driver prints."""
    return str(target) if isinstance(target, int) else plist(list(target))


@dataclass(frozen=True)
class ConvertReport:
    records: tuple[PrototypeRecord, ...]
    #: (example or file id, what went wrong) for every item that was not converted
    failures: tuple[tuple[str, str], ...]


def convert_examples(task: str, examples: Sequence[Example], *,
                     time_limit: float = 10.0) -> ConvertReport:
    """Prolog prototypes of ``examples`` of ``task`` (scan, pcfg or hint)."""
    if task not in CONVERTERS:
        raise ConfigError(f"no Prolog rules for task {task!r}; convertible: {', '.join(CONVERTERS)}")
    conv = CONVERTERS[task]
    program = shipped_text("prolog", "convert", f"{task}.pl")
    jobs = [PrologJob(str(i), program, f"{conv.predicate}({plist(conv.tokens(ex.source))}, Answer)",
                      time_limit)
            for i, ex in enumerate(examples)]
    outcomes = run_jobs(jobs)
    engine = swipl_version()
    records: dict[str, PrototypeRecord] = {}
    failures: list[tuple[str, str]] = []
    for ex, job, out in zip(examples, jobs, outcomes, strict=True):
        if not out.ok:
            failures.append((ex.id, f"{out.status}: {out.message}"))
            continue
        want = expected_text(ex.target)
        if out.answer != want:
            failures.append((ex.id, f"derived {out.answer} but the data says {want}"))
            continue
        proto = {"program": program, "query": job.query}
        key = canonical_key("prolog", "query_answer", proto)
        rid = make_id(task, "query_answer", key)
        if rid in records:
            continue
        records[rid] = PrototypeRecord(
            id=rid, kind="prolog", task="query_answer", family=task, source=f"convert:{ex.id}",
            prompt=conv.prompt(ex.source), prototype=proto, answer=out.answer,
            difficulty={"level": conv.level(ex), "measure": conv.measure(ex)}, seed=0,
            verification={"engine": engine, "method": "derived", "inferences": out.inferences},
        )
    return ConvertReport(tuple(records.values()), tuple(failures))


def convert_planning(domain_path: str | Path, problem_paths: Sequence[str | Path], *,
                     planner: str = "fast-downward", timeout: float = 60.0,
                     tasks: Sequence[str] = ("plan_generation", "plan_completion",
                                             "plan_reordering"),
                     seed: int = 0) -> ConvertReport:
    """The three PDDL task types of each problem; a bad problem is a failure, not a crash."""
    from nsr.backends.pddl import grounded, up_engine

    domain_path = Path(domain_path)
    domain_text = read_text(domain_path, "domain", nonempty=True)
    domain = grounded.parse_domain(domain_text, name=str(domain_path))
    records: dict[str, PrototypeRecord] = {}
    failures: list[tuple[str, str]] = []
    for path in problem_paths:
        path = Path(path)
        try:
            problem_text = read_text(path, "problem", nonempty=True)
            problem = grounded.parse_problem(problem_text, domain, name=str(path))
            result = up_engine.solve(up_engine.load_task(domain_path, path), planner=planner,
                                     timeout=timeout)
            if result.plan is None:
                raise DataError(f"{path}: the planner found no plan ({result.status})")
            plan = tuple(result.plan)
            instance = PddlInstance(
                problem_text, plan,
                f"Problem {problem.name} of domain {domain.name} (file {path.name}).",
                {"level": 0, "plan_length": len(plan)}, method="planner+validated")
            for task in tasks:
                rng = random.Random(f"{seed}:{path}:{task}")
                record = pddl_record(domain.name, f"domain {domain.name}", domain_text, task,
                                     instance, rng, seed,
                                     source=f"convert:{path}", planner=result.planner)
                records.setdefault(record.id, record)
        except Rejected as exc:
            failures.append((str(path), f"rejected: {exc}"))
        except NsrError as exc:
            failures.append((str(path), str(exc)))
    return ConvertReport(tuple(records.values()), tuple(failures))
