"""reasoning-gym style scoring: ``score_answer(answer, entry) -> float`` in [0, 1].

(:mod:`nsr.reward.gym_datasets` registers one reasoning-gym dataset per prototype family on
top of this; this module imports no framework.)

A reasoning-gym entry is ``{"question", "answer", "metadata"}``; :func:`entry_from_record`
builds one from a prototype record (the record itself goes into ``metadata["record"]``), and
:func:`score_answer` also accepts a bare record as the entry. ``answer`` is the model's final
answer, already extracted (reasoning-gym extracts before scoring), so it is checked as is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nsr.reward.scoring import score_batch
from nsr.verify.targets import parse_ground_truth


def entry_from_record(
    record: Any, *, index: int = 0, source_dataset: str | None = None
) -> dict[str, Any]:
    """A reasoning-gym entry for a prototype record (dict, JSON text or PrototypeRecord).

    ``metadata`` carries what reasoning-gym's tools read: ``source_dataset`` (the registered
    name, ``nsr_<family>`` by default: composites route scoring by it), an integer
    ``source_index`` and the ``difficulty`` dict; plus the whole ``record``.
    """
    data = record.to_dict() if hasattr(record, "to_dict") else record
    if isinstance(data, str):
        import json

        data = json.loads(data)
    target = parse_ground_truth(data)  # fail early on a record we could never score
    family = str(data.get("family") or "prototypes")
    return {
        "question": str(data.get("prompt", "")),
        "answer": target.answer,
        "metadata": {
            "source_dataset": source_dataset or f"nsr_{family}",
            "source_index": int(index),
            "difficulty": dict(data.get("difficulty") or {}),
            "family": family,
            "task": target.task,
            "id": target.id,
            "record": dict(data),
        },
    }


def score_answer(answer: str | None, entry: Mapping[str, Any]) -> float:
    """1.0 if ``answer`` is correct for ``entry`` (run by the interpreter / validator), else 0.0
    (also for no answer or an entry that is not a prototype record)."""
    return score_answers([answer], [entry])[0]


def score_answers(
    answers: Sequence[str | None], entries: Sequence[Mapping[str, Any]]
) -> list[float]:
    """:func:`score_answer` for a batch, verified in parallel."""
    truths = [_record_of(entry) for entry in entries]
    texts = ["" if a is None else str(a) for a in answers]
    verdicts = score_batch(texts, truths, extract=False)
    return [0.0 if v is None else float(v.score) for v in verdicts]


def _record_of(entry: Mapping[str, Any]) -> Any:
    metadata = entry.get("metadata") if isinstance(entry, Mapping) else None
    if isinstance(metadata, Mapping) and metadata.get("record") is not None:
        return metadata["record"]
    return entry
