"""Fixtures for prototype tests: small synthesized files, shared per session to stay fast."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from nsr.prototypes.families import family_names
from nsr.prototypes.record import PrototypeRecord, write_records
from tests.backends.pddl.val_fixtures import ipc_root, val_binary  # noqa: F401  (fixtures)


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


@pytest.fixture()
def swipl_file_answer(tmp_path: Path) -> Callable[[PrototypeRecord], str]:
    """Run a Prolog record the plain way: consult its program from a file in a fresh `swipl`
    (not nsr's driver) and print ``Answer`` quoted; an independent check of stored answers."""

    def run(record: PrototypeRecord) -> str:
        path = tmp_path / "item.pl"
        path.write_text(
            record.prototype["program"]
            + "\nnsr_main :- " + record.prototype["query"] + ", !, "
            + "write_term(Answer, [quoted(true), spacing(next_argument)]), nl.\n"
        )
        proc = subprocess.run(["swipl", "-q", "-g", "nsr_main", "-t", "halt", str(path)],
                              capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    return run
