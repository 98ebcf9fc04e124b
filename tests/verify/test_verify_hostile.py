"""The hostile-input suite: one table of untrusted samples, each with the reason it must get.

For every case: the score is 0 with exactly the expected reason; the pool recovers (the next
benign sample, in the SAME single worker, scores 1); and nothing outside the worker changed
(a temp dir's files, the parent's cwd and environment). A second table checks that state does
not leak from one sample to the next.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nsr.verify import PlanItem, PrologItem, Verifier

from .samples import (
    BENIGN_EXPECTED,
    BENIGN_PROGRAM,
    BENIGN_QUERY,
    HOSTILE_LIMITS,
    LAMPS_DOMAIN,
    LAMPS_PLAN,
    LAMPS_PROBLEM,
)

pytestmark = pytest.mark.prolog

CAP = HOSTILE_LIMITS["max_input_chars"]


@dataclass(frozen=True)
class Case:
    """``a, b, c`` are program/query/expected (prolog) or domain/problem/plan (pddl);
    ``{tmp}`` in them becomes the watched temp dir; ``reason`` may list alternatives "a|b"
    where two limits race by nature."""

    id: str
    kind: str
    a: str
    b: str
    c: str
    reason: str


def P(id: str, program: str, query: str, expected: str, reason: str) -> Case:  # noqa: N802
    return Case(id, "prolog", program, query, expected, reason)


def D(id: str, domain: str, problem: str, plan: str, reason: str) -> Case:  # noqa: N802
    return Case(id, "pddl", domain, problem, plan, reason)


NESTED = "f(" * 60_000 + "a" + ")" * 60_000

CASES = [
    # --- time and inferences
    P("infinite_loop", "loop :- loop.", "loop, X = 1", "1", "inference_limit"),
    P("repeat_fail", "", "repeat, fail ; X = 1", "1", "inference_limit"),
    P("sleep", "", "sleep(100), X = 1", "1", "time_limit"),
    P("output_forever", "", "forall(between(1, inf, _), format('~*c', [100000, 0'x])), X = 1",
      "1", "time_limit"),
    P("catches_its_time_limit", "l :- catch(l2, _, l).\nl2 :- repeat, fail.", "l, X = 1", "1",
      "time_limit"),
    # --- memory
    P("deep_recursion", "r(N) :- M is N + 1, r(M), true.", "r(0), X = 1", "1", "memory_limit"),
    P("left_recursion", "a(X, Y) :- a(X, Z), e(Z, Y).\na(X, Y) :- e(X, Y).\ne(a, b).",
      "a(a, X)", "b", "memory_limit"),
    P("list_bomb", "", "length(_L, 100000000), X = 1", "1", "memory_limit"),
    P("compound_bomb", "", "functor(_T, f, 100000000), X = 1", "1", "memory_limit"),
    P("string_doubling", "g(S) :- string_concat(S, S, T), g(T).", "g(\"x\"), X = 1", "1",
      "memory_limit"),
    # Atoms live outside the Prolog stacks: only the watchdog or the address-space limit stops
    # this one, whichever comes first.
    P("atom_doubling", "g(A) :- atom_concat(A, A, B), g(B).", "g(x), X = 1", "1",
      "time_limit|memory_limit"),
    # A 300 MB atom built in C: the watchdog, or the address-space limit (reported as an I/O
    # error with ENOMEM when the machine is loaded), whichever comes first; both are limits.
    P("huge_atom_in_c", "", "format(atom(_A), '~*c', [300000000, 0'x]), X = 1", "1",
      "time_limit|memory_limit"),
    P("huge_output_in_c", "", "format('~*c', [2000000000, 0'x]), X = 1", "1", "time_limit"),
    P("deeply_nested_term", f"p({NESTED}).", "p(_), X = 1", "1", "memory_limit"),
    # --- files, shell, network, processes, loading code
    P("shell", "p(X) :- shell('touch {tmp}/hacked'), X = 1.", "p(X)", "1", "unsafe"),
    P("shell_status", "p(X) :- shell('rm -rf {tmp}', X).", "p(X)", "0", "unsafe"),
    P("open_write", "p(X) :- open('{tmp}/hacked', write, X).", "p(X)", "1", "unsafe"),
    P("open_read", "p(X) :- open('/etc/passwd', read, S), read(S, X).", "p(X)", "1", "unsafe"),
    P("delete_file", "p(X) :- delete_file('{tmp}/keep.txt'), X = 1.", "p(X)", "1", "unsafe"),
    P("process_create", "p(X) :- process_create(path(touch), ['{tmp}/hacked'], []), X = 1.",
      "p(X)", "1", "unsafe"),
    P("tcp_connect", "p(X) :- tcp_connect(localhost:22, X, []).", "p(X)", "1", "unsafe"),
    P("consult", "p(X) :- consult('/etc/passwd'), X = 1.", "p(X)", "1", "unsafe"),
    P("load_files", "p(X) :- load_files('{tmp}/evil', []), X = 1.", "p(X)", "1", "unsafe"),
    P("use_foreign_library", "p(X) :- use_foreign_library(foo), X = 1.", "p(X)", "1",
      "unsafe"),
    P("ensure_loaded_in_query", "", "ensure_loaded('/etc/passwd'), X = 1", "1", "unsafe"),
    P("getenv", "p(X) :- getenv('HOME', X).", "p(X)", "1", "unsafe"),
    P("setenv", "p(X) :- setenv('NSR_HACKED', yes), X = 1.", "p(X)", "1", "unsafe"),
    P("chdir", "p(X) :- working_directory(_, '/'), X = 1.", "p(X)", "1", "unsafe"),
    P("write_to_stderr", "p(X) :- format(user_error, 'boo', []), X = 1.", "p(X)", "1",
      "unsafe"),
    P("read_stdin", "p(X) :- read(X).", "p(X)", "1", "unsafe"),
    # --- the process and global state
    P("halt", "p(X) :- halt, X = 1.", "p(X)", "1", "unsafe"),
    P("halt_status", "", "halt(3), X = 1", "1", "unsafe"),
    P("abort", "", "abort, X = 1", "1", "runtime_error"),
    P("stack_limit_flag", "p(X) :- set_prolog_flag(stack_limit, 10000000000), X = 1.",
      "p(X)", "1", "unsafe"),
    P("op_in_body", "p(X) :- op(700, xfx, ===>), X = 1.", "p(X)", "1", "unsafe"),
    P("thread_create", "p(X) :- thread_create(true, X, []).", "p(X)", "1", "unsafe"),
    P("global_variable", "", "nb_setval(k, 1), X = 1", "1", "unsafe"),
    P("assert_rule", "p(X) :- assertz((q :- shell(ls))), X = 1.", "p(X)", "1", "unsafe"),
    P("assert_into_user", "p(X) :- assertz(user:q(1)), X = 1.", "p(X)", "1", "unsafe"),
    P("qualified_head", "user:term_expansion(_, _).", "X = 1", "1", "unsafe"),
    P("reserved_name", "'$wrap$p'(X) :- shell(ls), X = 1.", "X = 1", "1", "bad_program"),
    P("redefine_builtin", "atom_length(_, 3).", "atom_length(abc, X)", "3", "bad_program"),
    P("meta_call_of_data", "p(X) :- G = shell(ls), call(G), X = 1.", "p(X)", "1", "unsafe"),
    P("goal_from_text", "p(X) :- term_to_atom(G, 'halt'), call(G), X = 1.", "p(X)", "1",
      "unsafe"),
    # --- directives never run
    P("initialization", ":- initialization(shell('touch {tmp}/hacked')).", "X = 1", "1",
      "directive"),
    P("directive_shell", ":- shell('touch {tmp}/hacked').", "X = 1", "1", "directive"),
    P("directive_halt", ":- halt.\np(1).", "p(X)", "1", "directive"),
    P("directive_table_malformed", ":- table foo.", "X = 1", "1", "bad_program"),
    P("directive_op", ":- op(700, xfx, ===>).\np(a ===> b).", "p(X)", "1", "directive"),
    P("directive_flag", ":- set_prolog_flag(occurs_check, error).", "X = 1", "1", "directive"),
    P("directive_library", ":- use_module(library(process)).", "X = 1", "1", "directive"),
    P("directive_query_form", "?- shell(ls).", "X = 1", "1", "directive"),
    # --- malformed text
    P("syntax_garbage", "p(X :- .", "p(X)", "1", "syntax_error"),
    P("binary_garbage", "\x00\x01\xff\ufffe \x7f )))", "X = 1", "1", "syntax_error"),
    P("unclosed_quote", "p('abc).", "p(X)", "abc", "syntax_error"),
    P("lone_surrogate", "p(\ud800).", "p(X)", "1", "wrong_answer"),  # read as U+FFFD
    P("nul_in_atom", "p(a\x00b).", "p(X)", "1", "syntax_error"),
    P("undefined_predicate", "p(X) :- q(X).", "p(X)", "1", "undefined_predicate"),
    P("uncaught_throw", "p(X) :- throw(ball), X = 1.", "p(X)", "1", "runtime_error"),
    P("type_error", "", "X is foo + 1", "1", "runtime_error"),
    P("query_two_vars", "", "X = Y", "1", "bad_query"),
    P("query_no_var", "", "true", "1", "bad_query"),
    P("query_injection", "", "X = 1), shell(ls", "1", "bad_query"),
    P("query_two_terms", "", "X = 1. halt", "1", "bad_query"),
    P("query_not_callable", "", "42", "42", "bad_query"),
    P("expected_injection", "", "X = 1", "1), shell(ls", "bad_expected"),
    P("expected_empty", "", "X = 1", "   ", "bad_expected"),
    P("program_too_large", "f(1).\n" * (CAP // 6 + 10), "f(X)", "1", "too_large"),
    P("huge_answer", "", "numlist(1, 200000, X)", "[]", "wrong_answer"),
    P("odd_unicode_wrong", "p('\u202e\U0001f600\u0301').", "p(X)", "'\U0001f600'",
      "wrong_answer"),
    # --- PDDL and plans
    D("plan_garbage", LAMPS_DOMAIN, LAMPS_PROBLEM, "(turn-on l1)\nrm -rf /\n", "plan_syntax"),
    D("plan_binary", LAMPS_DOMAIN, LAMPS_PROBLEM, "\x00\xff\ufffe(((", "plan_syntax"),
    D("plan_unknown_action", LAMPS_DOMAIN, LAMPS_PROBLEM, "(explode l1)", "invalid_plan"),
    D("plan_wrong_arity", LAMPS_DOMAIN, LAMPS_PROBLEM, "(turn-on l1 l2)", "invalid_plan"),
    D("plan_unknown_object", LAMPS_DOMAIN, LAMPS_PROBLEM, "(turn-on l9)", "invalid_plan"),
    D("plan_precondition", LAMPS_DOMAIN, LAMPS_PROBLEM, "(turn-off l1)", "invalid_plan"),
    D("plan_empty", LAMPS_DOMAIN, LAMPS_PROBLEM, "", "invalid_plan"),
    D("plan_enormous", LAMPS_DOMAIN, LAMPS_PROBLEM, "(turn-on l1)\n" * (CAP // 13 + 10),
      "too_large"),
    D("plan_long_invalid", LAMPS_DOMAIN, LAMPS_PROBLEM, "(turn-on l1)\n" * 10_000,
      "invalid_plan"),
    D("domain_unclosed", "(define (domain lamps)", LAMPS_PROBLEM, LAMPS_PLAN, "pddl_syntax"),
    D("domain_garbage", "\x00 rm -rf / \ufffe", LAMPS_PROBLEM, LAMPS_PLAN, "pddl_syntax"),
    D("domain_deep_nesting", "(" * 50_000 + ")" * 50_000, LAMPS_PROBLEM, LAMPS_PLAN,
      "pddl_syntax"),
    D("domain_enormous", LAMPS_DOMAIN + " " * CAP, LAMPS_PROBLEM, LAMPS_PLAN, "too_large"),
    D("problem_wrong_domain", LAMPS_DOMAIN, LAMPS_PROBLEM.replace("(:domain lamps)",
      "(:domain other)"), LAMPS_PLAN, "pddl_syntax"),
    D("domain_unsupported", LAMPS_DOMAIN.replace(":strips :typing", ":strips :fluents"),
      LAMPS_PROBLEM, LAMPS_PLAN, "pddl_unsupported"),
]


@pytest.fixture(scope="module")
def lone_verifier() -> Iterator[Verifier]:
    """ONE worker per kind, so every follow-up sample runs in the worker the hostile one hit."""
    with Verifier(workers=1, **HOSTILE_LIMITS) as v:
        yield v


@pytest.fixture()
def watched(tmp_path: Path) -> Iterator[Path]:
    """A directory with one file; the test fails if a sample changed anything in it."""
    keep = tmp_path / "keep.txt"
    keep.write_text("precious\n")
    cwd, env = os.getcwd(), _environment()
    yield tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    assert keep.read_text() == "precious\n"
    assert os.getcwd() == cwd
    assert _environment() == env
    assert not Path("hacked").exists()


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


def _item(case: Case, tmp: Path) -> PrologItem | PlanItem:
    a, b, c = (text.replace("{tmp}", str(tmp)) for text in (case.a, case.b, case.c))
    return PrologItem(a, b, c) if case.kind == "prolog" else PlanItem(a, b, c)


def test_the_table_is_big_and_covers_both_kinds() -> None:
    assert len(CASES) >= 50
    assert len({case.id for case in CASES}) == len(CASES)
    assert {case.kind for case in CASES} == {"prolog", "pddl"}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_sample_scores_zero_with_its_reason_and_the_pool_recovers(
    case: Case, lone_verifier: Verifier, watched: Path
) -> None:
    verdict = lone_verifier.check_many([_item(case, watched)])[0]
    assert verdict.score == 0.0
    assert verdict.reason in case.reason.split("|"), verdict.message
    assert len(verdict.message) <= 2100 and len(verdict.answer) <= 2100
    # The deadline is the time limit plus the kill margin (and some slack for a busy machine).
    assert verdict.seconds < HOSTILE_LIMITS["time_limit"] + HOSTILE_LIMITS["kill_margin"] + 2.0
    if case.kind == "prolog":
        follow = lone_verifier.check_prolog(BENIGN_PROGRAM, BENIGN_QUERY, BENIGN_EXPECTED)
        assert (follow.score, follow.reason, follow.answer) == (1.0, "ok", BENIGN_EXPECTED)
    else:
        follow = lone_verifier.check_plan(LAMPS_DOMAIN, LAMPS_PROBLEM, LAMPS_PLAN)
        assert (follow.score, follow.reason) == (1.0, "ok"), follow.message


# Pairs (first sample, second sample, reason of the second): the first tries to leave state
# behind; the second must not see it.
LEAKS = [
    pytest.param(
        (":- dynamic f/1.\np(X) :- assertz(f(leaked)), X = 1.", "p(X)", "1"),
        (":- dynamic f/1.", "findall(_Y, f(_Y), X)", "[]"),
        "ok",
        id="asserted_fact",
    ),
    pytest.param(
        ("f(1).", "f(X)", "1"),
        ("", "f(X)", "1"),
        "undefined_predicate",
        id="clauses_of_previous_program",
    ),
    pytest.param(
        ("", "set_prolog_flag(occurs_check, error), X = 1", "1"),
        ("", "_A = f(_A), X = 1", "1"),
        "ok",
        id="occurs_check_flag",
    ),
    pytest.param(
        ("", "set_prolog_flag(double_quotes, atom), X = 1", "1"),
        ("", "X = \"ab\"", "\"ab\""),
        "ok",
        id="double_quotes_flag",
    ),
    pytest.param(
        (":- set_prolog_flag(double_quotes, codes).\np(\"ab\").", "p(X)", "[97, 98]"),
        ("p(\"ab\").", "p(X)", "\"ab\""),
        "ok",
        id="double_quotes_directive",
    ),
    # The safety check's cache is keyed by the rules, directives, fact predicates and query,
    # never by the data alone: a pass for one program must not cover another.
    pytest.param(
        ("f(1).\np(X) :- f(X).", "p(X)", "1"),
        ("f(1).\np(X) :- f(X), shell(ls).", "p(X)", "1"),
        "unsafe",
        id="safety_cache_other_rule",
    ),
    pytest.param(
        ("f(1).", "f(X)", "1"),
        ("f(1).", "f(X), shell(ls)", "1"),
        "unsafe",
        id="safety_cache_other_query",
    ),
    pytest.param(
        ("f(1).\np(X) :- f(X).", "p(X)", "1"),
        (":- use_module(library(clpfd)).\nf(1).\np(X) :- f(X).", "p(X)", "1"),
        "ok",
        id="safety_cache_other_directive",
    ),
    pytest.param(
        ("f(1).\np(X) :- f(X).", "p(X)", "1"),
        ("f(2).\np(X) :- f(X).", "p(X)", "1"),
        "wrong_answer",
        id="safety_cache_same_rules_other_facts",
    ),
    pytest.param(
        ("f(1).\np(X) :- f(X).", "p(X)", "1"),
        ("g(1).\np(X) :- f(X).", "p(X)", "1"),
        "undefined_predicate",
        id="safety_cache_other_fact_predicates",
    ),
    pytest.param(
        ("", "abort, X = 1", "1"),
        (BENIGN_PROGRAM, BENIGN_QUERY, BENIGN_EXPECTED),
        "ok",
        id="abort",
    ),
]


@pytest.mark.parametrize(("first", "second", "reason"), LEAKS)
def test_state_does_not_leak_between_samples(
    first: tuple[str, str, str],
    second: tuple[str, str, str],
    reason: str,
    lone_verifier: Verifier,
) -> None:
    lone_verifier.check_prolog(*first)
    verdict = lone_verifier.check_prolog(*second)
    assert verdict.reason == reason, verdict.message


def test_a_killed_worker_is_replaced(lone_verifier: Verifier) -> None:
    before = set(lone_verifier.worker_pids())
    # One C call writing 2e9 characters (~20 s): Prolog cannot interrupt it, the parent kills.
    hung = lone_verifier.check_prolog("", "format('~*c', [2000000000, 0'x]), X = 1", "1")
    assert hung.reason == "time_limit" and hung.details.get("killed") is True
    after = lone_verifier.check_prolog(BENIGN_PROGRAM, BENIGN_QUERY, BENIGN_EXPECTED)
    assert after.reason == "ok"
    assert set(lone_verifier.worker_pids()) != before
