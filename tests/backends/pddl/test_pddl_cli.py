"""`nsr plan solve` and `nsr plan validate`: outputs, exit statuses, one-line errors."""

from __future__ import annotations

import json

import pytest

from nsr.backends.pddl.plans import parse_plan

from .problem_gen import domain_path, problem_path


@pytest.fixture()
def files(tmp_path):
    dom, prob = domain_path("gripper"), problem_path("gripper", 2)
    plan = tmp_path / "p02.plan"
    return str(dom), str(prob), plan


@pytest.mark.pddl
def test_solve_then_validate(nsr, files) -> None:
    dom, prob, plan = files
    status, out, err = nsr("plan", "solve", dom, prob, "--out", str(plan), "--timeout", "60")
    assert status == 0 and out == ""
    assert f"to {plan}" in err
    steps = parse_plan(plan.read_text())
    assert steps and not list(plan.parent.glob(".p02.plan.*"))  # no temp file left behind
    status, out, _ = nsr("plan", "validate", dom, prob, str(plan))
    assert status == 0 and out.startswith(f"valid: valid plan: {len(steps)} steps")
    status, out, _ = nsr("plan", "validate", dom, prob, str(plan), "--validator", "both", "--json")
    report = json.loads(out)
    assert status == 0 and report["agree"] and report["ours"] == report["up"]
    status, out, _ = nsr("plan", "solve", dom, prob)
    assert status == 0 and parse_plan(out) == steps


def test_invalid_plan_exits_1_with_the_reason(nsr, files) -> None:
    dom, prob, plan = files
    plan.write_text("(move room2 room1)\n(pick ball1 room1 left)\n")
    status, out, _ = nsr("plan", "validate", dom, prob, str(plan))
    assert status == 1
    assert out.startswith("invalid: step 1 (move room2 room1): precondition (at-robby room2)")
    status, out, _ = nsr("plan", "validate", dom, prob, str(plan), "--json")
    report = json.loads(out)
    assert status == 1
    assert (report["validator"], report["failed_step"], report["reason"]) == (
        "ours",
        1,
        "precondition",
    )


def test_goal_not_reached_lists_goals(nsr, files) -> None:
    dom, prob, plan = files
    plan.write_text("; nothing\n")
    status, out, _ = nsr("plan", "validate", dom, prob, str(plan))
    assert status == 1 and "goals not reached: (at ball" in out


@pytest.mark.parametrize(
    ("which", "content", "fragment"),
    [
        ("plan", "(move room1 room2)\nmove room2 room1\n", "p02.plan:2: expected a step"),
        ("domain", "(define (domain gripper)\n (:predicates (at ?x)", "dom.pddl:2: '(' opened"),
        ("domain", "(define (domain g) (:requirements :fluents))", "requirement :fluents"),
        ("missing", "", "no such problem file"),
    ],
)
def test_user_errors_exit_2_with_one_line(nsr, files, tmp_path, which, content, fragment) -> None:
    dom, prob, plan = files
    plan.write_text("(move room1 room2)\n")
    if which == "plan":
        plan.write_text(content)
    elif which == "domain":
        dom = str(tmp_path / "dom.pddl")
        (tmp_path / "dom.pddl").write_text(content)
    else:
        prob = str(tmp_path / "absent.pddl")
    status, out, err = nsr("plan", "validate", dom, prob, str(plan))
    assert status == 2 and out == ""
    assert err.startswith("nsr: error: ") and fragment in err
    assert err.count("\n") == 1


@pytest.mark.pddl
def test_solve_unsupported_planner_feature_is_a_user_error(nsr, files) -> None:
    # The planner the user picked cannot read the domain: exit 2, not a "no plan" verdict.
    dom, prob, _ = files
    status, out, err = nsr("plan", "solve", dom, prob, "--planner", "pyperplan")
    assert status == 2 and out == ""
    assert "pyperplan cannot solve this problem" in err and err.count("\n") == 1


def test_bad_timeout_is_a_usage_error(nsr, files) -> None:
    dom, prob, _ = files
    status, _, err = nsr("plan", "solve", dom, prob, "--timeout", "0")
    assert status == 2 and "argument --timeout: must be a number of seconds above 0" in err
