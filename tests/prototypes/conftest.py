"""Fixtures for prototype tests: small synthesized files, shared per session to stay fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from nsr.prototypes.families import family_names
from nsr.prototypes.record import PrototypeRecord, write_records


@pytest.fixture(scope="session")
def mixed_records() -> list[PrototypeRecord]:
    """A few records of every family and task (all levels), synthesized once."""
    from nsr.prototypes.synth import synthesize

    records: list[PrototypeRecord] = []
    for name in family_names():
        records += synthesize(name, 10, seed=11, levels="1-5").records
    return records


@pytest.fixture()
def mixed_file(tmp_path: Path, mixed_records: list[PrototypeRecord]) -> Path:
    path = tmp_path / "mixed.jsonl"
    write_records(path, mixed_records)
    return path
