"""The `nsr` command as a whole: help everywhere, one-line errors, no tracebacks."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from nsr.cli import build_parser, main


def _all_command_paths() -> list[list[str]]:
    """Every (sub)command path of the CLI, found by walking argparse's tree."""
    paths: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    paths.append(prefix + [name])
                    walk(sub, prefix + [name])

    walk(build_parser(), [])
    return paths


def test_top_level_help_lists_commands(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("data", "prolog", "plan", "demo"):
        assert command in out


@pytest.mark.parametrize("path", _all_command_paths(), ids=lambda p: " ".join(p))
def test_every_command_has_help(path: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*path, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: nsr " + " ".join(path))
    assert len(out.splitlines()) >= 3


def test_unknown_command_is_one_line_exit_2(capsys) -> None:
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("nsr: error:")


def test_console_script_never_prints_a_traceback() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "nsr.cli", "plan", "validate", "nope.pddl", "nope.pddl", "nope.txt"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
