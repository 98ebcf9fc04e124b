"""``nsr plan``: solve PDDL problems and validate plans.

``solve`` runs a planner through unified-planning; ``validate`` checks a plan with the fast
grounded validator (``ours``), unified-planning's reference validator (``up``) or both. Exit
status of ``validate``: 0 valid, 1 invalid (the reason is printed), 2 user error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from nsr.atomic import atomic_write_text
from nsr.commands import checks
from nsr.errors import ConfigError
from nsr.textfile import read_text

EXIT_INVALID = 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="solve PDDL problems and validate plans",
        description=(
            "Classical planning with PDDL: find a plan with a planner (Fast Downward or "
            "pyperplan via unified-planning) or check a plan step by step."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  nsr plan solve domain.pddl p01.pddl --out p01.plan\n"
            "  nsr plan validate domain.pddl p01.pddl p01.plan"
        ),
    )
    sub = parser.add_subparsers(dest="plan_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True

    solve = sub.add_parser(
        "solve",
        help="find a plan for a PDDL problem",
        description=(
            "Solve a PDDL problem and print the plan, one '(action arg ...)' per line. "
            "Fast Downward (lama-first) runs on the files with its own translator; pyperplan "
            "runs through unified-planning. Exit status 0 when a plan is found, 1 when the "
            "planner finds none (the message says 'unsolvable' when no plan exists, 'timeout' "
            "when time ran out), 2 on bad input."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "example:\n"
            "  nsr plan solve prototypes/pddl/gripper/domain.pddl "
            "prototypes/pddl/gripper/p02.pddl --timeout 30 --out p02.plan"
        ),
    )
    solve.add_argument("domain", metavar="DOMAIN", help="PDDL domain file")
    solve.add_argument("problem", metavar="PROBLEM", help="PDDL problem file")
    solve.add_argument(
        "--planner",
        choices=("fast-downward", "pyperplan"),
        default="fast-downward",
        help="planner to run (default: fast-downward; pyperplan is pure Python and much slower)",
    )
    solve.add_argument(
        "--timeout",
        type=checks.timeout,
        default=60.0,
        metavar="S",
        help="give up after S seconds (default: 60); Fast Downward counts CPU seconds, as in "
        "the planning competitions, with a hard wall-clock stop at 3*S+10 s; pyperplan "
        "counts wall-clock seconds",
    )
    solve.add_argument(
        "--out",
        metavar="FILE",
        help="write the plan to FILE (atomically) instead of printing it",
    )
    solve.set_defaults(func=_solve)

    check = sub.add_parser(
        "validate",
        help="check a plan against a PDDL domain and problem",
        description=(
            "Simulate the plan from the initial state and check the goal. Exit status 0 when "
            "the plan is valid; 1 when it is not, printing the failing step, the preconditions "
            "that do not hold and the goals not reached; 2 on bad input (missing file, malformed "
            "PDDL or plan, with the line)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  nsr plan validate domain.pddl p01.pddl p01.plan\n"
            "  nsr plan validate domain.pddl p01.pddl p01.plan --validator both --json"
        ),
    )
    check.add_argument("domain", metavar="DOMAIN", help="PDDL domain file")
    check.add_argument("problem", metavar="PROBLEM", help="PDDL problem file")
    check.add_argument(
        "plan", metavar="PLAN", help="plan file: one '(action arg ...)' per line, ';' comments"
    )
    check.add_argument(
        "--validator",
        choices=("ours", "up", "both"),
        default="ours",
        help=(
            "ours: fast grounded validator (the classical fragment: typing, ADL, conditional "
            "effects, derived predicates, action costs); "
            "up: unified-planning's reference validator; both: run both and compare "
            "(default: ours)"
        ),
    )
    check.add_argument(
        "--json", action="store_true", help="print the report as one JSON object on stdout"
    )
    check.set_defaults(func=_validate)


def _solve(args: argparse.Namespace) -> int:
    from nsr.backends.pddl.plans import write_plan

    checks.check_output(args.out)
    if args.planner == "fast-downward":
        # Fast Downward's own translator reads the files (no unified-planning check between);
        # our reader first, so that a malformed file is a one-line error with its line
        from nsr.backends.pddl.downward import solve_pddl
        from nsr.backends.pddl.errors import PddlUnsupported
        from nsr.backends.pddl.grounded import parse_domain, parse_problem

        domain_text = read_text(args.domain, "domain", nonempty=True)
        problem_text = read_text(args.problem, "problem", nonempty=True)
        # beyond our validator's fragment (PddlUnsupported), Fast Downward may still handle it
        with contextlib.suppress(PddlUnsupported):
            parse_problem(problem_text, parse_domain(domain_text, name=args.domain, strict=True),
                          name=args.problem)
        result = solve_pddl(domain_text, problem_text, timeout=args.timeout)
    else:
        from nsr.backends.pddl.up_engine import load_task, solve

        task = load_task(Path(args.domain), Path(args.problem))
        result = solve(task, planner=args.planner, timeout=args.timeout)
    if result.status == "unsupported":  # the user's choice of planner, not a verdict
        raise ConfigError(f"{args.planner} cannot solve this problem: {result.message}")
    if result.plan is None:
        print(f"no plan ({result.status}): {result.message}", file=sys.stderr)
        return EXIT_INVALID
    text = write_plan(result.plan)
    if args.out:
        atomic_write_text(args.out, text)
        print(
            f"wrote {len(result.plan)} steps to {args.out} "
            f"({result.planner}, {result.seconds:.2f} s)",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from nsr.backends.pddl.grounded import parse_domain, parse_problem, validate
    from nsr.backends.pddl.plans import parse_plan

    domain_text = read_text(args.domain, "domain", nonempty=True)
    problem_text = read_text(args.problem, "problem", nonempty=True)
    plan = parse_plan(read_text(args.plan, "plan"), name=args.plan)
    reports = {}
    if args.validator in ("ours", "both"):
        domain = parse_domain(domain_text, name=args.domain, strict=True)
        problem = parse_problem(problem_text, domain, name=args.problem)
        reports["ours"] = validate(domain, problem, plan)
    if args.validator in ("up", "both"):
        from nsr.backends.pddl.up_engine import load_task, validate_up

        task = load_task(Path(args.domain), Path(args.problem))
        reports["up"] = validate_up(task, plan)
    valid = all(r.valid for r in reports.values())
    agree = len({(r.valid, r.failed_step, r.reason) for r in reports.values()}) == 1
    if args.json:
        if len(reports) == 1:
            ((name, report),) = reports.items()
            payload: dict[str, Any] = {"validator": name, **report.to_dict()}
        else:
            payload = {"valid": valid, "agree": agree}
            payload.update({name: r.to_dict() for name, r in reports.items()})
        print(json.dumps(payload))
    else:
        for name, report in reports.items():
            prefix = f"[{name}] " if len(reports) > 1 else ""
            print(f"{prefix}{'valid' if report.valid else 'invalid'}: {report.message}")
            if not report.valid and report.failed_step is not None and report.unmet_goals:
                print(
                    f"{prefix}goals still unmet before that step: {', '.join(report.unmet_goals)}"
                )
        if not agree:
            print("the validators disagree", file=sys.stderr)
    return 0 if valid else EXIT_INVALID
