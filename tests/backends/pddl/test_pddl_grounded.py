"""The pure-Python PDDL reader and grounded validator (no unified-planning needed)."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from nsr.backends.pddl.errors import PddlSyntaxError, PddlUnsupported
from nsr.backends.pddl.grounded import (
    ValidationReport,
    parse_domain,
    parse_problem,
    validate,
)
from nsr.backends.pddl.plans import Step, parse_plan
from nsr.backends.pddl.simulate import applicable_steps, apply_step, problem_text, random_walk
from nsr.errors import DataError

from .problem_gen import DOMAIN_NAMES, blocksworld, domain_path, gripper, logistics, problem_path

TOY_DOMAIN = """\
; a toy domain exercising typing, constants, negative preconditions, equality and or
(define (domain toy)
  (:requirements :strips :typing :negative-preconditions :equality :disjunctive-preconditions)
  (:types car bike - vehicle
          vehicle place - object)
  (:constants depot - place)
  (:predicates (at ?v - vehicle ?p - place) (broken ?v - vehicle) (open ?p - place)
               (sunny))
  (:action drive
    :parameters (?v - vehicle ?from ?to - place)
    :precondition (and (at ?v ?from) (not (broken ?v)) (not (= ?from ?to))
                       (or (open ?to) (= ?to depot)))
    :effect (and (not (at ?v ?from)) (at ?v ?to)))
  (:action ride
    :parameters (?b - bike ?from ?to - place)
    :precondition (and (at ?b ?from) (imply (not (sunny)) (= ?to depot)))
    :effect (and (not (at ?b ?from)) (at ?b ?to)))
  (:action repair
    :parameters (?v - (either car bike))
    :precondition (and (broken ?v) (at ?v depot))
    :effect (not (broken ?v))))
"""

TOY_PROBLEM = """\
(define (problem toy-1) (:domain toy)
  (:objects c1 - car b1 - bike home shop - place)
  (:init (at c1 depot) (at b1 home) (broken c1) (open shop))
  (:goal (and (at c1 shop) (at b1 depot) (not (broken c1)))))
"""


@pytest.fixture(scope="module")
def toy():
    domain = parse_domain(TOY_DOMAIN, name="toy.pddl")
    return domain, parse_problem(TOY_PROBLEM, domain, name="toy-1.pddl")


def steps(text: str) -> tuple[Step, ...]:
    return parse_plan(text)


# --- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DOMAIN_NAMES)
def test_shipped_domains_and_problems_parse(name: str) -> None:
    domain = parse_domain(domain_path(name).read_text(), name=name)
    assert domain.name == name
    for i in (1, 2, 3):
        problem = parse_problem(problem_path(name, i).read_text(), domain)
        assert problem.init and problem.goals
        assert set(problem.param_domains) == set(domain.actions)


def test_shipped_domains_cover_negative_preconditions_and_equality() -> None:
    reqs = {n: parse_domain(domain_path(n).read_text()).requirements for n in DOMAIN_NAMES}
    assert any(":negative-preconditions" in r for r in reqs.values())
    assert any(":equality" in r for r in reqs.values())
    assert all(":typing" in r for r in reqs.values())


def test_type_hierarchy_and_either(toy) -> None:
    domain, problem = toy
    assert domain.types["car"] >= {"car", "vehicle", "object"}
    assert problem.objects["depot"] == frozenset({"place"})  # a domain constant
    assert problem.param_domains["drive"][0] == {"c1", "b1"}  # subtypes of vehicle
    assert problem.param_domains["ride"][0] == {"b1"}
    assert problem.param_domains["repair"][0] == {"c1", "b1"}  # (either car bike)
    assert problem.param_domains["drive"][1] == {"home", "shop", "depot"}


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("(define (domain d)\n  (:predicates (p ?x))\n  (:action a\n", 3, "never closed"),
        ("(define (domain d))\n)", 2, "unexpected ')'"),
        (
            "(define (domain d)\n (:predicates (p ?x))\n (:action a :parameters (?x)\n"
            "  :precondition (q ?x)))",
            4,
            "undeclared predicate 'q'",
        ),
        (
            "(define (domain d)\n (:predicates (p ?x))\n (:action a :parameters (?x)\n"
            "  :precondition (p ?x ?x)))",
            4,
            "takes 1 arguments, got 2",
        ),
        (
            "(define (domain d)\n (:predicates (p ?x))\n (:action a :parameters (?x)\n"
            "  :effect (p ?y)))",
            4,
            "variable '?y' is not a parameter",
        ),
        ("(define (domain d)\n (:types a)\n (:predicates (p ?x - b)))", 3, "undeclared type 'b'"),
        (
            "(define (domain d)\n (:predicates (p ?x))\n (:action a\n  :parameters (?x)\n"
            "  :pre (p ?x)))",
            5,
            "expected ':parameters', ':precondition' or ':effect'",
        ),
        ("(define (problem d))", 1, "expected '(domain NAME)'"),
        ("(define (domain d)\n\n (:bogus))", 3, "unknown section ':bogus'"),
        ("", 1, "empty file"),
        ("(define (domain d)\n (:predicates (p ?x) (p ?y)))", 2, "declared twice"),
    ],
)
def test_domain_syntax_errors_name_file_and_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(PddlSyntaxError) as exc:
        parse_domain(text, name="bad.pddl", strict=True)
    assert str(exc.value).startswith(f"bad.pddl:{line}:"), str(exc.value)
    assert fragment in str(exc.value)
    assert isinstance(exc.value, DataError) and isinstance(exc.value, ValueError)


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ("(:domain toy)\n (:objects x - truck)\n (:init)\n (:goal (and)))", 3, "undeclared type"),
        (
            "(:domain toy)\n (:objects c1 - car)\n (:init (at c1 nowhere))\n (:goal (and)))",
            4,
            "unknown object or constant 'nowhere'",
        ),
        ("(:domain other)\n (:init)\n (:goal (and)))", 2, "domain 'other'"),
        ("(:domain toy)\n (:init)\n (:goal (flies c1)))", 4, "undeclared predicate 'flies'"),
        ("(:domain toy)\n (:init)\n)", 1, "missing '(:goal ...)'"),
        ("(:domain toy)\n (:init (not (sunny)))\n (:goal (and)))", 3, "true atoms only"),
        (
            "(:domain toy)\n (:objects c1 - car h - place)\n (:init (at h c1))\n (:goal (and)))",
            4,
            "'h' does not fit ?v - 'vehicle' of predicate 'at'",
        ),
        ("(:domain toy)\n (:objects c1 - car)\n (:init)\n (:goal (open c1)))", 5, "does not fit"),
        (
            "(:domain toy)\n (:objects c1 - car)\n (:init (sunny)\n\n  (at c1 nowhere))\n"
            " (:goal (and)))",
            6,
            "unknown object or constant 'nowhere'",
        ),
    ],
)
def test_problem_errors_name_file_and_line(toy, body: str, line: int, fragment: str) -> None:
    domain, _ = toy
    text = "(define (problem p)\n " + body
    with pytest.raises(PddlSyntaxError) as exc:
        parse_problem(text, domain, name="p.pddl")
    assert str(exc.value).startswith(f"p.pddl:{line}:"), str(exc.value)
    assert fragment in str(exc.value)


def test_action_bodies_are_read_on_first_use_with_the_same_errors() -> None:
    """Lazy by default (a big domain costs what a plan touches); the error is the same."""
    text = ("(define (domain d)\n (:predicates (p ?x))\n (:action a :parameters (?x)\n"
            "  :precondition (q ?x))\n (:action b :parameters (?x) :effect (p ?x)))")
    domain = parse_domain(text, name="bad.pddl")
    assert set(domain.actions) == {"a", "b"}
    assert domain.actions["b"].add  # a well-formed action is usable
    with pytest.raises(PddlSyntaxError, match="^bad.pddl:4: undeclared predicate 'q'"):
        domain.actions["a"]
    problem = parse_problem("(define (problem x) (:domain d) (:objects o) (:init) (:goal (p o)))",
                            domain)
    assert validate(domain, problem, parse_plan("(b o)")).valid
    with pytest.raises(PddlSyntaxError, match="undeclared predicate 'q'"):
        validate(domain, problem, parse_plan("(a o)"))


@pytest.mark.parametrize(
    ("snippet", "feature"),
    [
        ("(:requirements :strips :numeric-fluents)", "requirement :numeric-fluents"),
        (
            "(:functions (fuel)) (:predicates (p)) "
            "(:action a :precondition (> (fuel) 1) :effect (p))",
            "numeric condition '>'",
        ),
        ("(:predicates (p)) (:action a :effect (assign (fuel) 1))", "numeric effect 'assign'"),
        ("(:predicates (p)) (:action a :effect (increase (fuel) 1))", "numeric effect"),
    ],
)
def test_unsupported_features_are_named(snippet: str, feature: str) -> None:
    with pytest.raises(PddlUnsupported) as exc:
        parse_domain(f"(define (domain d)\n {snippet})", name="u.pddl", strict=True)
    assert feature in str(exc.value)
    assert str(exc.value).startswith("u.pddl:2:")


def test_deep_nesting_is_a_syntax_error_not_a_crash(toy) -> None:
    domain, _ = toy
    goal = "(not " * 20000 + "(sunny)" + ")" * 20000
    text = f"(define (problem deep) (:domain toy) (:init) (:goal {goal}))"
    with pytest.raises(PddlSyntaxError, match="nested too deeply"):
        parse_problem(text, domain, name="deep.pddl")


def test_steps_coerce_args_to_tuples(toy) -> None:
    domain, problem = toy
    assert Step("repair", ["c1"]) == Step("repair", ("c1",))
    assert validate(domain, problem, [Step("repair", ["c1"])]).steps_applied == 1


def test_action_costs_are_accepted_and_ignored() -> None:
    domain = parse_domain(
        "(define (domain c) (:requirements :strips :action-costs)"
        " (:predicates (p) (q)) (:functions (total-cost) - number)"
        " (:action a :precondition (p) :effect (and (q) (increase (total-cost) 1))))"
    )
    problem = parse_problem(
        "(define (problem c1) (:domain c) (:init (p) (= (total-cost) 0)) (:goal (q))"
        " (:metric minimize (total-cost)))",
        domain,
    )
    assert validate(domain, problem, steps("(a)")).valid


def test_case_insensitive_and_comments() -> None:
    domain = parse_domain(
        "(DEFINE (DOMAIN Up) ; comment\n (:PREDICATES (P ?X)) (:ACTION Go :PARAMETERS (?X)"
        " :PRECONDITION (P ?X) :EFFECT (NOT (P ?X))))"
    )
    problem = parse_problem(
        "(define (problem q) (:domain UP) (:objects A) (:init (p a)) (:goal (not (P A))))", domain
    )
    assert validate(domain, problem, [Step("GO", ("A",))]).valid


def test_domain_and_problem_pickle_as_text(toy) -> None:
    domain, problem = toy
    domain2 = pickle.loads(pickle.dumps(domain))
    problem2 = pickle.loads(pickle.dumps(problem))
    plan = steps("(repair c1)")
    assert domain2 == domain and problem2 == problem
    assert validate(domain2, problem2, plan) == validate(domain, problem, plan)


def test_importing_the_backend_does_not_import_unified_planning() -> None:
    # unified-planning loads only when a UP function is called (it costs ~1 s)
    code = (
        "import sys, nsr.backends.pddl, nsr.backends.pddl.grounded, nsr.backends.pddl.simulate,"
        " nsr.backends.pddl.up_engine, nsr.backends.pddl.bench, nsr.commands.plan;"
        "print('unified_planning' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- validation ----------------------------------------------------------------------------


def test_valid_plan_with_or_equality_and_constants(toy) -> None:
    domain, problem = toy
    plan = steps("(repair c1)\n(drive c1 depot shop)\n(ride b1 home depot)")
    report = validate(domain, problem, plan)
    assert report == ValidationReport(
        valid=True,
        failed_step=None,
        reason="ok",
        message="valid plan: 3 steps reach the goal",
        steps_applied=3,
        goal_fraction=1.0,
    )


@pytest.mark.parametrize(
    ("plan", "step", "reason", "fragment"),
    [
        ("(fly c1 home shop)", 1, "unknown_action", "unknown action 'fly'"),
        ("(repair b1)", 1, "precondition", "(broken b1), (at b1 depot)"),
        ("(drive c1 home)", 1, "wrong_arity", "takes 3 arguments"),
        ("(drive c1 home mars)", 1, "unknown_object", "unknown object 'mars'"),
        ("(ride c1 home shop)", 1, "type_mismatch", "argument 1 'c1' has type 'car'"),
        ("(drive b1 home shop)\n(drive b1 shop shop)", 2, "precondition", "(not (= shop shop))"),
        ("(drive c1 home shop)", 1, "precondition", "(not (broken c1))"),
        ("(ride b1 home shop)", 1, "precondition", "(imply (not (sunny)) (= shop depot))"),
    ],
)
def test_invalid_plans_report_step_and_reason(toy, plan, step, reason, fragment) -> None:
    domain, problem = toy
    report = validate(domain, problem, steps(plan))
    assert not report.valid
    assert report.failed_step == step
    assert report.reason == reason
    assert fragment in report.message
    assert report.message.startswith(f"step {step} ")
    assert report.steps_applied == step - 1


def test_precondition_failure_lists_every_false_precondition(toy) -> None:
    domain, problem = toy
    # moving from shop (not there) to home (not open, not depot): two false preconditions
    report = validate(domain, problem, steps("(drive b1 shop home)"))
    assert report.unmet_preconditions == ("(at b1 shop)", "(or (open home) (= home depot))")


def test_goal_not_reached_lists_unmet_goals(toy) -> None:
    domain, problem = toy
    report = validate(domain, problem, steps("(repair c1)"))
    assert (report.valid, report.failed_step, report.reason) == (False, None, "goal_not_reached")
    assert report.unmet_goals == ("(at c1 shop)", "(at b1 depot)")
    assert report.goal_fraction == pytest.approx(1 / 3)
    assert report.steps_applied == 1


def test_delete_before_add() -> None:
    domain = parse_domain(
        "(define (domain t) (:predicates (p) (q))"
        " (:action flip :precondition (p) :effect (and (not (p)) (p) (q))))"
    )
    problem = parse_problem(
        "(define (problem t1) (:domain t) (:init (p)) (:goal (and (p) (q))))", domain
    )
    assert validate(domain, problem, steps("(flip)")).valid


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", DOMAIN_NAMES)
def test_random_walk_plans_are_valid_and_mutations_are_caught(name: str, seed: int) -> None:
    generators = {
        "blocksworld": lambda: blocksworld(6, seed),
        "gripper": lambda: gripper(4, seed, n_rooms=3),
        "logistics": lambda: logistics(2, 3, seed),
    }
    domain = parse_domain(domain_path(name).read_text())
    base = parse_problem(generators[name](), domain)
    plan, final = random_walk(domain, base, 30, seed=seed)
    problem = parse_problem(problem_text(base, final), domain)
    assert validate(domain, problem, plan).valid
    # every prefix reaches exactly the walk's intermediate states
    state = problem.init
    for step in plan:
        assert step in applicable_steps(domain, problem, state)
        state = apply_step(domain, problem, state, step)
    assert state == final
    # a step that is not applicable in the state where it is inserted is reported there
    state = problem.init
    for i, step in enumerate(plan):
        bad = [
            s for s in _all_steps(domain, problem) if apply_step(domain, problem, state, s) is None
        ]
        mutated = plan[:i] + (bad[(seed + i) % len(bad)],) + plan[i:]
        report = validate(domain, problem, mutated)
        assert (report.valid, report.failed_step, report.reason) == (False, i + 1, "precondition")
        state = apply_step(domain, problem, state, step)
        if i >= 4:
            break


def _all_steps(domain, problem) -> list[Step]:
    import itertools

    out = []
    for name in sorted(domain.actions):
        doms = [sorted(d) for d in problem.param_domains[name]]
        out.extend(Step(name, args) for args in itertools.product(*doms))
    return out
