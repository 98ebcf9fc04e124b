"""``nsr prolog run``: output, exit codes, and one-line errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nsr import cli

pytestmark = pytest.mark.prolog

FAMILY = """parent(tom, bob).
parent(bob, ann).
ancestor(X, Y) :- parent(X, Y).
ancestor(X, Y) :- parent(X, Z), ancestor(Z, Y).
label(tom, 'Tom T.').
loop :- loop.
"""


@pytest.fixture(autouse=True)
def only_prolog_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the CLI with this command group only, so other groups' state cannot interfere."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("nsr.commands.prolog",))


@pytest.fixture
def family(tmp_path: Path) -> Path:
    path = tmp_path / "family.pl"
    path.write_text(FAMILY, encoding="utf-8")
    return path


def run(*argv: str) -> int:
    return cli.main(["prolog", "run", *argv])


def test_registered_in_the_real_cli() -> None:
    # COMMAND_MODULES is patched in this file, so read the real tuple from the source.
    source = Path(cli.__file__).read_text(encoding="utf-8")
    assert '"nsr.commands.prolog"' in source


def test_first_solution(family: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(str(family), "ancestor(tom, X)") == 0
    assert capsys.readouterr().out == "X = bob\n"


def test_all_solutions_with_quoting(family: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(str(family), "ancestor(tom, X)", "--all") == 0
    assert capsys.readouterr().out == "X = bob\nX = ann\n"
    assert run(str(family), "label(P, L).") == 0
    assert capsys.readouterr().out == "P = tom, L = 'Tom T.'\n"


def test_json_output(family: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(str(family), "ancestor(A, ann)", "--all", "--json") == 0
    assert json.loads(capsys.readouterr().out) == [{"A": "bob"}, {"A": "tom"}]


def test_true_and_false(family: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(str(family), "parent(tom, bob)") == 0
    assert capsys.readouterr().out == "true\n"
    assert run(str(family), "parent(ann, _)") == 1
    assert capsys.readouterr().out == "false\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["missing.pl", "true"], "Prolog file not found"),
        (["FAMILY", "loop", "--time-limit", "0.2"], "time limit of 0.2 s exceeded"),
        (["FAMILY", "ancestor(tom,"], "<goal>:1:"),
        (["FAMILY", "nope(1)"], "unknown procedure nope/1"),
        (["FAMILY"], "the following arguments are required"),
    ],
)
def test_user_errors_are_one_line(
    family: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    argv = [
        str(family) if a == "FAMILY" else str(tmp_path / a) if a.endswith(".pl") else a
        for a in args
    ]
    assert run(*argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("nsr: error: ") and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_syntax_error_in_file_names_file_line_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.pl"
    bad.write_text("p(1).\np(X) :- X = = 1.\n", encoding="utf-8")
    assert run(str(bad), "p(X)") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"nsr: error: {bad}:2:") and "syntax error" in err
    assert err.count("\n") == 1


def test_help_teaches(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["prolog", "run", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "--time-limit" in out and "example" in out and "exit status" in out
