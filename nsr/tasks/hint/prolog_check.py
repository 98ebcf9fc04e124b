"""Check learned HINT operators, exported as Prolog, in a plain ``swipl`` process.

The acceptance test of HINT's learned semantics: the Prolog text that ``nsr programs hint
--prolog`` prints must, run by SWI-Prolog alone, agree with HINT's arithmetic (``a - b =
max(0, a - b)``, ``a / b = ceil(a / b)``) on random operand pairs. Running a separate ``swipl``
(not the in-process engine) proves the file is self-contained.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nsr.errors import ConfigError
from nsr.tasks.hint.expr import apply

#: Operand ranges per operator: large enough to exercise deep recursion, small enough that
#: unary-recursive programs finish (``*`` by repeated ``+`` costs about a*b steps).
RANGES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "+": ((0, 1000), (0, 1000)),
    "-": ((0, 1000), (0, 1000)),
    "*": ((0, 100), (0, 100)),
    "/": ((0, 10_000), (1, 100)),
}


@dataclass(frozen=True)
class OperatorCheck:
    """How many random pairs an operator's exported program got right."""

    operator: str
    pairs: int
    agree: int

    @property
    def ok(self) -> bool:
        return self.agree == self.pairs


def random_pairs(operator: str, n: int, seed: int) -> list[tuple[int, int]]:
    """``n`` reproducible operand pairs for ``operator`` from :data:`RANGES`."""
    (alo, ahi), (blo, bhi) = RANGES[operator]
    rng = random.Random(f"{seed}:{operator}")
    return [(rng.randint(alo, ahi), rng.randint(blo, bhi)) for _ in range(n)]


def check_in_swipl(prolog_text: str, *, pairs_per_operator: int = 10_000, seed: int = 0,
                   timeout_s: float = 600.0) -> list[OperatorCheck]:
    """Run ``prolog_text`` (a file from ``nsr programs hint --prolog``) in plain ``swipl`` on
    random pairs of every operator and count agreements with HINT's semantics."""
    from nsr.verify.swipl import swipl_path

    swipl = swipl_path()  # MissingDependency naming the install command when absent
    if pairs_per_operator < 1:
        raise ConfigError("pairs_per_operator must be positive")
    lines = []
    for op in RANGES:
        for a, b in random_pairs(op, pairs_per_operator, seed):
            lines.append(f"case('{op}', {a}, {b}, {apply(op, a, b)}).")
    driver = """
agree(Op, N) :-
    aggregate_all(count, (case(Op, A, B, R),
                          catch(once(sym(Op, [A, B], V)), _, fail), V =:= R), N).
main :-
    forall(member(Op, ['+', '-', '*', '/']),
           ( aggregate_all(count, case(Op, _, _, _), T), agree(Op, N),
             format("~w ~w ~w~n", [Op, T, N]) )).
"""
    with tempfile.TemporaryDirectory() as tmp:
        prog, cases = Path(tmp) / "programs.pl", Path(tmp) / "cases.pl"
        prog.write_text(prolog_text, encoding="utf-8")
        cases.write_text("\n".join(lines) + "\n" + driver, encoding="utf-8")
        done = subprocess.run(
            [swipl, "--stack-limit=4g", "-q", "-g", "main", "-t", "halt", str(prog), str(cases)],
            capture_output=True, text=True, timeout=timeout_s, check=False,
        )
    out = []
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in RANGES:
            out.append(OperatorCheck(parts[0], int(parts[1]), int(parts[2])))
    if len(out) != len(RANGES):
        raise ConfigError(f"swipl did not report every operator: {done.stdout!r} {done.stderr!r}")
    return out
