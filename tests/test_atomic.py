"""nsr.atomic: outputs appear whole or not at all."""

from __future__ import annotations

import os
import stat

import pytest

from nsr.atomic import atomic_open, atomic_path, atomic_write_text


def test_write_replaces_whole_file_and_leaves_no_temporaries(tmp_path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    atomic_write_text(target, "new contents")
    assert target.read_text() == "new contents"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_failure_midway_keeps_the_old_file(tmp_path) -> None:
    target = tmp_path / "records.jsonl"
    target.write_text("precious\n")
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write("half")
        raise RuntimeError("crash while writing")
    assert target.read_text() == "precious\n"
    assert os.listdir(tmp_path) == ["records.jsonl"]


def test_new_files_follow_the_umask_not_0600(tmp_path) -> None:
    old = os.umask(0o022)
    try:
        target = atomic_write_text(tmp_path / "f.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_directory_mode_swaps_whole_folders(tmp_path) -> None:
    target = tmp_path / "dataset"
    target.mkdir()
    (target / "old.bin").write_text("old")
    with atomic_path(target, directory=True) as tmp:
        (tmp / "new.bin").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["new.bin"]
    with pytest.raises(ValueError), atomic_path(target, directory=True) as tmp:
        (tmp / "partial.bin").write_text("partial")
        raise ValueError("boom")
    assert sorted(p.name for p in target.iterdir()) == ["new.bin"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset"]
