"""The unified-planning side of the PDDL backend: load a task, solve it, validate a plan.

This is the only module of nsr that imports ``unified_planning``, and only inside functions, so
``import nsr.backends.pddl`` stays fast; the first call pays the ~1 s import once. UP's credits
banner is switched off at that point. The planners run as UP engines: Fast Downward ships its own
binary and honours UP's timeout; pyperplan runs in-process in UP and ignores timeouts, so here it
runs in a child process (``spawn``) that is killed when the time is up.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nsr.backends.pddl.errors import PddlSyntaxError, PddlUnsupported
from nsr.backends.pddl.grounded import ValidationReport, parse_domain, parse_problem
from nsr.backends.pddl.plans import Step, write_plan
from nsr.errors import ConfigError, EngineError, MissingDependency
from nsr.textfile import read_text

__all__ = [
    "PLANNERS",
    "PlanningTask",
    "SolveResult",
    "load_task",
    "solve",
    "validate_up",
    "write_plan",
]

# Our planner names -> (UP engine name, pip package that provides it).
PLANNERS: dict[str, tuple[str, str]] = {
    "fast-downward": ("fast-downward", "up-fast-downward"),
    "pyperplan": ("pyperplan", "up-pyperplan"),
}


@functools.cache
def _up() -> Any:
    """Import unified_planning once, silence its credits banner, return the module."""
    try:
        import unified_planning
        from unified_planning.shortcuts import get_environment
    except ImportError as exc:  # pragma: no cover - UP is a declared dependency
        raise MissingDependency(
            f"unified-planning is not installed ({exc}): pip install 'unified-planning>=1.3,<1.4'"
        ) from exc
    get_environment().credits_stream = None
    return unified_planning


@dataclass(frozen=True)
class PlanningTask:
    """A domain + problem pair, as text (what workers and planners need) and as a UP problem."""

    domain_text: str
    problem_text: str
    domain_name: str = "<domain>"
    problem_name: str = "<problem>"
    up_problem: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class SolveResult:
    """``status`` is ``solved``, ``unsolvable`` (proved), ``incomplete`` (an incomplete search
    gave up), ``timeout``, ``memout``, ``error`` or ``unsupported``; ``plan`` is set only when
    solved; ``message`` says why there is none."""

    status: str
    plan: tuple[Step, ...] | None
    seconds: float
    planner: str
    message: str = ""

    @property
    def solved(self) -> bool:
        return self.status == "solved"


def _read_source(source: str | Path, what: str) -> tuple[str, str]:
    """(text, name): a Path, or a string naming a file or without '(', is a file; else text."""
    if isinstance(source, str) and "(" in source and ("\n" in source or not Path(source).is_file()):
        return source, f"<{what}>"
    return read_text(source, what, nonempty=True), str(source)


def load_task(domain: str | Path, problem: str | Path) -> PlanningTask:
    """Parse a domain and a problem (file paths or PDDL text) with UP's PDDL reader.

    When UP rejects the input, the grounded reader is asked for a message with a line number; UP's
    own message is used when the grounded reader accepts the input or does not support it.
    """
    domain_text, domain_name = _read_source(domain, "domain")
    problem_text, problem_name = _read_source(problem, "problem")
    _up()
    from unified_planning.io import PDDLReader

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            up_problem = PDDLReader().parse_problem_string(domain_text, problem_text)
    except Exception as exc:  # UP raises many unrelated types (pyparsing, UP*Error, KeyError)
        try:
            parse_problem(
                problem_text, parse_domain(domain_text, name=domain_name), name=problem_name
            )
        except PddlUnsupported:
            pass
        except PddlSyntaxError as ours:
            raise PddlSyntaxError(str(ours)) from exc
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PddlSyntaxError(
            f"{domain_name} / {problem_name}: unified-planning cannot read the task: {first}"
        ) from exc
    return PlanningTask(domain_text, problem_text, domain_name, problem_name, up_problem)


def _up_problem(task: PlanningTask) -> Any:
    if task.up_problem is not None:
        return task.up_problem
    return load_task(task.domain_text, task.problem_text).up_problem


def _check_planner(planner: str) -> str:
    if planner not in PLANNERS:
        raise ConfigError(f"unknown planner {planner!r}; choose one of {sorted(PLANNERS)}")
    engine, package = PLANNERS[planner]
    from unified_planning.shortcuts import get_environment

    if engine not in get_environment().factory.engines:
        raise MissingDependency(f"planner {planner!r} is not installed: pip install {package}")
    return engine


def _unsupported_features(problem: Any, engine: str) -> list[str]:
    """Problem features the engine does not declare support for (empty when it can solve it)."""
    from unified_planning.shortcuts import get_environment

    engine_class = get_environment().factory.engine(engine)
    if engine_class.supports(problem.kind):
        return []
    return sorted(set(problem.kind.features) - set(engine_class.supported_kind().features))


def _steps_of(up_plan: Any) -> tuple[Step, ...]:
    return tuple(
        Step(ai.action.name.lower(), tuple(str(p).lower() for p in ai.actual_parameters))
        for ai in up_plan.actions
    )


_STATUS = {
    "SOLVED_SATISFICING": "solved",
    "SOLVED_OPTIMALLY": "solved",
    "UNSOLVABLE_PROVEN": "unsolvable",
    "UNSOLVABLE_INCOMPLETELY": "unsolvable",
    "TIMEOUT": "timeout",
    "MEMOUT": "memout",
    "INTERNAL_ERROR": "error",
    "UNSUPPORTED_PROBLEM": "unsupported",
}


def _solve_in_process(problem: Any, engine: str, timeout: float | None) -> tuple[str, Any]:
    from unified_planning.shortcuts import OneshotPlanner

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with OneshotPlanner(name=engine) as planner:
            result = planner.solve(problem, timeout=timeout)
    status = _STATUS.get(result.status.name, "error")
    plan = _steps_of(result.plan) if status == "solved" and result.plan is not None else None
    return status, plan


def _child_main() -> None:
    """Entry point of ``python -m nsr.backends.pddl.up_engine``: solve one task with pyperplan.

    Reads ``{"domain": text, "problem": text}`` on stdin, writes ``{"status", "plan"}`` on stdout.
    A separate interpreter (not multiprocessing) so that the parent can kill it on timeout
    whatever its own ``__main__`` looks like.
    """
    request = json.load(sys.stdin)
    task = load_task(request["domain"], request["problem"])
    status, plan = _solve_in_process(task.up_problem, "pyperplan", None)
    plan_data = None if plan is None else [[s.action, *s.args] for s in plan]
    json.dump({"status": status, "plan": plan_data}, sys.stdout)


def solve(
    task: PlanningTask, *, planner: str = "fast-downward", timeout: float = 60.0
) -> SolveResult:
    """Find a plan with ``planner`` within ``timeout`` seconds (wall clock)."""
    if not timeout > 0:
        raise ConfigError(f"timeout must be positive, got {timeout}")
    _up()
    engine = _check_planner(planner)
    start = time.perf_counter()
    missing = _unsupported_features(_up_problem(task), engine)
    if missing and planner == "fast-downward":
        # UP's check refuses features Fast Downward's own translator handles (action costs
        # from functions, ...): run it on the PDDL text directly
        from nsr.backends.pddl.downward import solve_pddl

        return solve_pddl(task.domain_text, task.problem_text, timeout=timeout)
    if missing:
        return SolveResult(
            "unsupported",
            None,
            time.perf_counter() - start,
            planner,
            f"{planner} does not support {', '.join(missing).lower()} (try fast-downward)",
        )
    if planner == "pyperplan":
        status, plan = _solve_killable(task, timeout)
    else:
        status, plan = _solve_in_process(_up_problem(task), engine, timeout)
    seconds = time.perf_counter() - start
    message = "" if plan is not None else f"{planner}: {status} after {seconds:.1f} s"
    return SolveResult(status, plan, seconds, planner, message)


def _solve_killable(task: PlanningTask, timeout: float) -> tuple[str, tuple[Step, ...] | None]:
    request = json.dumps({"domain": task.domain_text, "problem": task.problem_text})
    try:
        done = subprocess.run(
            [sys.executable, "-m", "nsr.backends.pddl.up_engine"],
            input=request,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "timeout", None
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no error output"])[-1]
        raise EngineError(f"pyperplan failed (exit status {done.returncode}): {tail}")
    answer = json.loads(done.stdout)
    plan = answer["plan"]
    steps = None if plan is None else tuple(Step(s[0], tuple(s[1:])) for s in plan)
    return answer["status"], steps


# ---------------------------------------------------------------------------------------------
# Validation with UP's SequentialPlanValidator, reported in our ValidationReport


def _pddl(node: Any, binding: dict[str, str]) -> str:
    """A UP condition (FNode) as PDDL text, with action parameters replaced through binding."""
    if node.is_fluent_exp():
        args = [_pddl(a, binding) for a in node.args]
        return "(" + " ".join([node.fluent().name.lower(), *args]) + ")"
    if node.is_parameter_exp():
        name = node.parameter().name
        return binding.get(name, f"?{name}")
    if node.is_object_exp():
        return node.object().name.lower()
    if node.is_not():
        return f"(not {_pddl(node.arg(0), binding)})"
    if node.is_equals():
        return f"(= {_pddl(node.arg(0), binding)} {_pddl(node.arg(1), binding)})"
    if node.is_and() or node.is_or():
        word = "and" if node.is_and() else "or"
        return "(" + " ".join([word, *(_pddl(a, binding) for a in node.args)]) + ")"
    if node.is_implies():
        return f"(imply {_pddl(node.arg(0), binding)} {_pddl(node.arg(1), binding)})"
    return str(node)


def _goal_parts(problem: Any) -> list[Any]:
    return [part for goal in problem.goals for part in _conjuncts(goal)]


def _unmet_preconditions(evaluator: Any, state: Any, instance: Any) -> tuple[str, ...]:
    """The action's precondition conjuncts that are false in ``state``, as ground PDDL text.

    Evaluated here rather than with the simulator's ``get_unsatisfied_conditions``, which raises
    for instances its grounder simplifies to "never applicable" (e.g. ``(move r1 r1)``).
    """
    action = instance.action
    substitution = dict(zip(action.parameters, instance.actual_parameters, strict=True))
    binding = {p.name: str(v).lower() for p, v in substitution.items()}
    unmet = []
    for pre in action.preconditions:
        for part in _conjuncts(pre):
            ground = part.substitute(substitution)
            if not evaluator.evaluate(ground, state).bool_constant_value():
                unmet.append(_pddl(part, binding))
    return tuple(unmet)


def _conjuncts(node: Any) -> list[Any]:
    if node.is_and():
        return [part for arg in node.args for part in _conjuncts(arg)]
    return [node]


def _goal_status(evaluator: Any, problem: Any, state: Any) -> tuple[tuple[str, ...], float]:
    parts = _goal_parts(problem)
    unmet = tuple(
        _pddl(g, {}) for g in parts if not evaluator.evaluate(g, state).bool_constant_value()
    )
    fraction = 1.0 if not parts else (len(parts) - len(unmet)) / len(parts)
    return unmet, fraction


def _convert(problem: Any, plan: tuple[Step, ...]) -> tuple[list[Any], tuple[int, str, str] | None]:
    """Steps -> UP action instances, up to the first step UP cannot even represent.

    Returns the instances and, for that first bad step, (1-based index, reason, message) with the
    same reason codes as the grounded validator.
    """
    from unified_planning.plans import ActionInstance

    actions = {a.name.lower(): a for a in problem.actions}
    objects = {o.name.lower(): o for o in problem.all_objects}
    out: list[Any] = []
    for number, step in enumerate(plan, start=1):
        action = actions.get(step.action.lower())
        if action is None:
            return out, (
                number,
                "unknown_action",
                f"step {number} {step}: unknown action '{step.action}'",
            )
        if len(step.args) != len(action.parameters):
            return out, (
                number,
                "wrong_arity",
                f"step {number} {step}: action '{action.name}' takes "
                f"{len(action.parameters)} arguments, got {len(step.args)}",
            )
        args = []
        for i, (arg, param) in enumerate(zip(step.args, action.parameters, strict=True)):
            obj = objects.get(arg.lower())
            if obj is None:
                return out, (
                    number,
                    "unknown_object",
                    f"step {number} {step}: unknown object '{arg}'",
                )
            if not param.type.is_compatible(obj.type):
                return out, (
                    number,
                    "type_mismatch",
                    f"step {number} {step}: argument {i + 1} '{arg}' has type "
                    f"'{obj.type}', but ?{param.name} needs '{param.type}'",
                )
            args.append(obj)
        out.append(ActionInstance(action, tuple(args)))
    return out, None


def validate_up(task: PlanningTask, plan: tuple[Step, ...] | list[Step]) -> ValidationReport:
    """Validate ``plan`` with UP's ``SequentialPlanValidator``; same report as ``validate``.

    Steps UP cannot represent (unknown action or object, wrong arity or type) are detected while
    converting; the prefix before such a step is still validated by UP so that an earlier
    inapplicable step is reported first, exactly as a sequential simulation would.
    """
    _up()
    from unified_planning.engines.plan_validator import SequentialPlanValidator
    from unified_planning.engines.sequential_simulator import UPSequentialSimulator
    from unified_planning.model.walkers import StateEvaluator
    from unified_planning.plans import SequentialPlan

    problem = _up_problem(task)
    steps = tuple(plan)
    instances, bad = _convert(problem, steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = SequentialPlanValidator().validate(problem, SequentialPlan(instances))
        if result.trace:
            trace = result.trace
        else:
            simulator = UPSequentialSimulator(problem, error_on_failed_checks=False)
            trace = [simulator.get_initial_state()]
    evaluator = StateEvaluator(problem)
    last = trace[-1]
    unmet_goals, fraction = _goal_status(evaluator, problem, last)
    applied = len(trace) - 1
    reason_name = result.reason.name if result.reason is not None else None
    if reason_name == "INAPPLICABLE_ACTION":
        number = len(trace)
        unmet = _unmet_preconditions(evaluator, last, result.inapplicable_action)
        return ValidationReport.precondition_failed(
            number, steps[number - 1], unmet, applied=applied, unmet_goals=unmet_goals,
            goal_fraction=fraction, fallback=_log_text(result),
        )
    if bad is not None:
        number, reason, message = bad
        return ValidationReport(
            valid=False,
            failed_step=number,
            reason=reason,
            message=message,
            unmet_goals=unmet_goals,
            steps_applied=applied,
            goal_fraction=fraction,
        )
    if result.status.name == "VALID":
        return ValidationReport.success(applied)
    if reason_name == "UNSATISFIED_GOALS":
        return ValidationReport.goal_not_reached(
            applied, unmet_goals, len(_goal_parts(problem)), fraction
        )
    raise EngineError(f"unified-planning could not validate the plan: {_log_text(result)}")


def _log_text(result: Any) -> str:
    return "; ".join(m.message for m in (result.log_messages or [])) or str(result.status.name)


if __name__ == "__main__":
    _child_main()
