"""The learner's packages form layers, not a loop.

Reading order for a newcomer is bottom-up: ``semantics`` (the DSL) and ``syntax`` (trees,
parser) know nothing of learning; ``induction`` searches programs of the DSL (its primitive
libraries also tell the model what a task's values are); ``model`` runs perception, parser and
programs; ``abduction`` revises trees of a model; ``learning`` drives them all. An import the other way
(``abduction`` reaching into ``learning``) is how the old package loop came back, so every
import statement, lazy ones inside functions included, is checked here.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

NSR = Path(__file__).resolve().parents[1] / "nsr"

#: package -> the nsr packages it must never import (directly or inside a function).
FORBIDDEN = {
    "semantics": ("model", "induction", "abduction", "learning", "syntax"),
    "syntax": ("model", "induction", "abduction", "learning", "semantics"),
    "induction": ("model", "abduction", "learning", "syntax"),
    "model": ("abduction", "learning"),
    "abduction": ("learning",),
}


def _imported(path: Path) -> set[str]:
    """The ``nsr.<package>`` names ``path`` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "nsr" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_lower_layers(package: str) -> None:
    wrong = [
        f"{path.relative_to(NSR.parent)} imports nsr.{target}"
        for path in sorted((NSR / package).rglob("*.py"))
        for target in sorted(_imported(path) & set(FORBIDDEN[package]))
    ]
    assert wrong == []


@pytest.mark.parametrize("module", ["nsr.model.execute", "nsr.abduction.revise", "nsr.induction.search"])
def test_tree_execution_and_abduction_load_without_torch(module: str) -> None:
    code = f"import sys, {module}\nprint('torch' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
