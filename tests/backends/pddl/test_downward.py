"""Fast Downward run directly on PDDL text (its own translator): solved, unsolvable and out of
time are three different answers; tasks unified-planning refuses are solved; plans pass VAL."""

from __future__ import annotations

from pathlib import Path

import pytest

from nsr.backends.pddl.downward import solve_pddl
from nsr.backends.pddl.grounded import parse_domain, parse_problem, validate
from nsr.backends.pddl.ipc import list_families

pytestmark = pytest.mark.pddl


TINY = """(define (domain t) (:requirements :strips)
 (:predicates (a) (b) (c))
 (:action x :precondition (a) :effect (and (b) (not (a))))
 (:action y :precondition (and (a) (b)) :effect (c)))"""


def _pigeons(n: int) -> tuple[str, str]:
    """n+1 pigeons, n holes: relaxed-reachable, really unsolvable, a huge state space."""
    domain = """(define (domain pigeons) (:requirements :strips :typing)
 (:types pigeon hole)
 (:predicates (free ?h - hole) (out ?p - pigeon) (in ?p - pigeon ?h - hole))
 (:action put :parameters (?p - pigeon ?h - hole)
  :precondition (and (out ?p) (free ?h)) :effect (and (in ?p ?h) (not (out ?p)) (not (free ?h))))
 (:action take :parameters (?p - pigeon ?h - hole)
  :precondition (in ?p ?h) :effect (and (out ?p) (free ?h) (not (in ?p ?h)))))"""
    pigeons = " ".join(f"p{i}" for i in range(n + 1))
    holes = " ".join(f"h{i}" for i in range(n))
    init = " ".join(f"(out p{i})" for i in range(n + 1)) + " " + " ".join(
        f"(free h{i})" for i in range(n)
    )
    goal = " ".join(f"(not (out p{i}))" for i in range(n + 1))
    problem = (
        f"(define (problem ph) (:domain pigeons) (:objects {pigeons} - pigeon {holes} - hole)"
        f" (:init {init}) (:goal (and {goal})))"
    )
    return domain, problem


def test_unsolvable_is_not_out_of_time() -> None:
    result = solve_pddl(TINY, "(define (problem p) (:domain t) (:init (a)) (:goal (c)))",
                        timeout=30)
    assert (result.status, result.plan) == ("unsolvable", None)
    assert "no solution" in result.message


def test_out_of_time_is_not_unsolvable() -> None:
    domain, problem = _pigeons(14)
    result = solve_pddl(domain, problem, timeout=2)
    assert (result.status, result.plan) == ("timeout", None)
    assert "out of time" in result.message


def test_solved_plan_is_valid_and_has_costs(ipc_root: Path) -> None:
    """recharging-robots reads action costs from functions: unified-planning's Fast Downward
    check refuses it, Fast Downward's translator does not."""
    fam = next(p for p in list_families(ipc_root)["recharging-robots"] if p.plan is not None)
    dtext, ptext = fam.domain.read_text(), fam.problem.read_text()
    result = solve_pddl(dtext, ptext, timeout=30)
    assert result.status == "solved" and result.plan
    domain = parse_domain(dtext)
    report = validate(domain, parse_problem(ptext, domain), result.plan)
    assert report.valid and report.cost is not None and report.cost > 0


def test_cli_solve_prints_a_plan_and_tells_unsolvable(nsr, tmp_path: Path) -> None:
    (tmp_path / "d.pddl").write_text(TINY)
    (tmp_path / "p.pddl").write_text("(define (problem p) (:domain t) (:init (a)) (:goal (b)))")
    (tmp_path / "q.pddl").write_text("(define (problem q) (:domain t) (:init (a)) (:goal (c)))")
    status, out, _ = nsr("plan", "solve", str(tmp_path / "d.pddl"), str(tmp_path / "p.pddl"))
    assert status == 0 and out.splitlines()[0] == "(x)"
    status, out, err = nsr("plan", "solve", str(tmp_path / "d.pddl"),
                               str(tmp_path / "q.pddl"))
    assert status == 1 and out == "" and "no plan (unsolvable)" in err


@pytest.mark.slow
@pytest.mark.timeout(3600)  # ~135 planner runs of up to 30 s
def test_every_ipc_problem_with_a_known_plan_is_solved_and_val_accepts(
    ipc_root: Path, val_binary: Path, tmp_path: Path
) -> None:
    """Acceptance: within 30 s, Fast Downward (run by us) solves every problem for which it
    found a plan in 20 s when the data was made; VAL accepts each plan."""
    from nsr.backends.pddl.plans import write_plan
    from nsr.backends.pddl.val import run_val

    failures = []
    solved = 0
    for problems in list_families(ipc_root).values():
        for fp in problems:
            if fp.plan is None:
                continue
            result = solve_pddl(fp.domain.read_text(), fp.problem.read_text(), timeout=30)
            if result.plan is None:
                failures.append(f"{fp.family}/{fp.name}: {result.status}")
                continue
            path = tmp_path / f"{fp.family}-{fp.name}.plan"
            path.write_text(write_plan(result.plan))
            if not run_val(val_binary, fp.domain, fp.problem, path).valid:
                failures.append(f"{fp.family}/{fp.name}: VAL rejects the plan")
            solved += 1
    assert failures == []
    assert solved >= 130  # 135 problems have a known plan
