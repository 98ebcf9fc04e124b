"""The README's own-data examples run as written: a new user's token task and integer task
train, evaluate and answer without any code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
NSR = Path(sys.executable).parent / "nsr"


def _blocks() -> list[str]:
    """The bash blocks of the README section on one's own data."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Your own data", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.S)


def test_the_section_has_a_token_and_an_integer_example() -> None:
    blocks = _blocks()
    assert len(blocks) == 2
    assert all(len(b.strip().splitlines()) == 5 for b in blocks)


@pytest.mark.skipif(not NSR.is_file(), reason="the nsr console script is not installed beside python")
@pytest.mark.parametrize("index, answer", [(0, "RUN RUN RUN"), (1, "30")])
def test_readme_example_runs(index: int, answer: str, tmp_path: Path) -> None:
    script = _blocks()[index]
    env = {"PATH": f"{NSR.parent}:/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert "100.00%" in lines[1]  # the held-out test file, scored right after training
    assert lines[2] == answer  # nsr solve
    last = json.loads(lines[-1])
    if index == 0:
        assert last["accuracy"] == 1.0 and last["n"] == 2
    else:
        assert last["library"] == "numbers" and "+" in last["programs"]
