"""The prototype record: one verified problem per JSON line (format version 1).

A record holds a problem in two forms, the natural-language ``prompt`` a model sees and the
``prototype`` an interpreter runs, plus the ``answer`` the interpreter derived. Every field::

    version       1 (this format); a loader refuses versions it does not know
    id            "<family>/<task>/<12 hex digits of the canonical key>" (unique in a file)
    kind          "prolog" | "pddl"
    task          prolog: "query_answer";
                  pddl: "plan_generation" | "plan_completion" | "plan_reordering"
    family        the generator family (``nsr proto families``) or converter ("scan", "planning")
    source        where the problem came from: "synth:<family>" or "convert:<origin>"
    prompt        the natural-language problem statement
    prototype     prolog: {"program": text, "query": text binding the variable Answer}
                  pddl:   {"domain": text, "problem": text} plus, for plan_completion,
                          {"prefix": [step], "suffix": [step], "missing": int} (the answer
                          fills the gap between prefix and suffix) and, for plan_reordering,
                          {"steps": [step]} (the shuffled steps); a step is "(action arg ...)"
    answer        prolog: the derived answer as canonical Prolog text (write_term quoted);
                  pddl: one step per line (the plan, the missing steps, or the reordered plan)
    difficulty    {"level": int, ...the knobs that level set}
    seed          the integer seed the item was generated from (regenerates it exactly)
    verification  {"engine": "swipl 9.0.4" | "nsr-grounded" | ..., "method": "derived" |
                  "constructed+validated" | "planner+validated", "inferences": int (prolog),
                  "plan_length": int (pddl), "planner": name (planner-derived only)}

Only the interpreter writes ``answer``: synthesis runs the program (SWI-Prolog) or validates the
plan (our grounded validator), and ``nsr proto verify`` repeats that for every line.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from nsr.atomic import atomic_open
from nsr.errors import DataError
from nsr.jsonlines import read_jsonl

RECORD_VERSION = 1
KINDS: tuple[str, ...] = ("prolog", "pddl")
TASKS: Mapping[str, tuple[str, ...]] = {
    "prolog": ("query_answer",),
    "pddl": ("plan_generation", "plan_completion", "plan_reordering"),
}
METHODS: tuple[str, ...] = ("derived", "constructed+validated", "planner+validated")
_PROTOTYPE_KEYS: Mapping[str, Mapping[str, type]] = {
    "query_answer": {"program": str, "query": str},
    "plan_generation": {"domain": str, "problem": str},
    "plan_completion": {
        "domain": str,
        "problem": str,
        "prefix": list,
        "suffix": list,
        "missing": int,
    },
    "plan_reordering": {"domain": str, "problem": str, "steps": list},
}
_FIELDS: Mapping[str, type | tuple[type, ...]] = {
    "version": int,
    "id": str,
    "kind": str,
    "task": str,
    "family": str,
    "source": str,
    "prompt": str,
    "prototype": dict,
    "answer": str,
    "difficulty": dict,
    "seed": int,
    "verification": dict,
}


@dataclass(frozen=True)
class PrototypeRecord:
    """One verified prototype (see the module docstring for every field)."""

    id: str
    kind: str
    task: str
    family: str
    source: str
    prompt: str
    prototype: dict[str, Any]
    answer: str
    difficulty: dict[str, Any]
    seed: int
    verification: dict[str, Any]
    version: int = RECORD_VERSION

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        version = data.pop("version")
        return {"version": version, **data}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)

    @property
    def level(self) -> int:
        return int(self.difficulty.get("level", 0))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def canonical_key(kind: str, task: str, prototype: Mapping[str, Any]) -> str:
    """Hash of the prototype with whitespace normalised: equal keys mean duplicate problems.

    Comments and layout do not make two problems different; everything else (facts, query,
    objects, the given steps) does.
    """
    norm: dict[str, Any] = {}
    for key, value in sorted(prototype.items()):
        if isinstance(value, str):
            value = _squash(re.sub(r"(?m)[%;].*$", "", value))
        elif isinstance(value, list):
            value = [_squash(v) if isinstance(v, str) else v for v in value]
        norm[key] = value
    blob = json.dumps([kind, task, norm], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def make_id(family: str, task: str, key: str) -> str:
    return f"{family}/{task}/{key[:12]}"


def record_from_dict(data: Any, where: str = "<record>") -> PrototypeRecord:
    """Check one decoded JSON object and build the record; errors name ``where`` and the field."""
    if not isinstance(data, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(data).__name__}")
    missing = [k for k in _FIELDS if k not in data]
    if missing:
        raise DataError(f"{where}: missing field(s) {', '.join(missing)}")
    extra = sorted(set(data) - set(_FIELDS))
    if extra:
        raise DataError(f"{where}: unknown field(s) {', '.join(extra)}")
    for key, typ in _FIELDS.items():
        value = data[key]
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            raise DataError(
                f"{where}: field {key!r} must be {typ.__name__}, "  # type: ignore[union-attr]
                f"got {type(value).__name__}"
            )
    if data["version"] != RECORD_VERSION:
        raise DataError(
            f"{where}: record version {data['version']} is not supported "
            f"(this nsr reads version {RECORD_VERSION})"
        )
    kind, task = data["kind"], data["task"]
    if kind not in KINDS:
        raise DataError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    if task not in TASKS[kind]:
        raise DataError(f"{where}: task {task!r} is not a {kind} task ({', '.join(TASKS[kind])})")
    for key, typ in _PROTOTYPE_KEYS[task].items():
        value = data["prototype"].get(key)
        if not isinstance(value, typ):
            raise DataError(f"{where}: prototype.{key} must be {typ.__name__} for task {task}")
    for key in ("prefix", "suffix", "steps"):
        value = data["prototype"].get(key)
        if value is not None and not all(isinstance(s, str) for s in value):
            raise DataError(f"{where}: prototype.{key} must be a list of step strings")
    verification = data["verification"]
    if not isinstance(verification.get("engine"), str):
        raise DataError(f"{where}: verification.engine must be a string")
    if verification.get("method") not in METHODS:
        raise DataError(f"{where}: verification.method must be one of {', '.join(METHODS)}")
    if not isinstance(data["difficulty"].get("level"), int):
        raise DataError(f"{where}: difficulty.level must be an integer")
    return PrototypeRecord(**{k: data[k] for k in _FIELDS})


def iter_records(path: str | Path) -> Iterator[PrototypeRecord]:
    """Records of a JSON-lines file, checked one by one; a bad line raises naming file:line."""
    seen: dict[str, int] = {}
    for where, lineno, data in read_jsonl(path, what="prototype", nonempty=True):
        record = record_from_dict(data, where)
        if record.id in seen:
            raise DataError(
                f"{where}: duplicate id {record.id!r} (first on line {seen[record.id]})"
            )
        seen[record.id] = lineno
        yield record


def load_records(path: str | Path) -> list[PrototypeRecord]:
    """Every record of a file (see :func:`iter_records`)."""
    return list(iter_records(path))


def write_records(path: str | Path, records: Iterable[PrototypeRecord]) -> int:
    """Write records as JSON lines atomically (temp file + rename); returns how many."""
    count = 0
    with atomic_open(path) as fh:
        for record in records:
            fh.write(record.to_json() + "\n")
            count += 1
    return count
