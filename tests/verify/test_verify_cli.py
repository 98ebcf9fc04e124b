"""``nsr verify``: exit codes 0 (score 1) / 1 (otherwise) / 2 (user error), text and JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nsr import cli

from .samples import LAMPS_DOMAIN, LAMPS_PLAN, LAMPS_PROBLEM

pytestmark = pytest.mark.prolog


@pytest.fixture(autouse=True)
def only_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the CLI with just this command (other command modules are not our concern)."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("nsr.commands.verify",))


@pytest.fixture()
def family(tmp_path: Path) -> Path:
    path = tmp_path / "family.pl"
    path.write_text("parent(tom, bob).\nparent(bob, ann).\ngp(X, Z) :- parent(X, Y), parent(Y, Z).\n")
    return path


def test_prolog_correct_answer_exits_zero(family: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["verify", "prolog", str(family), "--query", "gp(tom, X)", "--expect", "ann"])
    assert status == 0
    assert capsys.readouterr().out.startswith("score 1  ok")


def test_prolog_wrong_answer_exits_one_with_json(
    family: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["verify", "prolog", str(family), "--query", "gp(tom, X)", "--expect", "bob", "--json"]
    assert cli.main(argv) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert (verdict["score"], verdict["reason"], verdict["answer"]) == (0.0, "wrong_answer", "ann")


def test_plan_valid_and_invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    domain, problem, plan = tmp_path / "d.pddl", tmp_path / "p.pddl", tmp_path / "x.plan"
    domain.write_text(LAMPS_DOMAIN)
    problem.write_text(LAMPS_PROBLEM)
    plan.write_text(LAMPS_PLAN)
    assert cli.main(["verify", "plan", str(domain), str(problem), str(plan)]) == 0
    plan.write_text("(turn-off l1)\n")
    assert cli.main(["verify", "plan", str(domain), str(problem), str(plan), "--json"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert json.loads(out[-1])["details"]["validator_reason"] == "precondition"


@pytest.mark.parametrize(
    "argv",
    [
        ["verify", "prolog", "/nonexistent/x.pl", "--query", "p(X)", "--expect", "1"],
        ["verify", "prolog", "{family}", "--query", "p(X)"],
        ["verify", "prolog", "{family}", "--query", "p(X)", "--expect", "1", "--time-limit", "0"],
        ["verify", "plan", "{family}"],
    ],
)
def test_user_errors_exit_two(
    argv: list[str], family: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main([a.replace("{family}", str(family)) for a in argv])
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith("nsr: error:") and len(err.strip().splitlines()) == 1
