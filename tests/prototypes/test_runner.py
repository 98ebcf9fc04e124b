"""The swipl driver: every status, and one bad item never stops a batch."""

from __future__ import annotations

import pytest

from nsr.prototypes.prolog_runner import PrologJob, run_jobs

pytestmark = pytest.mark.prolog


def test_statuses_in_one_batch() -> None:
    jobs = [
        PrologJob("ok", "p(1). p(2).\nq(X) :- p(X), X > 1.", "q(Answer)"),
        PrologJob("ambiguous", "p(1). p(2).", "p(Answer)"),
        PrologJob("same-twice", "p(1). p(1).", "p(Answer)"),
        PrologJob("none", "p(1).", "p(2), Answer = yes"),
        PrologJob("syntax", "p(1 :- .", "p(Answer)"),
        PrologJob("query-syntax", "p(1).", "p(Answer"),
        PrologJob("no-var", "p(1).", "p(X)"),
        PrologJob("undefined", "", "nope(Answer)"),
        PrologJob("loop", "l(X) :- l(X).", "l(Answer)", inference_limit=100_000),
        PrologJob("slow", "w :- repeat, fail.", "w, Answer = 1", time_limit=0.5,
                  inference_limit=10**12),
        PrologJob("quoted", "", "Answer = ['it''s', \"s\", 'A b', f(_)]"),
        PrologJob("after", "p(7).", "p(Answer)"),
    ]
    got = {o.id: o for o in run_jobs(jobs)}
    assert [o for o in got] == [j.id for j in jobs]
    assert got["ok"].status == "ok" and got["ok"].answer == "2" and got["ok"].inferences > 0
    assert got["ambiguous"].status == "ambiguous"
    assert got["same-twice"].status == "ok"  # two proofs of one answer are one answer
    assert got["none"].status == "no_answer"
    assert got["syntax"].status == "syntax_error" and ":1:" in got["syntax"].message
    assert got["query-syntax"].status == "syntax_error"
    assert got["no-var"].status == "error" and "Answer" in got["no-var"].message
    assert got["undefined"].status == "error" and "nope/1" in got["undefined"].message
    assert got["loop"].status == "inference_limit"
    assert got["slow"].status == "timeout"
    assert got["quoted"].answer == "['it\\'s', \"s\", 'A b', f(A)]"
    assert got["after"].answer == "7"  # nothing leaked from the items before


def test_clauses_do_not_leak_between_items() -> None:
    first, second = run_jobs([PrologJob("a", "secret(42).", "secret(Answer)"),
                              PrologJob("b", "", "catch(secret(Answer), _, Answer = gone)")])
    assert first.answer == "42"
    assert second.answer == "gone"


def test_a_crashing_item_is_isolated() -> None:
    jobs = [PrologJob("before", "p(1).", "p(Answer)"),
            PrologJob("killer", ":- halt(3).", "true, Answer = 1"),
            PrologJob("after", "p(2).", "p(Answer)")]
    got = {o.id: o for o in run_jobs(jobs)}
    assert got["before"].answer == "1"
    assert got["killer"].status == "crashed"
    assert got["after"].answer == "2"


def test_in_process_engine_agrees_with_the_driver() -> None:
    from nsr.prototypes.prolog_runner import run_jobs_in_process

    tabled = ":- table f/2.\nf(0, 0).\nf(N, F) :- N > 0, M is N - 1, f(M, G), F is G + {k}."
    jobs = [
        PrologJob("ok", "p(1). p(2).\nq(X) :- p(X), X > 1.", "q(Answer)"),
        PrologJob("ambiguous", "p(1). p(2).", "p(Answer)"),
        PrologJob("none", "p(1).", "p(2), Answer = yes"),
        PrologJob("syntax", "p(1 :- .", "p(Answer)"),
        PrologJob("loop", "l(X) :- l(X).", "l(Answer)", inference_limit=100_000),
        PrologJob("quoted", "", "Answer = ['it''s', \"s\", f(_)]"),
        # Same predicate, different programs: stale tables must not leak from one to the next.
        PrologJob("tabled1", tabled.format(k=1), "f(5, Answer)"),
        PrologJob("tabled2", tabled.format(k=2), "f(5, Answer)"),
    ]
    driver = run_jobs(jobs)
    engine = run_jobs_in_process(jobs)
    assert [o.status for o in engine] == [o.status for o in driver]
    assert [o.answer for o in engine] == [o.answer for o in driver]
    assert [o.answer for o in engine][-2:] == ["5", "10"]
