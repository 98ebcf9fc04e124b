"""Sample texts and limits shared by the verifier tests."""

from __future__ import annotations

# A tiny STRIPS task written here so these tests depend on nothing else in the tree.
LAMPS_DOMAIN = """
(define (domain lamps)
  (:requirements :strips :typing)
  (:types lamp)
  (:predicates (on ?l - lamp) (off ?l - lamp))
  (:action turn-on :parameters (?l - lamp)
    :precondition (off ?l) :effect (and (on ?l) (not (off ?l))))
  (:action turn-off :parameters (?l - lamp)
    :precondition (on ?l) :effect (and (off ?l) (not (on ?l)))))
"""
LAMPS_PROBLEM = """
(define (problem two-lamps) (:domain lamps)
  (:objects l1 l2 - lamp)
  (:init (off l1) (off l2))
  (:goal (and (on l1) (on l2))))
"""
LAMPS_PLAN = "(turn-on l1)\n(turn-on l2)\n"

BENIGN_PROGRAM = "p(1). p(2). p(3).\nbig(X) :- p(X), X > 1."
BENIGN_QUERY = "big(X)"
BENIGN_EXPECTED = "2"

FAST_LIMITS = dict(
    time_limit=0.5,
    kill_margin=0.3,
    inference_limit=2_000_000,
    stack_limit_mb=32,
    memory_limit_mb=1024,
    max_input_chars=200_000,
)

# The hostile suite: a time limit well above what the memory and inference cases need even on
# a loaded machine (so each case gets its own specific reason), few inferences.
HOSTILE_LIMITS = {**FAST_LIMITS, "time_limit": 1.0, "inference_limit": 500_000}

