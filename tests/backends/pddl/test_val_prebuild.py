"""``make val`` (``python -m nsr.backends.pddl.val``): VAL is compiled before the timed tests,
and where it cannot be, one line says why (the VAL tests then skip with that reason)."""

from __future__ import annotations

from pathlib import Path

from nsr.backends.pddl.val import prebuild


def test_without_a_tarball_prebuild_says_why(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "vendor").mkdir()
    (tmp_path / "data").mkdir()
    monkeypatch.setenv("NSR_SHARED", str(tmp_path))
    line = prebuild()
    assert line.startswith("VAL: not built") and "VAL-*.tar.gz" in line


def test_without_a_shared_folder_prebuild_says_why(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NSR_SHARED", str(tmp_path / "absent"))
    assert prebuild().startswith("VAL: no ../shared folder")
