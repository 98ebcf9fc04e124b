"""``nsr prolog``: run a goal against a Prolog file with SWI-Prolog, under a time limit.

Exit status of ``run``: 0 when the goal has at least one solution, 1 when it has none, 2 on a
user error (missing file, syntax error reported as file:line:column, time limit, unknown
predicate, ...), printed as one line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nsr.commands import checks
from nsr.errors import ResourceNotFound

EXIT_NO_SOLUTION = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "prolog",
        help="run Prolog goals against a program (SWI-Prolog)",
        description=(
            "Run a goal against a Prolog program with the in-process SWI-Prolog engine that "
            "nsr uses for its programs, oracles and prototypes."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example:\n  nsr prolog run family.pl 'ancestor(tom, X)' --all",
    )
    sub = parser.add_subparsers(dest="prolog_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    run = sub.add_parser(
        "run",
        help="consult FILE and print the solutions of QUERY",
        description=(
            "Consult FILE into a module of its own, run QUERY there and print its bindings:\n"
            "one solution per line as 'X = value, Y = value' ('true' for a solution without\n"
            "variables, 'false' when there is none). Without --all only the first solution\n"
            "is printed.\n\n"
            "exit status: 0 at least one solution, 1 none, 2 user error (missing file,\n"
            "syntax error as file:line:column, unknown predicate, time limit)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  nsr prolog run family.pl 'parent(tom, X)'\n"
            "  nsr prolog run family.pl 'ancestor(A, ann)' --all --json\n"
            "  nsr prolog run search.pl 'solve(P)' --time-limit 30"
        ),
    )
    run.add_argument("file", metavar="FILE", help="Prolog source file to consult")
    run.add_argument(
        "query", metavar="QUERY", help="goal to run, e.g. 'member(X, [a, b])' (final '.' optional)"
    )
    run.add_argument("--all", action="store_true", help="print every solution, not just the first")
    run.add_argument(
        "--time-limit",
        type=checks.timeout,
        default=10.0,
        metavar="S",
        help=f"stop the query after S seconds (default: %(default)s; at most "
             f"{checks.MAX_SECONDS:g})",
    )
    run.add_argument(
        "--json",
        action="store_true",
        help=(
            "print one JSON list of solutions; each solution maps variable names to the "
            "value written as Prolog text (exact for atoms, strings and compounds); what the "
            "program itself prints goes to stderr, so stdout is only the JSON"
        ),
    )
    run.set_defaults(func=run_command)


def _solution_line(solution: dict[str, Any]) -> str:
    from nsr.backends.prolog.terms import to_text

    if not solution:
        return "true"
    return ", ".join(f"{name} = {to_text(value)}" for name, value in solution.items())


@contextmanager
def _program_output_to_stderr(engine: Any, active: bool) -> Iterator[None]:
    """With ``--json``, whatever the program prints (``format/2`` in a directive or a goal goes
    to SWI-Prolog's own C-level stdout) is sent to stderr, so stdout holds only the JSON."""
    if not active:
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        try:
            engine.query("flush_output(user_output)")
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def run_command(args: argparse.Namespace) -> int:
    from nsr.backends.prolog import get_engine
    from nsr.backends.prolog.terms import to_text

    path = Path(args.file)
    if path.is_dir():
        raise ResourceNotFound(f"{path} is a folder, not a Prolog file")
    if not path.is_file():
        raise ResourceNotFound(f"Prolog file not found: {path}")
    engine = get_engine()
    module = f"nsr_cli:{path.stem}"
    with _program_output_to_stderr(engine, args.json):
        engine.consult_file(path, module)
        try:
            solutions = engine.query(
                args.query,
                module=module,
                max_solutions=None if args.all else 1,
                time_limit=args.time_limit,
            )
        finally:
            engine.wipe_module(module)
    if args.json:
        print(json.dumps([{k: to_text(v) for k, v in s.items()} for s in solutions]))
    elif solutions:
        for solution in solutions:
            print(_solution_line(solution))
    else:
        print("false")
    return 0 if solutions else EXIT_NO_SOLUTION
