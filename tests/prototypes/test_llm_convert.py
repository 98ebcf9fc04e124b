"""LLM conversion end to end against the stand-in endpoint: replies are run by SWI-Prolog or
validated as PDDL, rejected ones are fed back, accepted ones become records that verify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nsr.prototypes.judge import judge_answer
from nsr.prototypes.llm.client import ChatClient, ChatConfig
from nsr.prototypes.llm.convert import LlmConvertConfig, convert_problems
from nsr.prototypes.llm.errors import LlmUnreachable
from nsr.prototypes.llm.inputs import LlmProblem
from nsr.prototypes.record import record_from_dict
from nsr.prototypes.verify import verify_records

from .test_llm_server import attempt, closed_port_url, first_user, serve

FAMILY_RULES = "parent(ann, bob).\nparent(bob, cid).\n"
GOOD = {"kind": "prolog",
        "program": FAMILY_RULES + "grandchild(X, Z) :- parent(X, Y), parent(Y, Z).",
        "query": "grandchild(ann, Answer)", "answer": "cid"}
# A typo an LLM makes: a missing comma, which SWI-Prolog reports as "Operator expected".
BROKEN = {**GOOD, "program": "parent(ann, bob).\nparent(bob cid).\n"
                             "grandchild(X, Z) :- parent(X, Y), parent(Y, Z)."}
# Runs fine but answers the wrong relation (child instead of grandchild).
WRONG = {**GOOD, "program": FAMILY_RULES + "grandchild(X, Z) :- parent(X, Z).",
         "answer": "bob"}

LAMPS_DOMAIN = """(define (domain lamps) (:requirements :strips :typing)
  (:types lamp)
  (:predicates (on ?l - lamp) (off ?l - lamp))
  (:action switch-on :parameters (?l - lamp)
    :precondition (off ?l) :effect (and (on ?l) (not (off ?l)))))"""
LAMPS_PROBLEM = """(define (problem two) (:domain lamps)
  (:objects l1 l2 - lamp)
  (:init (off l1) (off l2))
  (:goal (and (on l1) (on l2))))"""
LAMPS = {"kind": "pddl", "domain": LAMPS_DOMAIN, "problem": LAMPS_PROBLEM,
         "plan": ["(switch-on l1)", "(switch-on l2)"]}

pytestmark = pytest.mark.prolog


def scripted(script: dict[str, list[str]]):
    """A responder replying, per problem (found by a marker in the first user turn), with the
    script's n-th reply on the n-th attempt (the last one repeats)."""

    def respond(messages, body):
        for marker, replies in script.items():
            if marker in first_user(messages):
                return replies[min(attempt(messages), len(replies)) - 1]
        return (400, json.dumps({"error": {"message": "unexpected problem"}}))

    return respond


def run(fake, problems, **config):
    return convert_problems(problems, ChatClient(ChatConfig(fake.url, "test-model", seed=5)),
                            LlmConvertConfig(**config))


def test_correct_prolog_reply_is_accepted_and_verifies() -> None:
    fenced = "```json\n" + json.dumps(GOOD) + "\n```"
    with serve(scripted({"GRAND": [fenced]})) as fake:
        report = run(fake, [LlmProblem("q1", "GRAND: who is Ann's grandchild?", "cid")],
                     kind="prolog")
    assert report.failures == () and len(fake.requests) == 1
    (rec,) = report.records
    assert (rec.kind, rec.task, rec.family, rec.source) == ("prolog", "query_answer", "llm",
                                                             "llm:test-model")
    assert rec.answer == "cid" and rec.prompt == "GRAND: who is Ann's grandchild?"
    assert rec.id.startswith("llm/query_answer/") and rec.seed == 5
    assert rec.verification["method"] == "derived" and rec.verification["inferences"] > 0
    llm = rec.verification["llm"]
    assert llm["attempts"] == 1 and llm["model"] == "test-model" and llm["input_id"] == "q1"
    assert llm["reference"] == "cid" and llm["model_answer"] == "cid"
    assert llm["template"] == "prolog.md" and llm["reply"] == fenced
    # the record is a valid line of the format and `nsr proto verify` re-derives its answer
    assert record_from_dict(json.loads(rec.to_json())) == rec
    assert verify_records([(1, rec)]) == []


def test_syntax_error_is_fed_back_and_the_fixed_reply_accepted() -> None:
    with serve(scripted({"GRAND": [json.dumps(BROKEN), json.dumps(GOOD)]})) as fake:
        report = run(fake, [LlmProblem("q1", "GRAND: who?", "cid")], retries=2)
    (rec,) = report.records
    assert rec.answer == "cid" and rec.verification["llm"]["attempts"] == 2
    assert rec.prototype["program"] == GOOD["program"]
    first, second = fake.requests
    assert len(first["messages"]) == 2
    # the second request carries the whole conversation: the broken reply and the feedback
    assert second["messages"][2] == {"role": "assistant", "content": json.dumps(BROKEN)}
    feedback = second["messages"][3]
    assert feedback["role"] == "user"
    assert "Syntax error" in feedback["content"] and "Operator expected" in feedback["content"]


def test_wrong_answer_is_rejected_against_the_reference() -> None:
    with serve(scripted({"GRAND": [json.dumps(WRONG)]})) as fake:
        report = run(fake, [LlmProblem("q1", "GRAND: who?", "cid")], retries=1)
    assert report.records == ()
    (fail,) = report.failures
    assert fail.id == "q1" and fail.attempts == 2 and len(fake.requests) == 2
    assert "derives Answer = bob" in fail.error and "disagrees" in fail.error
    feedback = fake.requests[1]["messages"][-1]["content"]
    assert "Answer = bob" in feedback
    assert "cid" not in feedback  # the reference is never revealed (the model would hard-code it)


def test_without_reference_the_derived_answer_is_taken() -> None:
    with serve(scripted({"GRAND": [json.dumps(WRONG)]})) as fake:
        report = run(fake, [LlmProblem("q1", "GRAND: who?")], retries=0)
    (rec,) = report.records
    assert rec.answer == "bob" and rec.verification["llm"]["reference"] is None


def test_non_json_reply_is_a_per_item_error_and_the_batch_goes_on() -> None:
    script = {"PROSE": ["I think the answer is cid."], "GRAND": [json.dumps(GOOD)]}
    with serve(scripted(script)) as fake:
        report = run(fake, [LlmProblem("bad", "PROSE: who?"), LlmProblem("ok", "GRAND: who?")],
                     retries=1, concurrency=2)
    (fail,) = report.failures
    assert fail.id == "bad" and fail.attempts == 2
    assert "not valid JSON" in fail.error and "I think the answer" in fail.error
    assert [r.verification["llm"]["input_id"] for r in report.records] == ["ok"]


def test_runtime_statuses_become_feedback() -> None:
    ambiguous = {**GOOD, "query": "parent(_, Answer)"}
    unknown = {**GOOD, "query": "cousin(ann, Answer)"}
    no_answer_var = {**GOOD, "query": "grandchild(ann, X)"}
    script = {"AMB": [json.dumps(ambiguous)], "UNK": [json.dumps(unknown)],
              "VAR": [json.dumps(no_answer_var)]}
    with serve(scripted(script)) as fake:
        report = run(fake, [LlmProblem(m, f"{m}: q") for m in script], retries=0)
    errors = {f.id: f.error for f in report.failures}
    assert "more than one solution" in errors["AMB"] and "bob" in errors["AMB"]
    assert "Unknown procedure" in errors["UNK"] and "cousin/2" in errors["UNK"]
    assert "variable Answer" in errors["VAR"]


def test_records_keep_input_order_and_duplicates_are_written_once() -> None:
    script = {f"P{i}": [json.dumps({**GOOD, "query": f"member(Answer, [{i}])"})]
              for i in range(4)}
    script["DUP"] = script["P0"]
    with serve(scripted(script)) as fake:
        problems = [LlmProblem(m, f"{m}: q") for m in ["P3", "P0", "P2", "DUP", "P1"]]
        report = run(fake, problems, concurrency=3)
    assert [r.answer for r in report.records] == ["3", "0", "2", "1"]
    assert report.duplicates == (("DUP", report.records[1].id),)
    assert report.requests == 5


def test_http_error_is_a_per_item_failure() -> None:
    def respond(messages, body):
        if "DOWN" in first_user(messages):
            return (503, json.dumps({"error": {"message": "overloaded"}}))
        return json.dumps(GOOD)

    with serve(respond) as fake:
        report = run(fake, [LlmProblem("a", "DOWN: q"), LlmProblem("b", "GRAND: q")])
    (fail,) = report.failures
    assert fail.id == "a" and fail.attempts == 1  # endpoint trouble is not retried as feedback
    assert "HTTP 503" in fail.error and "overloaded" in fail.error
    assert len(report.records) == 1


def test_unreachable_endpoint_aborts_the_batch() -> None:
    client = ChatClient(ChatConfig(closed_port_url(), "m", timeout=5))
    with pytest.raises(LlmUnreachable, match="cannot reach the LLM endpoint .* refused"):
        convert_problems([LlmProblem(str(i), "q") for i in range(20)], client,
                         LlmConvertConfig(concurrency=2))


def test_unsafe_programs_are_rejected_without_being_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    directive = {**GOOD, "program": GOOD["program"]
                 + f"\n:- initialization(shell('touch {marker}'))."}
    body = {**GOOD, "program": GOOD["program"].replace(
        "parent(X, Y), parent(Y, Z)", f"parent(X, Y), parent(Y, Z), open('{marker}', write, S), "
        "close(S)")}
    script = {"DIRECTIVE": [json.dumps(directive)], "BODY": [json.dumps(body)]}
    with serve(scripted(script)) as fake:
        report = run(fake, [LlmProblem(m, f"{m}: q") for m in script], retries=0)
    errors = {f.id: f.error for f in report.failures}
    assert "directive" in errors["DIRECTIVE"] and "initialization/1" in errors["DIRECTIVE"]
    assert "sandbox forbids" in errors["BODY"] and "open/3" in errors["BODY"]
    assert not marker.exists()  # neither program was ever run


def test_sandbox_can_be_switched_off_for_trusted_models() -> None:
    flagged = {**GOOD, "program": ":- set_prolog_flag(verbose_load, silent).\n"
                                  + GOOD["program"]}
    with serve(scripted({"GRAND": [json.dumps(flagged)]})) as fake:
        strict = run(fake, [LlmProblem("g", "GRAND: q")], retries=0)
        trusting = run(fake, [LlmProblem("g", "GRAND: q")], retries=0, sandbox=False)
    assert "directive" in strict.failures[0].error
    assert trusting.records[0].answer == "cid"


# ---------------------------------------------------------------------------------------------
# PDDL replies


def test_pddl_reply_is_validated_and_agrees_with_a_reference_plan() -> None:
    with serve(scripted({"LAMPS": [json.dumps(LAMPS)]})) as fake:
        # any valid plan is a correct reference: here the other order
        report = run(fake, [LlmProblem("l", "LAMPS: turn both on",
                                       "(switch-on l2)\n(switch-on l1)", "pddl")])
    (rec,) = report.records
    assert (rec.kind, rec.task, rec.family) == ("pddl", "plan_generation", "llm")
    assert rec.answer == "(switch-on l1)\n(switch-on l2)"
    assert rec.verification["method"] == "constructed+validated"
    assert rec.verification["plan_length"] == 2 and rec.verification["plan_source"] == "model"
    assert judge_answer(rec, rec.answer).correct
    assert not judge_answer(rec, "(switch-on l1)").correct
    assert verify_records([(1, rec)]) == []


def test_pddl_reference_plan_rejected_by_the_models_pddl() -> None:
    # the model forgot that lamps start off: the known-valid plan fails at its first step
    wrong = {**LAMPS, "problem": LAMPS_PROBLEM.replace("(off l1) (off l2)", "(off l2)")}
    with serve(scripted({"LAMPS": [json.dumps(wrong), json.dumps(LAMPS)]})) as fake:
        report = run(fake, [LlmProblem("l", "LAMPS: q", "(switch-on l1)\n(switch-on l2)")],
                     kind="pddl")
    (rec,) = report.records
    assert rec.verification["llm"]["attempts"] == 2
    feedback = fake.requests[1]["messages"][-1]["content"]
    assert "known-valid plan" in feedback and "step 1" in feedback


def test_pddl_reference_plan_stands_in_for_an_invalid_model_plan() -> None:
    half = {**LAMPS, "plan": ["(switch-on l1)"]}  # the model's plan misses a step
    with serve(scripted({"LAMPS": [json.dumps(half)]})) as fake:
        report = run(fake, [LlmProblem("l", "LAMPS: q", "(switch-on l2)\n(switch-on l1)")])
    (rec,) = report.records
    assert rec.answer == "(switch-on l2)\n(switch-on l1)"
    assert rec.verification["plan_source"] == "reference"


def test_pddl_syntax_error_is_fed_back() -> None:
    broken = {**LAMPS, "domain": LAMPS_DOMAIN.replace("(:types lamp)", "(:types lamp")}
    with serve(scripted({"LAMPS": [json.dumps(broken)]})) as fake:
        report = run(fake, [LlmProblem("l", "LAMPS: q")], kind="pddl", retries=0)
    (fail,) = report.failures
    assert "the PDDL does not parse" in fail.error


def test_bad_reference_plan_is_not_retried() -> None:
    with serve(scripted({"LAMPS": [json.dumps(LAMPS)]})) as fake:
        report = run(fake, [LlmProblem("l", "LAMPS: q", "turn them on")], kind="pddl",
                     retries=3)
    (fail,) = report.failures
    assert fail.attempts == 1 and "reference answer is not a plan" in fail.error


def test_auto_kind_switches_to_prolog_when_the_reference_is_not_a_plan() -> None:
    with serve(scripted({"GRAND": [json.dumps(LAMPS), json.dumps(GOOD)]})) as fake:
        report = run(fake, [LlmProblem("g", "GRAND: who?", "cid")], kind="auto")
    (rec,) = report.records
    assert rec.kind == "prolog" and rec.verification["llm"]["attempts"] == 2
    assert "needs a Prolog prototype" in fake.requests[1]["messages"][-1]["content"]


@pytest.mark.pddl
def test_pddl_reply_without_a_valid_plan_is_planned_by_fast_downward() -> None:
    half = {**LAMPS, "plan": ["(switch-on l1)"]}  # the model's plan misses a step
    with serve(scripted({"LAMPS": [json.dumps(half)]})) as fake:
        report = run(fake, [LlmProblem("l", "LAMPS: q")], kind="pddl", retries=0)
    (rec,) = report.records
    assert rec.verification["method"] == "planner+validated"
    assert rec.verification["planner"] == "fast-downward"
    assert rec.verification["plan_source"] == "planner"
    assert sorted(rec.answer.splitlines()) == ["(switch-on l1)", "(switch-on l2)"]
    assert rec.verification["llm"]["model_answer"] == "(switch-on l1)"
