"""Fast Downward run on PDDL text directly: its own translator, no unified-planning in between.

Why: unified-planning's compatibility check refuses tasks Fast Downward itself solves (action
costs read from functions, for instance), and its import costs a second. The ``up-fast-downward``
wheel ships Fast Downward's driver (``fast-downward.py``) with a built search binary; it is found
without importing anything and run in a fresh session (process group) in a temporary folder, so
a timeout kills the translator and the search together. The driver's exit code tells "no plan
exists" (unsolvable) from "ran out of time" or memory.

The time limit is Fast Downward's own: CPU seconds of translator and search, as in the planning
competitions, so a problem solved in 20 s on an idle machine is still solved in a 30 s limit on a
machine shared by others. A hard wall-clock stop (``3 * timeout + 10`` s by default) bounds the
wait whatever the load.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nsr.backends.pddl.plans import parse_plan
from nsr.backends.pddl.up_engine import SolveResult
from nsr.errors import ConfigError, MissingDependency

__all__ = ["driver_path", "solve_pddl"]

ALIAS = "lama-first"

# Fast Downward driver exit codes (driver/returncodes.py) -> our statuses.
_EXIT = {
    0: "solved",
    1: "solved",
    2: "solved",
    3: "solved",
    10: "unsolvable",  # the translator proved it
    11: "unsolvable",  # the search exhausted the state space
    12: "incomplete",  # an incomplete search ended without a plan
    13: "unsolvable",
    20: "memout",
    21: "timeout",
    22: "memout",
    23: "timeout",
    24: "timeout",
    34: "unsupported",
    37: "unsupported",
}


def driver_path() -> Path:
    """``fast-downward.py`` from the installed ``up-fast-downward`` wheel (not imported)."""
    spec = importlib.util.find_spec("up_fast_downward")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency("Fast Downward is not installed: pip install up-fast-downward")
    driver = Path(next(iter(spec.submodule_search_locations))) / "downward" / "fast-downward.py"
    if not driver.is_file():
        raise MissingDependency(f"the up-fast-downward wheel has no driver at {driver}")
    return driver


def solve_pddl(
    domain_text: str,
    problem_text: str,
    *,
    timeout: float = 60.0,
    alias: str = ALIAS,
    wall_timeout: float | None = None,
) -> SolveResult:
    """Find a plan with Fast Downward (``--alias lama-first`` by default) within ``timeout``
    CPU seconds (see module docstring); ``wall_timeout`` is the hard wall-clock stop."""
    if not timeout > 0:
        raise ConfigError(f"timeout must be positive, got {timeout}")
    wall = wall_timeout if wall_timeout is not None else 3 * timeout + 10
    driver = driver_path()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nsr-fd-") as tmp:
        work = Path(tmp)
        (work / "domain.pddl").write_text(domain_text, encoding="utf-8")
        (work / "problem.pddl").write_text(problem_text, encoding="utf-8")
        limit = max(1, int(timeout))
        cmd = [
            sys.executable, str(driver), "--plan-file", "plan", "--overall-time-limit",
            f"{limit}s", "--alias", alias, "domain.pddl", "problem.pddl",
        ]
        proc = subprocess.Popen(
            cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        try:
            output, _ = proc.communicate(timeout=wall)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return SolveResult("timeout", None, time.perf_counter() - start, "fast-downward",
                               f"fast-downward: out of time (stopped after {wall:g} s of wall "
                               "clock)")
        except BaseException:  # interrupted: never leave the planner running
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        seconds = time.perf_counter() - start
        status = _EXIT.get(proc.returncode, "error")
        plans = sorted(work.glob("plan*"))
        if status == "solved" and plans:
            steps = parse_plan(plans[-1].read_text(), name="fast-downward plan")
            return SolveResult("solved", steps, seconds, "fast-downward")
    if status == "solved":  # exit 0 without a plan file: should not happen
        status = "error"
    detail = {
        "unsolvable": "the problem has no solution",
        "incomplete": "the (incomplete) search ended without a plan",
        "timeout": f"out of time ({timeout:g} s of CPU time)",
        "memout": "out of memory",
        "unsupported": "the task uses a feature Fast Downward does not support",
    }.get(status, f"failed (exit status {proc.returncode}): {_tail(output)}")
    return SolveResult(status, None, seconds, "fast-downward", f"fast-downward: {detail}")


def _tail(output: str) -> str:
    lines = [ln for ln in output.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"
