"""Re-derive every stored answer and report each record that does not hold up.

Prolog records are run again in a plain ``swipl`` (fresh module per item) and the derived
answer must equal the stored one; PDDL records have their stored answer validated again (our
grounded validator; with ``reference=True`` also unified-planning's validator). A record's id
must also match its prototype's canonical key, so editing a prototype is caught even when the
answer happens to stay the same. A malformed line is reported with its line number and the
rest of the file is still checked.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nsr.errors import DataError, NsrError
from nsr.prototypes.judge import judge_answer, normalize_prolog, steps_of
from nsr.prototypes.prolog_runner import PrologJob, run_jobs
from nsr.prototypes.record import PrototypeRecord, canonical_key, record_from_dict
from nsr.textfile import empty_file, iter_lines, shorten


@dataclass(frozen=True)
class Mismatch:
    """One record (or line) that failed verification."""

    id: str
    line: int
    reason: str
    message: str
    failed_step: int | None = None

    def __str__(self) -> str:
        step = f" (step {self.failed_step})" if self.failed_step is not None else ""
        return f"line {self.line}: {self.id}: {self.reason}{step}: {self.message}"


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    mismatches: tuple[Mismatch, ...]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def read_lenient(path: str | Path) -> tuple[list[tuple[int, PrototypeRecord]], list[Mismatch]]:
    """Every well-formed record with its line number, and a :class:`Mismatch` per bad line.

    A file without a single well-formed record is not a prototype file at all: that is a
    :class:`DataError` (bad input, exit 2), not a list of mismatches.
    """
    good: list[tuple[int, PrototypeRecord]] = []
    bad: list[Mismatch] = []
    seen: set[str] = set()
    for lineno, line in iter_lines(path, "prototype"):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            bad.append(Mismatch("?", lineno, "malformed", f"not valid JSON ({why})"))
            continue
        try:
            record = record_from_dict(data, f"{path}:{lineno}")
        except DataError as exc:
            rid = data.get("id", "?") if isinstance(data, dict) else "?"
            bad.append(Mismatch(str(rid), lineno, "malformed", str(exc)))
            continue
        if record.id in seen:
            bad.append(Mismatch(record.id, lineno, "duplicate_id", "id seen on an earlier line"))
            continue
        seen.add(record.id)
        good.append((lineno, record))
    if not good:
        if not bad:
            raise empty_file(path, "prototype")
        raise DataError(f"{path}: no prototype record in the file (line {bad[0].line}: "
                        f"{shorten(bad[0].message, 200)})")
    return good, bad


def _check_id(lineno: int, record: PrototypeRecord) -> Mismatch | None:
    key = canonical_key(record.kind, record.task, record.prototype)
    if not record.id.endswith(key[:12]):
        return Mismatch(record.id, lineno, "id_mismatch",
                        "the id does not match the prototype's canonical key (edited prototype?)")
    return None


def _reference_pddl(record: PrototypeRecord) -> tuple[bool, str, int | None]:
    """unified-planning's validator on the full plan the stored answer makes."""
    from nsr.backends.pddl import up_engine
    from nsr.backends.pddl.plans import parse_plan

    proto = record.prototype
    answer = parse_plan(record.answer, name="answer")
    if record.task == "plan_completion":
        plan = steps_of(proto["prefix"]) + answer + steps_of(proto["suffix"])
    else:
        plan = answer
    report = up_engine.validate_up(up_engine.load_task(proto["domain"], proto["problem"]), plan)
    return report.valid, report.message, report.failed_step


def verify_chunk(items: Sequence[tuple[int, PrototypeRecord]], reference: bool = False
                 ) -> list[Mismatch]:
    """Verify some records (the unit of work of a worker process)."""
    out: list[Mismatch] = []
    prolog = []
    for lineno, record in items:
        bad_id = _check_id(lineno, record)
        if bad_id is not None:
            out.append(bad_id)
            continue
        if record.kind == "prolog":
            prolog.append((lineno, record))
            continue
        verdict = judge_answer(record, record.answer)
        if not verdict.correct:
            out.append(Mismatch(record.id, lineno, verdict.specific_reason, verdict.message,
                                verdict.failed_step))
            continue
        if reference:
            try:
                valid, message, step = _reference_pddl(record)
            except NsrError as exc:
                valid, message, step = False, str(exc), None
            if not valid:
                out.append(Mismatch(record.id, lineno, "reference_validator", message, step))
    jobs = [PrologJob(str(i), r.prototype["program"], r.prototype["query"])
            for i, (_, r) in enumerate(prolog)]
    for (lineno, record), outcome in zip(prolog, run_jobs(jobs), strict=True):
        if not outcome.ok:
            out.append(Mismatch(record.id, lineno, outcome.status, outcome.message))
        elif normalize_prolog(outcome.answer) != normalize_prolog(record.answer):
            out.append(Mismatch(record.id, lineno, "answer_mismatch",
                                f"stored {record.answer[:200]} but swipl derives "
                                f"{outcome.answer[:200]}"))
    return out


def verify_records(items: Sequence[tuple[int, PrototypeRecord]], *, workers: int = 1,
                   reference: bool = False, chunk_size: int = 1000) -> list[Mismatch]:
    """Verify ``(line, record)`` pairs, in ``workers`` spawn-started processes if > 1."""
    chunk_size = max(1, min(chunk_size, math.ceil(len(items) / max(1, workers))))
    chunks = [list(items[i : i + chunk_size]) for i in range(0, len(items), chunk_size)]
    if workers > 1 and len(chunks) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = list(pool.map(verify_chunk, chunks, [reference] * len(chunks)))
    else:
        parts = [verify_chunk(c, reference) for c in chunks]
    found = [m for part in parts for m in part]
    return sorted(found, key=lambda m: m.line)


def verify_file(path: str | Path, *, workers: int = 1, reference: bool = False) -> VerifyReport:
    """Verify every line of a prototype file (see the module docstring)."""
    good, bad = read_lenient(path)
    found = verify_records(good, workers=workers, reference=reference)
    return VerifyReport(len(good) + len(bad), tuple(sorted(bad + found, key=lambda m: m.line)))
