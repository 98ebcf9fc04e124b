"""Prototypes: problems as Prolog programs + queries or PDDL domains + problems, each with the
answer an interpreter derived (ProtoReasoning, He et al. 2025).

    from nsr.prototypes import synthesize, verify_file, judge_answer, load_records
    report = synthesize("kinship", 100, seed=1, levels="1-5")
    write_records("kin.jsonl", report.records)

Modules: ``record`` (the JSON-lines format), ``families`` (generators, one module each),
``prolog_runner`` (+ ``driver.pl``: answers derived in a plain swipl), ``synth``, ``judge``
(candidate answers; plans judged by validation), ``verify``, ``convert``, ``export``, ``stats``,
``examples``. Names below are imported lazily so that ``import nsr.prototypes`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "PrototypeRecord": "nsr.prototypes.record",
    "load_records": "nsr.prototypes.record",
    "write_records": "nsr.prototypes.record",
    "iter_records": "nsr.prototypes.record",
    "synthesize": "nsr.prototypes.synth",
    "SynthReport": "nsr.prototypes.synth",
    "judge_answer": "nsr.prototypes.judge",
    "Judgement": "nsr.prototypes.judge",
    "verify_file": "nsr.prototypes.verify",
    "verify_records": "nsr.prototypes.verify",
    "convert_examples": "nsr.prototypes.convert",
    "convert_planning": "nsr.prototypes.convert",
    "export": "nsr.prototypes.export",
    "family_names": "nsr.prototypes.families",
    "get_family": "nsr.prototypes.families",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nsr.prototypes' has no attribute {name!r}")
