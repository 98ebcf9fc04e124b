"""Package-level guarantees: cheap import, shipped resources, error hierarchy."""

from __future__ import annotations

import subprocess
import sys

import pytest

import nsr
from nsr import errors
from nsr.resources import resource_path


def test_import_nsr_does_not_load_heavy_engines() -> None:
    code = (
        "import sys, nsr, nsr.cli, nsr.errors, nsr.resources\n"
        "heavy = [m for m in ('torch', 'pyswip', 'unified_planning') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_error_derives_from_root_and_a_builtin() -> None:
    pairs = {
        errors.ConfigError: ValueError,
        errors.DataError: ValueError,
        errors.ResourceNotFound: FileNotFoundError,
        errors.MissingDependency: ImportError,
        errors.EngineError: RuntimeError,
        errors.DownloadError: OSError,
    }
    for cls, builtin in pairs.items():
        assert issubclass(cls, nsr.NsrError)
        assert issubclass(cls, builtin)


def test_shipped_grammar_is_found_from_any_cwd(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = resource_path("grammars", "gss.lark")
    assert path.is_file()
    assert "start" in path.read_text(encoding="utf-8") or path.stat().st_size > 0


def test_missing_resource_is_a_clear_error() -> None:
    with pytest.raises(errors.ResourceNotFound, match="no-such.lark"):
        resource_path("grammars", "no-such.lark")
    with pytest.raises(errors.ResourceNotFound, match="unknown resource kind"):
        resource_path("nonsense")
