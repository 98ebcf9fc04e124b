"""The Verifier API on benign samples: answers, comparison rules, scoring, batching, records."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from nsr.errors import ConfigError, DataError, EngineError, MissingDependency
from nsr.verify import (
    REASONS,
    PlanItem,
    PrologItem,
    Verdict,
    Verifier,
    item_from_record,
    no_answer,
)

from .samples import (
    BENIGN_EXPECTED,
    BENIGN_PROGRAM,
    BENIGN_QUERY,
    FAST_LIMITS,
    LAMPS_DOMAIN,
    LAMPS_PLAN,
    LAMPS_PROBLEM,
)

pytestmark = pytest.mark.prolog


@pytest.fixture(scope="module")
def partial_verifier() -> Iterator[Verifier]:
    with Verifier(workers=1, partial=True, **FAST_LIMITS) as v:
        yield v


def test_correct_answer_scores_one_with_timing_and_details(verifier: Verifier) -> None:
    verdict = verifier.check_prolog(BENIGN_PROGRAM, BENIGN_QUERY, BENIGN_EXPECTED)
    assert verdict == Verdict(
        1.0, "ok", "", verdict.seconds, BENIGN_EXPECTED, verdict.details
    )
    assert 0 < verdict.seconds < 5
    assert verdict.details["inferences"] > 0
    assert verdict.ok


def test_wrong_answer_and_no_solution_score_zero(verifier: Verifier) -> None:
    wrong = verifier.check_prolog(BENIGN_PROGRAM, BENIGN_QUERY, "3")
    assert (wrong.score, wrong.reason, wrong.answer) == (0.0, "wrong_answer", "2")
    none = verifier.check_prolog(BENIGN_PROGRAM, "p(X), X > 5", "1")
    assert (none.score, none.reason) == (0.0, "no_solution")


@pytest.mark.parametrize(
    ("query", "expected", "reason"),
    [
        ("X = 1", "1.0", "wrong_answer"),  # numbers compare strictly
        ("X = abc", "\"abc\"", "wrong_answer"),  # atom vs string
        ("X = [a, b]", "[a,b]", "ok"),  # layout does not matter
        ("X = f(_, _)", "f(A, B)", "ok"),  # variables match up to renaming
        ("X = f(_Y, _Y)", "f(A, B)", "wrong_answer"),  # ... but sharing matters
        ("X = 'it''s'", "'it\\'s'", "ok"),  # quoting styles
        ("X = 'héllo ☃ 😀'", "'héllo ☃ 😀'", "ok"),  # unicode round trip
        ("member(X, [b, a])", "b", "ok"),  # the FIRST solution counts
        ("member(X, [b, a])", "a", "wrong_answer"),
        ("X = 1.", "1.", "ok"),  # optional full stops
    ],
)
def test_answer_comparison_rules(
    verifier: Verifier, query: str, expected: str, reason: str
) -> None:
    assert verifier.check_prolog("", query, expected).reason == reason


def test_common_program_styles_run(verifier: Verifier) -> None:
    clpfd = (
        ":- use_module(library(clpfd)).\n"
        "puzzle([A, B]) :- [A, B] ins 1..9, A + B #= 10, A - B #= 4, label([A, B])."
    )
    dcg = "greeting --> [hello], who.\nwho --> [world].\nwho --> [prolog]."
    dynamic = (
        ":- dynamic seen/1.\nmark(X) :- assertz(seen(X)).\n"
        "run(N) :- mark(a), mark(b), aggregate_all(count, seen(_), N)."
    )
    printing = "show(X) :- write(computing), nl, X is 6 * 7, format('~w~n', [X])."
    tabled = (
        ":- table path/2.\npath(X, Y) :- edge(X, Y).\npath(X, Y) :- path(X, Z), edge(Z, Y).\n"
        "edge(a, b). edge(b, a). edge(b, c)."
    )
    cases = [
        PrologItem(clpfd, "puzzle(X)", "[7, 3]"),
        PrologItem(dcg, "(phrase(greeting, [hello, prolog]) -> X = yes ; X = no)", "yes"),
        PrologItem(dynamic, "run(X)", "2"),
        PrologItem(printing, "show(X)", "42"),
        PrologItem(tabled, "findall(_Y, path(a, _Y), _L), msort(_L, X)", "[a, b, c]"),
        PrologItem("% only a comment\n", "sum_list([1, 2, 3], X)", "6"),
        PrologItem("run(N) :- assertz(seen(1)), assertz(seen(2)), aggregate_all(count, seen(_), N).",
                   "run(X)", "2"),  # asserts into a predicate it never declared
    ]
    verdicts = verifier.check_many(cases)
    assert [v.reason for v in verdicts] == ["ok"] * len(cases), [v.message for v in verdicts]


def test_partial_credit(partial_verifier: Verifier) -> None:
    assert partial_verifier.check_prolog(BENIGN_PROGRAM, BENIGN_QUERY, "9").score == 0.1
    assert partial_verifier.check_prolog(BENIGN_PROGRAM, "p(X), X > 5", "1").score == 0.1
    assert partial_verifier.check_prolog("p(X :- .", "p(X)", "1").score == 0.0
    assert partial_verifier.check_prolog(BENIGN_PROGRAM, BENIGN_QUERY, "2").score == 1.0
    half = partial_verifier.check_plan(LAMPS_DOMAIN, LAMPS_PROBLEM, "(turn-on l1)")
    assert (half.reason, half.details["goal_fraction"]) == ("invalid_plan", 0.5)
    assert half.score == pytest.approx(0.25)


def test_plan_prefix_credit() -> None:
    with Verifier(workers=1, partial=True, plan_credit="prefix", **FAST_LIMITS) as v:
        verdict = v.check_plan(LAMPS_DOMAIN, LAMPS_PROBLEM, "(turn-on l1)\n(turn-off l2)")
        assert verdict.details["steps_applied"] == 1
        assert verdict.score == pytest.approx(0.25)  # cap 0.5 x 1 of 2 steps valid


def test_valid_plan_and_its_report(verifier: Verifier) -> None:
    verdict = verifier.check_plan(LAMPS_DOMAIN, LAMPS_PROBLEM, LAMPS_PLAN)
    assert (verdict.score, verdict.reason) == (1.0, "ok")
    assert verdict.details["steps_applied"] == 2 and verdict.details["plan_length"] == 2
    bad = verifier.check_plan(LAMPS_DOMAIN, LAMPS_PROBLEM, "(turn-on l1)\n(turn-on l1)")
    assert bad.reason == "invalid_plan" and bad.details["failed_step"] == 2
    assert bad.details["validator_reason"] == "precondition"


def test_check_many_keeps_order_over_workers_and_kinds(verifier: Verifier) -> None:
    items: list[PrologItem | PlanItem] = []
    expected: list[str] = []
    for n in range(60):
        if n % 10 == 3:
            items.append(PlanItem(LAMPS_DOMAIN, LAMPS_PROBLEM, LAMPS_PLAN if n % 20 else ""))
            expected.append("ok" if n % 20 else "invalid_plan")
        else:
            answer = n * n if n % 7 else n * n + 1
            items.append(PrologItem("sq(N, M) :- M is N * N.", f"sq({n}, X)", str(answer)))
            expected.append("ok" if n % 7 else "wrong_answer")
    verdicts = verifier.check_many(items)
    assert [v.reason for v in verdicts] == expected
    assert verifier.check_many([]) == []


def test_concurrent_callers_share_the_pool(verifier: Verifier) -> None:
    results: dict[int, list[str]] = {}

    def work(k: int) -> None:
        batch = [PrologItem("", f"X is {k} + {i}", str(k + i)) for i in range(40)]
        results[k] = [v.reason for v in verifier.check_many(batch)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {k: ["ok"] * 40 for k in range(3)}


def test_bad_items_and_settings_raise_config_errors(verifier: Verifier) -> None:
    with pytest.raises(ConfigError, match="not a PrologItem or PlanItem"):
        verifier.check_many(["p(X)"])  # type: ignore[list-item]
    with pytest.raises(ConfigError, match="workers"):
        Verifier(workers=0)
    with pytest.raises(ConfigError, match="time_limit"):
        Verifier(time_limit=0)
    with pytest.raises(ConfigError, match="plan_credit"):
        Verifier(plan_credit="steps")
    with pytest.raises(MissingDependency, match="apt-get install"):
        Verifier(swipl="nsr-no-such-swipl")


def test_closed_verifier_refuses_work() -> None:
    v = Verifier(workers=1, **FAST_LIMITS)
    v.close()
    v.close()  # idempotent
    with pytest.raises(ConfigError, match="closed"):
        v.check_prolog(BENIGN_PROGRAM, BENIGN_QUERY, BENIGN_EXPECTED)


def test_records_map_onto_items() -> None:
    prolog = {"id": "k1", "kind": "prolog", "program": "p(1).", "query": "p(X)", "answer": "1"}
    assert item_from_record(prolog) == PrologItem("p(1).", "p(X)", "1")
    assert item_from_record(prolog, answer="2") == PrologItem("p(1).", "p(X)", "2")
    pddl = {"kind": "pddl", "domain": "d", "problem": "p", "plan": "(a)"}
    assert item_from_record(pddl) == PlanItem("d", "p", "(a)")
    with pytest.raises(DataError, match="lacks program or query"):
        item_from_record({"id": "k2", "kind": "prolog", "program": "", "answer": "1"})
    with pytest.raises(DataError, match="not prolog or pddl"):
        item_from_record({"kind": "lean"})


def test_shipped_prototype_records_map_onto_items_and_score_1(verifier: Verifier) -> None:
    """Records as `nsr proto` writes them (fields nested under "prototype") verify as stored."""
    from nsr.prototypes.record import load_records
    from nsr.resources import resource_path

    items = []
    for family in ("kinship", "blocksworld"):
        records = load_records(resource_path("prototypes", "examples", f"{family}.jsonl"))
        items += [item_from_record(r.to_dict()) for r in records[:3]]
    assert {type(i) for i in items} == {PrologItem, PlanItem}
    assert [v.score for v in verifier.check_many(items)] == [1.0] * len(items)


def test_verdicts_serialise_and_reasons_are_documented(verifier: Verifier) -> None:
    verdict = verifier.check_prolog(BENIGN_PROGRAM, BENIGN_QUERY, BENIGN_EXPECTED)
    assert json.loads(json.dumps(verdict.to_dict()))["reason"] == "ok"
    assert no_answer().reason == "no_answer" and no_answer().score == 0.0
    assert {"ok", "no_answer", "unsafe", "time_limit", "worker_crash"} <= set(REASONS)


def test_workers_start_lazily_and_stop_on_close() -> None:
    import os

    with Verifier(workers=1, **FAST_LIMITS) as v:
        assert v.worker_pids() == []
        v.start()
        (pid,) = v.worker_pids()
        os.kill(pid, 0)  # alive
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_missing_answers_and_non_text_inputs(verifier: Verifier) -> None:
    missing = verifier.check_many([PrologItem(BENIGN_PROGRAM, BENIGN_QUERY, None)])  # type: ignore[arg-type]
    assert (missing[0].score, missing[0].reason) == (0.0, "no_answer")
    with pytest.raises(ConfigError, match="program must be text"):
        verifier.check_prolog(None, BENIGN_QUERY, "1")  # type: ignore[arg-type]


def test_a_worker_that_cannot_start_raises_engine_error() -> None:
    # `false` exits at once: the pool retries a few times, then names the command.
    with (
        Verifier(workers=1, swipl="false", **FAST_LIMITS) as v,
        pytest.raises(EngineError, match="cannot start"),
    ):
        v.check_prolog(BENIGN_PROGRAM, BENIGN_QUERY, BENIGN_EXPECTED)


def test_an_unclosed_verifier_stops_its_workers_when_collected() -> None:
    import gc
    import os

    v = Verifier(workers=1, **FAST_LIMITS).start()
    (pid,) = v.worker_pids()
    del v
    gc.collect()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_compiled_dsl_programs_pass_the_sandbox(verifier: Verifier) -> None:
    """Generated Prolog (style_check directive, inline negation) is accepted and runs."""
    from nsr.semantics import parse_program
    from nsr.semantics.compiler import compile_symbols, library_paths

    programs = {
        "f": parse_program("lambda x: if not(is_empty(x)) then cdr(x) else ['NONE']"),
        "g": parse_program("lambda x, y: if not(and(is_zero(x), is_zero(y))) then inc(x) else 0"),
    }
    text = "\n".join([*(p.read_text() for p in library_paths()), compile_symbols(programs)])
    verdicts = verifier.check_many([
        PrologItem(text, "sym(f, [[a, b]], Answer)", "[b]"),
        PrologItem(text, "sym(f, [[]], Answer)", "['NONE']"),
        PrologItem(text, "sym(g, [0, 0], Answer)", "0"),
        PrologItem(text, "sym(g, [4, 0], Answer)", "5"),
    ])
    assert [(v.score, v.reason) for v in verdicts] == [(1.0, "ok")] * 4, verdicts
