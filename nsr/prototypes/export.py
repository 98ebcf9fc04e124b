"""Export prototype records for training: JSON lines, verl parquet, OpenRLHF JSON lines, or a
Hugging Face dataset.

verl's RL data format (one row per problem): ``data_source``, ``prompt`` (chat messages),
``ability``, ``reward_model`` ``{"style": "rule", "ground_truth": answer}`` and ``extra_info``
(here: id, kind, task, family, index, and the prototype as JSON so a reward function can
validate plans itself). OpenRLHF's prompt datasets (``--format openrlhf``): one JSON line per
problem with the ``prompt`` (``--data.input_key prompt``) and the whole record as JSON text in
``record`` (``--data.label_key record``; text, because a dataset loader would otherwise merge
the prolog and pddl prototypes into one schema). Every layout is read back by
:func:`nsr.verify.targets.parse_ground_truth`. pyarrow and datasets are imported only when
those formats are asked for.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nsr.atomic import atomic_open, atomic_path
from nsr.errors import ConfigError, MissingDependency
from nsr.prototypes.record import PrototypeRecord, write_records

FORMATS: tuple[str, ...] = ("jsonl", "verl", "hf", "openrlhf")
ABILITY = {"prolog": "logic", "pddl": "planning"}


def verl_row(record: PrototypeRecord, index: int) -> dict[str, Any]:
    """One verl row; ``data_source`` names the family so rewards can dispatch on it."""
    return {
        "data_source": f"nsr/{record.kind}/{record.family}",
        "prompt": [{"role": "user", "content": record.prompt}],
        "ability": ABILITY[record.kind],
        "reward_model": {"style": "rule", "ground_truth": record.answer},
        "extra_info": {
            "id": record.id,
            "index": index,
            "kind": record.kind,
            "task": record.task,
            "family": record.family,
            "level": record.level,
            "prototype": json.dumps(record.prototype, ensure_ascii=False),
        },
    }


def flat_row(record: PrototypeRecord) -> dict[str, Any]:
    """A flat row (nested fields as JSON text) for table formats with a fixed schema."""
    return {
        "id": record.id,
        "kind": record.kind,
        "task": record.task,
        "family": record.family,
        "source": record.source,
        "prompt": record.prompt,
        "answer": record.answer,
        "level": record.level,
        "seed": record.seed,
        "prototype": json.dumps(record.prototype, ensure_ascii=False),
        "difficulty": json.dumps(record.difficulty, ensure_ascii=False),
        "verification": json.dumps(record.verification, ensure_ascii=False),
    }


def openrlhf_row(record: PrototypeRecord) -> dict[str, Any]:
    """One OpenRLHF prompt row: the prompt, the record as JSON text, and columns to filter on."""
    return {
        "prompt": record.prompt,
        "record": json.dumps(record.to_dict(), ensure_ascii=False),
        "id": record.id,
        "kind": record.kind,
        "task": record.task,
        "family": record.family,
    }


def _need(module: str, package: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependency(f"this export format needs {package}: pip install {package}") from exc


def export(records: Sequence[PrototypeRecord], out: str | Path, fmt: str) -> Path:
    """Write ``records`` to ``out`` in ``fmt`` (atomically: temp file/folder, then rename)."""
    out = Path(out)
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        write_records(out, records)
        return out
    if fmt == "openrlhf":
        with atomic_open(out) as handle:
            for record in records:
                handle.write(json.dumps(openrlhf_row(record), ensure_ascii=False) + "\n")
        return out
    if fmt == "verl":
        pa = _need("pyarrow", "pyarrow")
        pq = _need("pyarrow.parquet", "pyarrow")
        table = pa.Table.from_pylist([verl_row(r, i) for i, r in enumerate(records)])
        with atomic_path(out, suffix=".parquet") as tmp:
            pq.write_table(table, str(tmp))
        return out
    datasets = _need("datasets", "datasets")
    with atomic_path(out, directory=True) as tmpdir:
        datasets.Dataset.from_list([flat_row(r) for r in records]).save_to_disk(str(tmpdir))
    return out
