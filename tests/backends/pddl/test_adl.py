"""The classical fragment beyond STRIPS on small hand-written domains nobody shipped: conditional
and universal effects, quantified goals, recursive derived predicates, action costs read from
functions, ``either`` and ``imply``. Each verdict is derived by hand here and checked against VAL
when VAL is available."""

from __future__ import annotations

from pathlib import Path

import pytest

from nsr.backends.pddl.errors import PddlSyntaxError
from nsr.backends.pddl.grounded import parse_domain, parse_problem, validate
from nsr.backends.pddl.plans import parse_plan
from nsr.backends.pddl.simulate import applicable_steps

BRIEF = """(define (domain brief)
 (:requirements :adl)
 (:types place thing)
 (:constants home - place)
 (:predicates (at-b ?p - place) (at ?t - thing ?p - place) (in ?t - thing))
 (:action move :parameters (?from ?to - place)
   :precondition (and (at-b ?from) (not (= ?from ?to)))
   :effect (and (at-b ?to) (not (at-b ?from))
                (forall (?t - thing) (when (in ?t) (and (at ?t ?to) (not (at ?t ?from)))))))
 (:action put-in :parameters (?t - thing ?p - place)
   :precondition (and (at ?t ?p) (at-b ?p) (not (in ?t)))
   :effect (in ?t))
 (:action take-out :parameters (?t - thing)
   :precondition (in ?t) :effect (not (in ?t))))"""
BRIEF_P = """(define (problem b1) (:domain brief)
 (:objects office - place paper pen - thing)
 (:init (at-b home) (at paper home) (at pen home))
 (:goal (and (at paper office) (at pen home) (forall (?t - thing) (not (in ?t))))))"""

REACH = """(define (domain reach)
 (:requirements :strips :derived-predicates :negative-preconditions :existential-preconditions)
 (:predicates (edge ?a ?b) (conn ?a ?b) (open ?a ?b) (visited ?a))
 (:derived (conn ?a ?b) (and (edge ?a ?b) (open ?a ?b)))
 (:derived (conn ?a ?b) (exists (?c) (and (conn ?a ?c) (conn ?c ?b))))
 (:action unlock :parameters (?a ?b)
   :precondition (and (edge ?a ?b) (not (open ?a ?b))) :effect (open ?a ?b))
 (:action visit :parameters (?a ?b)
   :precondition (and (visited ?a) (conn ?a ?b)) :effect (visited ?b)))"""
REACH_P = """(define (problem r1) (:domain reach) (:objects n1 n2 n3 n4)
 (:init (visited n1) (edge n1 n2) (edge n2 n3) (edge n3 n4))
 (:goal (visited n4)))"""

COST = """(define (domain cost)
 (:requirements :typing :action-costs :disjunctive-preconditions)
 (:types truck car - vehicle loc)
 (:predicates (at ?v - vehicle ?l - loc) (road ?a ?b - loc) (fuel ?v - (either truck car))
              (heavy ?v - vehicle))
 (:functions (dist ?a ?b - loc) - number (total-cost) - number)
 (:action drive :parameters (?v - (either truck car) ?a ?b - loc)
   :precondition (and (at ?v ?a) (road ?a ?b) (imply (heavy ?v) (fuel ?v)))
   :effect (and (not (at ?v ?a)) (at ?v ?b) (increase (total-cost) (dist ?a ?b)))))"""
COST_P = """(define (problem c1) (:domain cost)
 (:objects t1 - truck c1 - car l1 l2 l3 - loc)
 (:init (at t1 l1) (at c1 l1) (road l1 l2) (road l2 l3) (heavy t1)
        (= (dist l1 l2) 4) (= (dist l2 l3) 7) (= (total-cost) 0))
 (:goal (at c1 l3)) (:metric minimize (total-cost)))"""

# (label, domain, problem, plan, valid, failed step or None)
CASES = [
    ("brief-valid", BRIEF, BRIEF_P, "(put-in paper home)\n(move home office)\n(take-out paper)",
     True, None),
    ("brief-left-behind", BRIEF, BRIEF_P, "(move home office)", False, None),
    ("brief-pen-carried", BRIEF, BRIEF_P, "(put-in paper home)\n(put-in pen home)\n"
     "(move home office)\n(take-out paper)\n(take-out pen)", False, None),
    ("brief-still-inside", BRIEF, BRIEF_P, "(put-in paper home)\n(move home office)", False, None),
    ("brief-same-place", BRIEF, BRIEF_P, "(move home home)", False, 1),
    ("reach-valid", REACH, REACH_P, "(unlock n1 n2)\n(unlock n2 n3)\n(unlock n3 n4)\n"
     "(visit n1 n4)", True, None),
    ("reach-gap", REACH, REACH_P, "(unlock n1 n2)\n(unlock n3 n4)\n(visit n1 n4)", False, 3),
    ("cost-valid", COST, COST_P, "(drive c1 l1 l2)\n(drive c1 l2 l3)", True, None),
    ("cost-heavy-no-fuel", COST, COST_P, "(drive t1 l1 l2)\n(drive c1 l1 l2)\n(drive c1 l2 l3)",
     False, 1),
]


def _report(domain_text: str, problem_text: str, plan_text: str):
    domain = parse_domain(domain_text, strict=True)
    return validate(domain, parse_problem(problem_text, domain), parse_plan(plan_text))


@pytest.mark.parametrize(("label", "dom", "prob", "plan", "valid", "step"), CASES,
                         ids=[c[0] for c in CASES])
def test_hand_derived_verdicts(label, dom, prob, plan, valid, step) -> None:
    report = _report(dom, prob, plan)
    assert (report.valid, report.failed_step) == (valid, step), report.message


def test_costs_come_from_functions() -> None:
    report = _report(COST, COST_P, "(drive c1 l1 l2)\n(drive c1 l2 l3)")
    assert report.cost == 11.0 and "total cost 11" in report.message


def test_failed_precondition_names_the_quantified_or_derived_part() -> None:
    report = _report(REACH, REACH_P, "(unlock n1 n2)\n(unlock n3 n4)\n(visit n1 n4)")
    assert report.unmet_preconditions == ("(conn n1 n4)",)
    report = _report(COST, COST_P, "(drive t1 l1 l2)")
    assert report.unmet_preconditions == ("(imply (heavy t1) (fuel t1))",)


def test_applicable_steps_follow_derived_and_conditional_semantics() -> None:
    domain = parse_domain(REACH)
    problem = parse_problem(REACH_P, domain)
    steps = {str(s) for s in applicable_steps(domain, problem, problem.init)}
    assert steps == {"(unlock n1 n2)", "(unlock n2 n3)", "(unlock n3 n4)"}


def test_negative_cycle_through_derived_predicates_is_rejected() -> None:
    text = """(define (domain bad) (:requirements :derived-predicates)
     (:predicates (p ?x) (q ?x) (r ?x))
     (:derived (p ?x) (and (r ?x) (not (q ?x))))
     (:derived (q ?x) (p ?x)))"""
    with pytest.raises(PddlSyntaxError, match="not stratified"):
        parse_domain(text)


def test_val_agrees_with_every_hand_derived_verdict(val_binary: Path, tmp_path: Path) -> None:
    from nsr.backends.pddl.val import run_val

    for label, dom, prob, plan, valid, _ in CASES:
        (tmp_path / "d.pddl").write_text(dom)
        (tmp_path / "p.pddl").write_text(prob)
        (tmp_path / "x.plan").write_text(plan + "\n")
        verdict = run_val(val_binary, tmp_path / "d.pddl", tmp_path / "p.pddl",
                          tmp_path / "x.plan")
        assert verdict.valid == valid, f"{label}: {verdict.detail}"


@pytest.mark.parametrize("layout", ["derived-after", "interleaved", "comment"])
def test_unread_actions_give_the_same_domain_in_any_layout(layout: str) -> None:
    """Actions are cut out of the text unread when the layout allows it (else read whole);
    either way the domain is the one a full read gives."""
    head, tail = REACH.split("(:action unlock", 1)
    derived = "(:derived (conn ?a ?b) (and (edge ?a ?b) (open ?a ?b)))"
    head = head.replace(derived, "")
    unlock, visit = ("(:action unlock" + tail).split("(:action visit", 1)
    visit = "(:action visit" + visit
    if layout == "derived-after":
        text = head + unlock + visit[:-1] + derived + ")"
    elif layout == "interleaved":
        text = head + unlock + derived + "\n" + visit
    else:
        text = head + "; (:action ghost) in a comment\n" + derived + unlock + visit
    lazy, strict = parse_domain(text), parse_domain(text, strict=True)
    assert set(lazy.actions) == set(strict.actions) == {"unlock", "visit"}
    assert set(lazy.derived) == {"conn"} and len(lazy.derived["conn"]) == 2
    for name in ("unlock", "visit"):
        assert lazy.actions[name].precondition == strict.actions[name].precondition
    problem = parse_problem(REACH_P, lazy)
    plan = parse_plan("(unlock n1 n2)\n(unlock n2 n3)\n(unlock n3 n4)\n(visit n1 n4)")
    assert validate(lazy, problem, plan).valid
