"""``nsr demo``: a short end-to-end tour of the two engines nsr stands on.

1. Programs in the GSS DSL (``grammars/gss.lark``) are parsed, compiled to Prolog and run by
   SWI-Prolog, forwards and backwards, and checked against the Python evaluator.
2. A blocksworld problem is solved by Fast Downward and its plan validated by our grounded
   validator and by unified-planning's; a broken copy of the plan is rejected with its reason.
Later issues point ``make run`` at SCAN; this stays as the quickest health check of an install.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from nsr.commands import checks

# Programs whose meaning a learner would have to induce; here they are written by hand only to
# show the DSL and the Prolog round trip.
DEMO_PROGRAMS: dict[str, str] = {
    "+": "lambda a, b: let rec add(x, y) = if is_zero(y) then x else inc(add(x, dec(y))) in add(a, b)",
    "-": "lambda a, b: let rec sub(x, y) = if is_zero(y) then x else dec(sub(x, dec(y))) in sub(a, b)",
    "*": "lambda a, b: let rec mul(x, y) = if is_zero(y) then 0 else @'+'(x, mul(x, dec(y))) in mul(a, b)",
    "twice": "lambda x: append(x, x)",
    "after": "lambda x, y: append(y, x)",
    "walk": "lambda: ['I_WALK']",
    "jump": "lambda: ['I_JUMP']",
}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo",
        help="end-to-end demo: DSL -> Prolog, and a plan solved and validated",
        description=(
            "Run a short end-to-end demo: GSS DSL programs compiled to Prolog and executed by "
            "SWI-Prolog (forwards and backwards), then a blocksworld plan solved by Fast "
            "Downward and validated by our grounded validator and unified-planning's."
        ),
        epilog="Example: nsr demo --problem p02",
    )
    parser.add_argument(
        "--problem",
        default="p01",
        help="which shipped blocksworld problem to solve (p01, p02, p03; default p01)",
    )
    parser.add_argument(
        "--timeout", type=checks.timeout, default=60.0, help="planner time limit in seconds (default 60)"
    )
    parser.set_defaults(func=run_demo)


def _show(value: Any) -> str:
    return " ".join(value) if isinstance(value, tuple) else repr(value)


def _dsl_part(console: Any) -> bool:
    from rich.table import Table

    from nsr.semantics import PrologPrograms, evaluate, parse_program, to_text
    from nsr.semantics.runtime import Tree

    programs = {name: parse_program(text) for name, text in DEMO_PROGRAMS.items()}
    console.rule("[bold]1. GSS programs -> Prolog -> SWI-Prolog")
    runtime = PrologPrograms(programs)
    for name, program in programs.items():
        console.print(f"  [bold]{name}[/bold] = {to_text(program)}", highlight=False)
    table = Table("call", "SWI-Prolog", "Python evaluator", "")
    ok = True
    calls: list[tuple[str, tuple[Any, ...]]] = [
        ("+", (7, 5)),
        ("-", (3, 8)),
        ("*", (6, 7)),
        ("twice", (("I_JUMP",),)),
        ("after", (("I_WALK",), ("I_JUMP", "I_JUMP"))),
    ]
    prolog_values = runtime.run_batch(calls)
    for (name, args), from_prolog in zip(calls, prolog_values, strict=True):
        from_python = evaluate(programs[name], args, programs)
        same = from_prolog == from_python
        ok &= same
        shown = ", ".join(f"[{' '.join(a)}]" if isinstance(a, tuple) else str(a) for a in args)
        table.add_row(
            f"{name}({shown})",
            _show(from_prolog),
            _show(from_python),
            "[green]agree" if same else "[red]DIFFER",
        )
    console.print(table)

    # "jump twice after walk": the whole tree evaluated bottom-up inside Prolog.
    tree = Tree("after", (Tree("twice", (Tree("jump", ()),)), Tree("walk", ())))
    value = runtime.run_tree(tree)
    console.print(f"tree after(twice(jump), walk)  ->  {' '.join(value)}")
    ok &= value == ("I_WALK", "I_JUMP", "I_JUMP")

    # Abduction's question: which children values make `after` output this list?
    target = ("I_WALK", "I_JUMP", "I_JUMP")
    splits = runtime.run_backwards("after", target)
    console.print(f"backwards: after(x, y) = {list(target)}  <-  {len(splits)} solutions:")
    for x, y in splits:
        console.print(f"    x = {list(x)}, y = {list(y)}")
    ok &= len(splits) == len(target) + 1
    runtime.close()
    return ok


def _plan_part(console: Any, problem_path: Path, timeout: float) -> bool:
    from nsr.backends.pddl import parse_domain, parse_problem, validate, write_plan
    from nsr.backends.pddl.up_engine import load_task, solve, validate_up

    console.rule("[bold]2. PDDL: solve and validate")
    problem_name = problem_path.stem
    domain_path = problem_path.with_name("domain.pddl")
    task = load_task(domain_path, problem_path)
    result = solve(task, planner="fast-downward", timeout=timeout)
    if not result.solved or result.plan is None:
        console.print(f"[red]planner gave no plan: {result.message}")
        return False
    console.print(
        f"Fast Downward solved blocksworld/{problem_name} in {result.seconds:.2f} s "
        f"({len(result.plan)} steps):"
    )
    console.print(write_plan(result.plan).rstrip())
    domain = parse_domain(task.domain_text, name=str(domain_path))
    problem = parse_problem(task.problem_text, domain, name=str(problem_path))

    def both(plan: tuple[Any, ...]) -> tuple[Any, Any, float, float]:
        t0 = time.perf_counter()
        ours = validate(domain, problem, plan)
        t1 = time.perf_counter()
        theirs = validate_up(task, plan)
        t2 = time.perf_counter()
        return ours, theirs, t1 - t0, t2 - t1

    ours, theirs, t_ours, t_up = both(result.plan)
    console.print(
        f"valid? ours: {ours.valid} ({t_ours * 1e3:.2f} ms)   "
        f"unified-planning: {theirs.valid} ({t_up * 1e3:.1f} ms)"
    )
    ok = ours.valid and theirs.valid
    broken = result.plan[1:]  # drop the first step: the second one loses a precondition
    bad_ours, bad_theirs, _, _ = both(broken)
    console.print("the same plan without its first step:")
    console.print(f"    ours: {bad_ours.message}")
    console.print(f"    unified-planning: {bad_theirs.message}")
    ok &= (not bad_ours.valid) and (not bad_theirs.valid)
    ok &= bad_ours.failed_step == bad_theirs.failed_step
    return ok


def run_demo(args: argparse.Namespace) -> int:
    from rich.console import Console

    from nsr.resources import resource_path

    # Resolve the user's choice first, so a typo fails before any work is shown.
    problem_path = resource_path("prototypes", "pddl", "blocksworld", f"{args.problem}.pddl")
    console = Console()
    dsl_ok = _dsl_part(console)
    plan_ok = _plan_part(console, problem_path, args.timeout)
    console.rule()
    verdict = "[green]demo OK" if dsl_ok and plan_ok else "[red]demo FAILED"
    console.print(f"{verdict}: DSL/Prolog {'ok' if dsl_ok else 'FAILED'}, "
                  f"planning {'ok' if plan_ok else 'FAILED'}")
    return 0 if dsl_ok and plan_ok else 1
