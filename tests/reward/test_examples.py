"""The examples in examples/ run as plain scripts (no RL framework installed) and print the
rewards their adapters return."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

pytestmark = pytest.mark.prolog


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("verl_reward.py", ["single: {'score': 1.0", "async:  {'score': 0.0",
                            "partial: {'score': 0.1"]),
        ("trl_reward.py", ["sync:  [1.0, 0.0, None]", "async: [1.0, 0.0, None]",
                         "log_extra nsr_reason: ['ok', 'wrong_answer', None]"]),
        ("openrlhf_reward.py", ["'rewards': [1.0, 0.0]", "no labels: 400",
                               "stopped cleanly: True"]),
        ("gym_score.py", ["right: 1.0", "wrong: 0.0", "plan:  1.0"]),
    ],
)
def test_example_runs(script, expected) -> None:
    if not EXAMPLES.is_dir():
        pytest.skip("examples/ is not part of this installation")
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / script)], capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    for line in expected:
        assert line in out.stdout
