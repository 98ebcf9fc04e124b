"""The README's run command ends in `nsr demo`: it must succeed and say what it checked."""

from __future__ import annotations

import pytest

from nsr.cli import main


@pytest.mark.prolog
@pytest.mark.pddl
def test_demo_runs_end_to_end(capsys) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "demo OK" in out
    assert "I_WALK I_JUMP I_JUMP" in out  # the tree after(twice(jump), walk), run in Prolog
    assert "4 solutions" in out  # after(x, y) run backwards
    assert "precondition" in out  # the broken plan's diagnosis


def test_demo_unknown_problem_is_a_one_line_error(capsys) -> None:
    assert main(["demo", "--problem", "p99"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "p99" in err[0]
