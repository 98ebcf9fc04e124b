"""The unified-planning side: loading, solving with Fast Downward and pyperplan, validate_up."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from nsr.backends.pddl.errors import PddlSyntaxError
from nsr.backends.pddl.grounded import validate
from nsr.backends.pddl.plans import Step
from nsr.errors import ConfigError, ResourceNotFound

from .problem_gen import DOMAIN_NAMES, blocksworld, domain_path, problem_path

pytestmark = pytest.mark.pddl


@pytest.fixture(scope="module")
def up():
    from nsr.backends.pddl import up_engine

    return up_engine


def test_load_task_from_paths_and_from_text(up) -> None:
    by_path = up.load_task(domain_path("gripper"), str(problem_path("gripper", 1)))
    text = up.load_task(domain_path("gripper").read_text(), problem_path("gripper", 1).read_text())
    assert by_path.domain_name.endswith("domain.pddl") and text.domain_name == "<domain>"
    assert by_path.up_problem.name == text.up_problem.name
    assert len(by_path.up_problem.actions) == 3


def test_load_task_errors(up, tmp_path) -> None:
    with pytest.raises(ResourceNotFound, match="no such domain file"):
        up.load_task(tmp_path / "nope.pddl", problem_path("gripper", 1))
    bad = tmp_path / "bad.pddl"
    bad.write_text("(define (domain gripper)\n  (:predicates (at ?x)\n")
    with pytest.raises(PddlSyntaxError, match=r"bad.pddl:2: '\(' opened here is never closed"):
        up.load_task(bad, problem_path("gripper", 1))


@pytest.mark.parametrize("name", DOMAIN_NAMES)
def test_fast_downward_plans_validate_with_both_validators(solved_cases, up, name) -> None:
    cases = [c for c in solved_cases if c.label.startswith(name + "/")]
    assert len(cases) == 5
    for case in cases:
        assert len(case.plan) > 0, case.label
        ours = validate(case.domain, case.problem, case.plan)
        theirs = up.validate_up(case.task, case.plan)
        assert ours.valid and theirs.valid, (case.label, ours.message, theirs.message)
        assert ours == theirs


def test_validate_up_reports_failed_step_and_goals(solved_cases, up) -> None:
    case = next(c for c in solved_cases if c.label == "logistics/p02")
    truncated = case.plan[:-1]
    report = up.validate_up(case.task, truncated)
    assert (report.valid, report.failed_step, report.reason) == (False, None, "goal_not_reached")
    assert report.unmet_goals and report.goal_fraction < 1.0
    swapped = (case.plan[1], case.plan[0], *case.plan[2:])
    ours = validate(case.domain, case.problem, swapped)
    theirs = up.validate_up(case.task, swapped)
    assert not theirs.valid and theirs.reason == "precondition"
    assert theirs.unmet_preconditions and theirs.unmet_preconditions == ours.unmet_preconditions
    assert theirs.message == ours.message


def test_validate_up_unrepresentable_steps(solved_cases, up) -> None:
    case = next(c for c in solved_cases if c.label == "gripper/p02")
    plan = case.plan
    cases = {
        "unknown_action": (*plan[:2], Step("teleport", ("room1",))),
        "wrong_arity": (*plan[:2], Step("move", ("room1",))),
        "unknown_object": (*plan[:2], Step("move", ("room1", "kitchen"))),
        "type_mismatch": (*plan[:2], Step("move", ("ball1", "room1"))),
    }
    for reason, mutated in cases.items():
        report = up.validate_up(case.task, mutated)
        assert (report.failed_step, report.reason) == (3, reason)
        assert report.steps_applied == 2
    # an earlier inapplicable step is reported before a later unrepresentable one
    early = (plan[0], plan[0], *plan[1:], Step("teleport", ()))
    # (in gripper a repeated first step never applies: the robot or the ball has moved)
    assert validate(case.domain, case.problem, early).failed_step == 2
    assert up.validate_up(case.task, early).failed_step == 2


def test_pyperplan_solves_a_tiny_problem(up) -> None:
    task = up.load_task(domain_path("blocksworld"), problem_path("blocksworld", 1))
    result = up.solve(task, planner="pyperplan", timeout=60)
    assert result.status == "solved" and result.planner == "pyperplan"
    assert up.validate_up(task, result.plan).valid


def test_pyperplan_reports_unsupported_features(up) -> None:
    task = up.load_task(domain_path("gripper"), problem_path("gripper", 1))
    result = up.solve(task, planner="pyperplan", timeout=30)
    assert (result.status, result.plan) == ("unsupported", None)
    assert "negative_conditions" in result.message


def test_timeout_is_respected(up) -> None:
    task = up.load_task(domain_path("blocksworld").read_text(), blocksworld(25, 7))
    start = time.perf_counter()
    result = up.solve(task, planner="pyperplan", timeout=1.0)
    assert result.status == "timeout" and result.plan is None
    assert time.perf_counter() - start < 10


def test_solver_arguments_are_checked(up) -> None:
    task = up.load_task(domain_path("gripper"), problem_path("gripper", 1))
    with pytest.raises(ConfigError, match="unknown planner"):
        up.solve(task, planner="lama")
    with pytest.raises(ConfigError, match="timeout"):
        up.solve(task, timeout=0)


def test_up_credits_banner_is_silent() -> None:
    code = (
        "from nsr.backends.pddl.up_engine import load_task, solve;"
        "from nsr.resources import resource_path as r;"
        "t = load_task(r('prototypes','pddl','gripper','domain.pddl'),"
        " r('prototypes','pddl','gripper','p01.pddl'));"
        "print(solve(t).status)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "solved"
    assert "credits" not in out.stdout.lower() and "Fast Downward" not in out.stdout


def test_missing_planner_is_a_missing_dependency(up, monkeypatch) -> None:
    from nsr.errors import MissingDependency

    monkeypatch.setitem(up.PLANNERS, "fast-downward", ("no-such-engine", "up-no-such-engine"))
    task = up.load_task(domain_path("gripper"), problem_path("gripper", 1))
    with pytest.raises(MissingDependency, match="pip install up-no-such-engine"):
        up.solve(task, planner="fast-downward")
