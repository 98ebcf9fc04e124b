"""``nsr verify``: check an untrusted Prolog program's answer or a plan, in isolated workers.

Exit status: 0 when the score is 1 (correct answer / valid plan), 1 otherwise (the reason is
printed), 2 on a user error (missing file, bad option, and the verdicts that blame what the
user typed rather than the sample: a bad --query or --expect, a malformed domain or problem).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nsr.commands import checks
from nsr.errors import DataError, ResourceNotFound
from nsr.textfile import read_text

EXIT_WRONG = 1
#: Verdict reasons that are the user's mistake, not the sample's: exit 2 with the message.
USER_ERRORS = frozenset({"bad_query", "bad_expected", "pddl_syntax", "pddl_unsupported"})


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check untrusted Prolog answers and plans in a sandbox",
        description=(
            "Run model-written Prolog or plans in isolated SWI-Prolog / validator worker "
            "processes (sandbox, time, inference and memory limits, kill + restart as a last "
            "resort) and print a verdict: score, reason code, message, time. Exit status 0 "
            "when the score is 1, 1 otherwise, 2 on bad input."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  nsr verify prolog family.pl --query 'grandparent(tom, X)' --expect ann\n"
            "  nsr verify plan domain.pddl p01.pddl p01.plan --json"
        ),
    )
    sub = parser.add_subparsers(
        dest="verify_command", metavar="KIND", parser_class=type(parser)
    )
    sub.required = True

    prolog = sub.add_parser(
        "prolog",
        help="run a Prolog program's query and compare the answer",
        description=(
            "Load FILE (clauses only: directives other than dynamic/discontiguous and "
            "use_module of a few libraries are rejected), run QUERY, and compare its one "
            "answer variable in the FIRST solution with EXPECTED (as Prolog terms, equal up "
            "to variable renaming: 1 and 1.0 differ)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "example:\n"
            "  nsr verify prolog family.pl --query 'grandparent(tom, X)' --expect ann "
            "--time-limit 1"
        ),
    )
    prolog.add_argument("file", metavar="FILE", help="Prolog source file ('-' reads stdin)")
    prolog.add_argument(
        "--query", required=True, metavar="Q", help="goal with exactly one variable, e.g. 'p(X)'"
    )
    prolog.add_argument(
        "--expect", required=True, metavar="A", help="the term the variable must equal"
    )
    _common(prolog)
    prolog.set_defaults(func=_run_prolog)

    plan = sub.add_parser(
        "plan",
        help="validate a plan for a PDDL domain and problem",
        description=(
            "Validate PLAN (one '(action arg ...)' per line) for DOMAIN and PROBLEM with the "
            "grounded validator, in an isolated worker process."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "example:\n"
            "  nsr verify plan prototypes/pddl/gripper/domain.pddl "
            "prototypes/pddl/gripper/p01.pddl p01.plan --json"
        ),
    )
    plan.add_argument("domain", metavar="DOMAIN", help="PDDL domain file")
    plan.add_argument("problem", metavar="PROBLEM", help="PDDL problem file")
    plan.add_argument("plan", metavar="PLAN", help="plan file ('-' reads stdin)")
    _common(plan)
    plan.set_defaults(func=_run_plan)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the verdict as one JSON object")
    parser.add_argument(
        "--time-limit",
        type=checks.timeout,
        default=2.0,
        metavar="S",
        help="seconds the sample may run (default: 2)",
    )
    parser.add_argument(
        "--partial",
        action="store_true",
        help="give partial credit (wrong answer 0.1; invalid plan 0.5 x goal fraction)",
    )


def _read(path: str) -> str:
    """The sample under test (program or plan): undecodable bytes are the sample's problem, so
    they are replaced and judged, not refused."""
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if file.is_dir():
        raise ResourceNotFound(f"{path} is a folder, not a file")
    if not file.is_file():
        raise ResourceNotFound(f"{path}: no such file")
    try:
        return file.read_text("utf-8", errors="replace")
    except OSError as exc:
        raise ResourceNotFound(f"{path}: cannot read ({exc.strerror})") from None


def _verifier(args: argparse.Namespace) -> Any:
    from nsr.verify import Verifier

    return Verifier(workers=1, time_limit=args.time_limit, partial=args.partial)


def _report(verdict: Any, as_json: bool) -> int:
    if verdict.reason in USER_ERRORS:
        raise DataError(f"{verdict.reason}: {verdict.message}")
    if as_json:
        print(json.dumps(verdict.to_dict(), ensure_ascii=False))
    else:
        line = f"score {verdict.score:g}  {verdict.reason}  ({verdict.seconds * 1000:.1f} ms)"
        if verdict.answer:
            line += f"  answer: {verdict.answer}"
        print(line)
        if verdict.message:
            print(verdict.message)
    return 0 if verdict.score == 1.0 else EXIT_WRONG


def _run_prolog(args: argparse.Namespace) -> int:
    program = _read(args.file)
    with _verifier(args) as verifier:
        verdict = verifier.check_prolog(program, args.query, args.expect)
    return _report(verdict, args.json)


def _run_plan(args: argparse.Namespace) -> int:
    domain = read_text(args.domain, "domain", nonempty=True)
    problem = read_text(args.problem, "problem", nonempty=True)
    plan = _read(args.plan)
    with _verifier(args) as verifier:
        verdict = verifier.check_plan(domain, problem, plan)
    return _report(verdict, args.json)
