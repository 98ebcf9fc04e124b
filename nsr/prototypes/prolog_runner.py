"""Derive the answers of Prolog prototypes in a plain ``swipl`` process (see ``driver.pl``).

Why a subprocess and not the in-process engine: prototypes are derived in batches of hundreds,
often in worker processes; a ``swipl`` child per batch costs ~40 ms, isolates crashes (a program
that kills Prolog kills one batch, which is then re-run item by item so that only the culprit
fails), avoids the fork hazards of an in-process SWI-Prolog, and is literally "a plain swipl"
re-running the stored program, which is what the acceptance check asks for.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nsr.errors import EngineError
from nsr.verify.swipl import INSTALL_HINT, swipl_path, swipl_version  # noqa: F401 (re-export)

DRIVER = Path(__file__).resolve().parent / "driver.pl"

#: Statuses the driver reports; only "ok" carries an answer.
STATUSES = (
    "ok",
    "no_answer",
    "ambiguous",
    "syntax_error",
    "error",
    "timeout",
    "inference_limit",
    "crashed",
)


@dataclass(frozen=True)
class PrologJob:
    """One program + query to run; the query must bind the variable ``Answer``."""

    id: str
    program: str
    query: str
    time_limit: float = 10.0
    inference_limit: int = 50_000_000


@dataclass(frozen=True)
class PrologOutcome:
    """What the interpreter derived for one job (``answer`` is canonical Prolog text)."""

    id: str
    status: str
    answer: str = ""
    inferences: int = 0
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _encode(job: PrologJob) -> str:
    return json.dumps(
        {
            "id": job.id,
            "program": job.program,
            "query": job.query,
            "time_limit": job.time_limit,
            "inference_limit": job.inference_limit,
        },
        ensure_ascii=False,
    )


def _run_batch(jobs: Sequence[PrologJob]) -> dict[str, PrologOutcome]:
    """One ``swipl`` child for the whole batch; returns whatever it managed to answer."""
    payload = "\n".join(_encode(j) for j in jobs) + "\n"
    budget = 30.0 + sum(j.time_limit for j in jobs)
    try:
        proc = subprocess.run(
            [swipl_path(), "--no-tty", "-q", str(DRIVER)],
            input=payload.encode("utf-8"),
            capture_output=True,
            timeout=budget,
            check=False,
        )
        out = proc.stdout.decode("utf-8", errors="replace")
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode("utf-8", errors="replace")
    results: dict[str, PrologOutcome] = {}
    for line in out.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            continue
        results[str(data["id"])] = PrologOutcome(
            id=str(data["id"]),
            status=str(data.get("status", "error")),
            answer=str(data.get("answer", "")),
            inferences=int(data.get("inferences", 0)),
            message=str(data.get("message", "")),
        )
    return results


def run_jobs(jobs: Sequence[PrologJob], *, batch_size: int = 400) -> list[PrologOutcome]:
    """Run every job (in order) and return one outcome each; never raises for a bad item.

    Job ids must be unique within the call. When a batch's process dies before answering
    everything, the unanswered jobs are retried one per process, so a crash is pinned on the
    item that caused it (status ``crashed``) and the rest of the batch still gets answers.
    """
    ids = [j.id for j in jobs]
    if len(set(ids)) != len(ids):
        raise EngineError("Prolog job ids must be unique within one run")
    outcomes: dict[str, PrologOutcome] = {}
    for start in range(0, len(jobs), batch_size):
        batch = jobs[start : start + batch_size]
        got = _run_batch(batch)
        outcomes.update(got)
        missing = [j for j in batch if j.id not in got]
        if len(missing) == len(batch) and len(batch) > 1:
            # Nothing came back at all: most likely the driver cannot start; check one job.
            probe = _run_batch(missing[:1])
            if not probe:
                raise EngineError(f"swipl did not answer (is SWI-Prolog working? {INSTALL_HINT})")
            outcomes.update(probe)
            missing = missing[1:]
        for job in missing:
            single = _run_batch([job])
            outcomes[job.id] = single.get(
                job.id,
                PrologOutcome(job.id, "crashed", message="the Prolog process died on this item"),
            )
    return [outcomes[i] for i in ids]


# ---------------------------------------------------------------------------------------------
# The same derivation through the in-process engine (nsr.backends.prolog), used as an
# independent second path when synthesis re-checks its own items.

_MODULE = "nsr_proto_item"


def _engine_goal(query: str) -> str:
    """Collect up to two distinct answers of ``query`` and print them as the driver does."""
    return (
        "statistics(inferences, NsrI0), "
        f"findall(Answer, limit(2, distinct(Answer, ({query}))), NsrAs), "
        "statistics(inferences, NsrI1), NsrInferences is NsrI1 - NsrI0, "
        "findall(NsrT, (member(NsrA, NsrAs), copy_term(NsrA, NsrB), numbervars(NsrB, 0, _), "
        "with_output_to(string(NsrT), write_term(NsrB, [quoted(true), numbervars(true), "
        "spacing(next_argument), portray(false)]))), NsrTexts)"
    )


def run_jobs_in_process(jobs: Sequence[PrologJob]) -> list[PrologOutcome]:
    """Derive ``jobs`` with the in-process SWI-Prolog engine (trusted programs only).

    Each distinct program gets a module of its own, named after a hash of its text. Reusing
    one scratch module is not enough: tabled answers (``:- table``) outlive a reload of the
    module and would leak into the next item; and wiping a module that holds tabled predicates
    crashed SWI-Prolog 9.0.4 in testing. So modules are kept (a few KB each) and only an
    identical program ever meets its own tables again. Statuses and answer text match
    :func:`run_jobs`.
    """
    from nsr.backends.prolog import (
        get_engine,
    )

    engine = get_engine()
    out: list[PrologOutcome] = []
    for job in jobs:
        digest = hashlib.sha1(job.program.encode("utf-8")).hexdigest()[:16]
        out.append(_derive_in(engine, f"{_MODULE}_{digest}", job))
    return out


def _derive_in(engine: Any, module: str, job: PrologJob) -> PrologOutcome:
    """One job in ``module``; every Prolog error becomes a status, never an exception."""
    from nsr.backends.prolog import (
        PrologError,
        PrologInferenceLimit,
        PrologSyntaxError,
        PrologTimeLimit,
    )

    try:
        engine.consult_text(job.program, module, name=job.id)
        sol = engine.once(_engine_goal(job.query), module=module,
                          time_limit=job.time_limit, inference_limit=job.inference_limit)
    except PrologSyntaxError as exc:
        return PrologOutcome(job.id, "syntax_error", message=str(exc))
    except PrologTimeLimit as exc:
        return PrologOutcome(job.id, "timeout", message=str(exc))
    except PrologInferenceLimit as exc:
        return PrologOutcome(job.id, "inference_limit", message=str(exc))
    except PrologError as exc:
        return PrologOutcome(job.id, "error", message=str(exc))
    texts = [str(t) for t in (sol or {}).get("NsrTexts", [])]
    inferences = int((sol or {}).get("NsrInferences", 0))
    if not texts:
        return PrologOutcome(job.id, "no_answer", inferences=inferences,
                             message="the query failed")
    if len(texts) > 1:
        return PrologOutcome(job.id, "ambiguous", inferences=inferences,
                             message=f"at least two answers: {texts[0]} and {texts[1]}")
    return PrologOutcome(job.id, "ok", texts[0], inferences)
