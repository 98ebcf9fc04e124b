"""Running ``nsr`` in-process for tests, and the contract every failure must keep.

In-process (``nsr.cli.main``) rather than a subprocess per call: the fuzz suite makes hundreds
of calls, and a process costs about a second of imports.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from nsr.cli import main


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run_cli(argv: list[str]) -> Run:
    """``nsr ARGV`` in this process: exit status (SystemExit included), stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # --help, --version
            code = exc.code if isinstance(exc.code, int) else 1
    return Run(int(code), out.getvalue(), err.getvalue())


def assert_user_error(run: Run, *needles: str) -> str:
    """Exit 2 and one line on stderr, ``nsr: error: ...`` containing every needle; returns it."""
    assert "Traceback" not in run.err, run.err
    lines = run.err.strip().splitlines()
    assert run.code == 2, (run.code, run.err[-500:])
    assert len(lines) == 1, run.err[-1000:]
    assert lines[0].startswith("nsr: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def assert_clean_failure(run: Run, allowed: set[int]) -> None:
    """Whatever the outcome, it is an allowed exit status and never a traceback; exit 2 is
    always exactly one error line."""
    assert "Traceback" not in run.err, run.err[-2000:]
    assert run.code in allowed, (run.code, run.err[-500:])
    if run.code == 2:
        assert_user_error(run)


def assert_nothing_written(path: Path) -> None:
    """``path`` does not exist and its folder holds no temporary file left by a failed write."""
    assert not path.exists(), f"{path} was written by a failing command"
    folder = path.parent
    if folder.is_dir():
        leftovers = [p.name for p in folder.iterdir() if p.name.startswith(f".{path.name}.")]
        assert not leftovers, leftovers
