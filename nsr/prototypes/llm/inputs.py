"""The input of LLM conversion: natural-language problems, one JSON object per line.

Each line is ``{"id": str | int, "problem": str, "answer"?: reference, "kind"?: kind}``: the
reference answer, when present, must agree with what the interpreter derives from the model's
prototype (canonical Prolog text or a number for Prolog, a plan one step per line for PDDL);
``kind`` (``prolog``, ``pddl`` or ``auto``) overrides the batch default for that problem. Other
fields are ignored, so datasets with extra metadata columns load as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nsr.errors import DataError
from nsr.jsonlines import read_jsonl

#: What a problem may ask for: a Prolog program + query, a PDDL domain + problem, or either.
KINDS: tuple[str, ...] = ("prolog", "pddl", "auto")


@dataclass(frozen=True)
class LlmProblem:
    """One problem to convert. ``answer`` is the reference as text (None: no reference)."""

    id: str
    problem: str
    answer: str | None = None
    kind: str | None = None


def reference_text(value: Any, where: str) -> str | None:
    """A reference answer as text; numbers become their decimal text, lists of steps a plan."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise DataError(f"{where}: field 'answer' must be a string or a number, got a boolean")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        if not value.strip():
            raise DataError(f"{where}: field 'answer' is empty (omit it when there is none)")
        return value.strip()
    if isinstance(value, list) and all(isinstance(s, str) for s in value):
        return "\n".join(s.strip() for s in value)  # a plan given as a list of steps
    raise DataError(f"{where}: field 'answer' must be a string, a number or a list of plan "
                    f"steps, got {type(value).__name__}")


def problem_from_dict(data: Any, where: str) -> LlmProblem:
    """Check one decoded line; errors name ``where`` (file:line) and the field."""
    if not isinstance(data, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(data).__name__}")
    pid = data.get("id")
    if isinstance(pid, bool) or not isinstance(pid, str | int) or str(pid).strip() == "":
        raise DataError(f"{where}: field 'id' must be a non-empty string or an integer")
    problem = data.get("problem")
    if not isinstance(problem, str) or not problem.strip():
        raise DataError(f"{where}: field 'problem' must be a non-empty string")
    kind = data.get("kind")
    if kind is not None and kind not in KINDS:
        raise DataError(f"{where}: field 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
    return LlmProblem(str(pid), problem.strip(), reference_text(data.get("answer"), where), kind)


def read_problems(path: str | Path) -> list[LlmProblem]:
    """Every problem of a JSON-lines file; a bad or duplicate line raises naming file:line."""
    problems: list[LlmProblem] = []
    seen: dict[str, int] = {}
    for where, lineno, data in read_jsonl(path, what="problem", nonempty=True):
        item = problem_from_dict(data, where)
        if item.id in seen:
            raise DataError(f"{where}: duplicate id {item.id!r} (first on line {seen[item.id]})")
        seen[item.id] = lineno
        problems.append(item)
    return problems
