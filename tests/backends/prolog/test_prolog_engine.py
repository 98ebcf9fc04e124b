"""The in-process engine: answers, errors, limits, loading, modules, threads."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from fractions import Fraction
from pathlib import Path

import pytest

from nsr.backends.prolog import (
    DEFAULT_STACK_LIMIT,
    Compound,
    PlString,
    PrologError,
    PrologExistenceError,
    PrologInferenceLimit,
    PrologNotInstalled,
    PrologResourceError,
    PrologSyntaxError,
    PrologTimeLimit,
    Var,
    goal,
)
from nsr.errors import ConfigError, DataError, EngineError, MissingDependency, ResourceNotFound

pytestmark = pytest.mark.prolog

# Generous: the machine is shared, and speed is measured in benchmarks, not asserted here.
SLACK = 2.0

LOOPS = """
loop :- loop.
grow(N) :- numlist(1, 20, _), N1 is N + 1, grow(N1), true.
deep(N) :- N1 is N + 1, deep(N1), true.
bomb(L) :- bomb([x|L]).
count(0) :- !.
count(N) :- N1 is N - 1, count(N1).
"""


def test_import_is_cheap() -> None:
    code = "import sys, nsr.backends.prolog; print('pyswip' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------------------------ answers
def test_answers_are_typed_python_values(engine) -> None:
    [sol] = engine.query("X = f(a, \"s\", 1, 2.5, [b], Y, _), Z = 'I_WALK'")
    assert sol["X"] == Compound("f", ("a", PlString("s"), 1, 2.5, ["b"], Var("Y"), Var("_G1")))
    assert type(sol["X"].args[1]) is PlString and type(sol["X"].args[0]) is str
    assert sol["Y"] == Var("Y") and sol["Z"] == "I_WALK"


def test_all_solutions_and_max_solutions(engine) -> None:
    assert engine.query("member(X, [c, b, a])") == [{"X": "c"}, {"X": "b"}, {"X": "a"}]
    assert engine.query("between(1, inf, X)", max_solutions=2) == [{"X": 1}, {"X": 2}]
    assert engine.query("repeat", max_solutions=0) == []
    assert engine.query("fail") == []
    assert engine.query("true") == [{}]


def test_shared_variables_and_hidden_underscore_names(engine) -> None:
    assert engine.query("X = Y, _Hidden = 1") == [{"X": Var("X"), "Y": Var("X")}]


def test_goal_text_forms(engine) -> None:
    for text in ("X = 1", "X = 1.", "  X = 1 .  ", "X = 1 % comment", "X = 1. % comment"):
        assert engine.query(text) == [{"X": 1}], text


def test_term_goals_and_helpers(engine) -> None:
    assert engine.query(goal("atom_length", "it's", Var("N"))) == [{"N": 4}]
    assert engine.query(Compound("atom", ("x",))) == [{}]
    assert engine.once("member(X, [p, q])") == {"X": "p"}
    assert engine.once("fail") is None
    assert engine.has_solution("member(q, [p, q])")
    assert not engine.has_solution("member(r, [p, q])")


# ------------------------------------------------------------------------------------- errors
def test_undefined_predicate(engine, module) -> None:
    engine.consult_text("p(1).", module)
    with pytest.raises(PrologExistenceError, match=r"nope/2") as info:
        engine.query("nope(1, 2)", module=module)
    assert info.value.predicate == "nope/2"
    assert isinstance(info.value, EngineError)


def test_type_and_instantiation_errors_are_readable(engine) -> None:
    with pytest.raises(PrologError, match="not sufficiently instantiated") as info:
        engine.query("atom_length(X, Y)")
    assert "\n" not in str(info.value)
    with pytest.raises(PrologError, match="Type error") as info:
        engine.query("atom_length(f(x), N)")
    assert "type_error" in info.value.term
    with pytest.raises(PrologError, match="uncaught exception: my_ball"):
        engine.query("throw(my_ball)")


def test_goal_syntax_error_has_position(engine) -> None:
    with pytest.raises(PrologSyntaxError) as info:
        engine.query("X = f(1,\n  2 ) )")
    err = info.value
    assert (err.source, err.line) == ("<goal>", 2) and err.column > 1
    assert str(err).startswith("<goal>:2:")
    assert isinstance(err, DataError)


def test_error_midway_through_solutions_leaves_engine_usable(engine) -> None:
    with pytest.raises(PrologError, match="Type error"):
        engine.query("member(X, [1, f(a)]), atom_length(X, _)")
    assert engine.query("X = ok") == [{"X": "ok"}]


def test_bad_arguments_are_config_errors(engine) -> None:
    with pytest.raises(ConfigError):
        engine.query("true", time_limit=-1)
    with pytest.raises(ConfigError):
        engine.query("true", inference_limit=0)
    with pytest.raises(ConfigError):
        engine.query("true", max_solutions=-1)
    with pytest.raises(ConfigError, match="reserved"):
        engine.consult_text("p.", "system")
    with pytest.raises(ConfigError):
        engine.consult_text("p.", "")


def test_missing_pyswip_names_the_install_command(monkeypatch) -> None:
    from nsr.backends.prolog import _swipl

    monkeypatch.setitem(sys.modules, "pyswip.core", None)  # makes the import fail
    with pytest.raises(
        PrologNotInstalled,
        match="apt-get install -y --no-install-recommends swi-prolog-core swi-prolog-core-packages",
    ) as info:
        _swipl.Lib.load()
    assert isinstance(info.value, MissingDependency)


# ------------------------------------------------------------------------------------- limits
def test_tight_loop_hits_time_limit_and_engine_recovers(engine, module) -> None:
    engine.consult_text(LOOPS, module)
    start = time.monotonic()
    with pytest.raises(PrologTimeLimit, match="0.3 s"):
        engine.query("loop", module=module, time_limit=0.3)
    assert time.monotonic() - start < 0.3 + SLACK
    assert engine.query("count(10)", module=module) == [{}]


def test_growing_loop_hits_time_limit(engine, module) -> None:
    engine.consult_text(LOOPS, module)
    start = time.monotonic()
    with pytest.raises(PrologTimeLimit):
        engine.query("grow(0)", module=module, time_limit=0.4)
    assert time.monotonic() - start < 0.4 + SLACK
    assert engine.query("X is 6 * 7") == [{"X": 42}]


@pytest.mark.parametrize("bomb", ["bomb([])", "deep(0)"])
def test_stack_bomb_is_a_resource_error(engine, module, bomb) -> None:
    engine.consult_text(LOOPS, module)
    with pytest.raises(PrologResourceError, match="stack limit"):
        engine.query(bomb, module=module, stack_limit=32 * 1024 * 1024, time_limit=30)
    # The per-call limit is restored, and the process carries on.
    [sol] = engine.query("current_prolog_flag(stack_limit, L)")
    assert sol["L"] == DEFAULT_STACK_LIMIT
    assert engine.query("numlist(1, 100000, L), length(L, N)")[0]["N"] == 100000


def test_inference_limit(engine, module) -> None:
    engine.consult_text(LOOPS, module)
    with pytest.raises(PrologInferenceLimit, match="10,000"):
        engine.query("count(10000000)", module=module, inference_limit=10_000)
    assert engine.query("count(100)", module=module, inference_limit=10_000) == [{}]


# ------------------------------------------------------------------------------------ loading
def test_consult_text_syntax_error_reports_line_and_loads_nothing(engine, module) -> None:
    program = "p(1).\np(2).\nq(X) :- X = = 3.\nr(a).\n"
    with pytest.raises(PrologSyntaxError) as info:
        engine.consult_text(program, module, name="prog.pl")
    err = info.value
    assert (err.source, err.line) == ("prog.pl", 3) and err.column > 1
    assert str(err).startswith(f"prog.pl:3:{err.column}: syntax error: ")
    with pytest.raises(PrologExistenceError):  # all or nothing: p/1 was not kept
        engine.query("p(X)", module=module)


def test_consult_file_syntax_error_reports_file_and_line(engine, module, tmp_path: Path) -> None:
    path = tmp_path / "bad.pl"
    path.write_text("ok(1).\n\nbad(X :- true.\n", encoding="utf-8")
    with pytest.raises(PrologSyntaxError) as info:
        engine.consult_file(path, module)
    assert info.value.line == 3
    assert str(info.value).startswith(f"{path}:3:")


def test_consult_file_loads_into_module(engine, module, tmp_path: Path) -> None:
    path = tmp_path / "fam.pl"
    path.write_text("parent(tom, bob).\nparent(bob, ann).\n", encoding="utf-8")
    engine.consult_file(path, module)
    assert engine.query("parent(bob, X)", module=module) == [{"X": "ann"}]
    with pytest.raises(ResourceNotFound):
        engine.consult_file(tmp_path / "missing.pl", module)


def test_directive_errors_are_raised_not_printed(engine, module, capfd) -> None:
    with pytest.raises(PrologError, match=r"prog.pl:2: .*undefined_directive") as info:
        engine.consult_text("p(1).\n:- undefined_directive.\n", module, name="prog.pl")
    assert "more error" not in str(info.value)
    with pytest.raises(PrologError, match="Goal \\(directive\\) failed"):
        engine.consult_text(":- fail.\n", module)
    engine.consult_text("p(X) :- q(Y).\nq(1).\n", module)  # singleton warnings: quiet
    assert capfd.readouterr().err == ""


def test_consult_text_replaces_the_module(engine, module) -> None:
    engine.consult_text("p(1).\np(2).\nold.\n:- dynamic d/1.\n", module)
    engine.query("assertz(d(1))", module=module)
    engine.consult_text("p(3).\n", module, name="second")
    assert engine.query("p(X)", module=module) == [{"X": 3}]
    for gone in ("old", "d(_)"):
        with pytest.raises(PrologExistenceError):
            engine.query(gone, module=module)


def test_modules_are_isolated(engine) -> None:
    engine.consult_text("who(alpha).\n", "iso_a")
    engine.consult_text("who(beta).\n", "iso_b")
    try:
        assert engine.query("who(X)", module="iso_a") == [{"X": "alpha"}]
        assert engine.query("who(X)", module="iso_b") == [{"X": "beta"}]
        engine.consult_text("who(gamma).\n", "iso_a")
        assert engine.query("who(X)", module="iso_b") == [{"X": "beta"}]
    finally:
        engine.wipe_module("iso_a")
        engine.wipe_module("iso_b")


def test_wipe_module(engine, module) -> None:
    engine.consult_text("p(1).\n", module)
    engine.wipe_module(module)
    with pytest.raises(PrologExistenceError):
        engine.query("p(_)", module=module)
    assert engine.query("member(X, [1])", module=module) == [{"X": 1}]  # imports still work


def test_dcg_and_operators_load(engine, module) -> None:
    engine.consult_text(
        ":- op(700, xfx, ===>).\nrule(a ===> b).\ngreeting --> [hello], name.\nname --> [bob].\n",
        module,
    )
    assert engine.query("rule(X ===> Y)", module=module) == [{"X": "a", "Y": "b"}]
    assert engine.has_solution("phrase(greeting, [hello, bob])", module=module)


# ------------------------------------------------------------------------ threads and nesting
def test_two_threads_query_concurrently(engine) -> None:
    for name in ("thr_a", "thr_b"):
        engine.consult_text(f"val({name}).\ndouble(X, Y) :- Y is 2 * X.\n", name)
    failures: list[str] = []

    def work(name: str) -> None:
        try:
            for i in range(200):
                if engine.query(f"val(V), double({i}, D)", module=name) != [
                    {"V": name, "D": 2 * i}
                ]:
                    failures.append(f"{name}: wrong answer at {i}")
            with pytest.raises(PrologTimeLimit):
                engine.query("repeat, fail", time_limit=0.2)
        except Exception as exc:  # reported below: a thread cannot fail the test itself
            failures.append(f"{name}: {exc!r}")

    threads = [threading.Thread(target=work, args=(n,)) for n in ("thr_a", "thr_b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures
    assert not any(t.is_alive() for t in threads)
    for name in ("thr_a", "thr_b"):
        engine.wipe_module(name)


def test_open_pyswip_query_does_not_block_the_engine(engine) -> None:
    from pyswip import Prolog

    pending = Prolog.query("member(X, [1, 2, 3])")
    assert next(pending) == {"X": 1}  # a query left open, pyswip's NestedQueryError trap
    try:
        assert engine.query("Y = 2") == [{"Y": 2}]
        assert next(pending) == {"X": 2}
    finally:
        pending.close()
    assert engine.query("Z = 3") == [{"Z": 3}]


def test_unbounded_generators_are_closed(engine) -> None:
    for _ in range(3):
        assert engine.query("repeat", max_solutions=1) == [{}]
        with pytest.raises(PrologTimeLimit):
            engine.query("repeat, fail", time_limit=0.1)
    assert engine.query("X = done") == [{"X": "done"}]


# ------------------------------------------------------------------------- odd values and guards
def test_deep_terms_decode_without_recursion_limit(engine, module) -> None:
    engine.consult_text("peano(0, z) :- !.\npeano(N, s(P)) :- N1 is N - 1, peano(N1, P).\n", module)
    [sol] = engine.query("peano(5000, X)", module=module)
    depth, term = 0, sol["X"]
    while isinstance(term, Compound):
        depth, term = depth + 1, term.args[0]
    assert (depth, term) == (5000, "z")


def test_special_values_decode(engine) -> None:
    [sol] = engine.query('X = _{a: "s", b: [1]}, Y = 1r3, Z is inf, W = [1|T]')
    assert sol["X"] == {"a": PlString("s"), "b": [1]}
    assert sol["Y"] == Fraction(1, 3) and sol["Z"] == float("inf")
    assert sol["W"] == Compound("[|]", (1, Var("T")))


def test_cyclic_binding_is_an_error(engine) -> None:
    with pytest.raises(PrologError, match="cyclic"):
        engine.query("X = f(X)")


def test_looping_directive_hits_load_time_limit(engine, module) -> None:
    with pytest.raises(PrologTimeLimit, match="while loading"):
        engine.consult_text("p.\n:- repeat, fail.\n", module, time_limit=0.3)
    with pytest.raises(PrologExistenceError):  # nothing kept
        engine.query("p", module=module)


def test_consult_file_without_module_acts_like_consult(engine, tmp_path: Path) -> None:
    path = tmp_path / "own.pl"
    path.write_text(":- module(own_mod, [own/1]).\nown(yes).\n", encoding="utf-8")
    engine.consult_file(path)
    assert engine.query("own_mod:own(X)") == [{"X": "yes"}]
    path.write_text(":- module(own_mod, [own/1]).\nown(again).\n", encoding="utf-8")
    engine.consult_file(path)  # reloading replaces the file's clauses
    assert engine.query("own_mod:own(X)") == [{"X": "again"}]


def test_forked_child_gets_an_error_not_a_hang(engine, monkeypatch) -> None:
    monkeypatch.setattr(engine, "_pid", -1)  # what a fork() child sees: another pid
    with pytest.raises(EngineError, match="spawn"):
        engine.query("true")


@pytest.mark.parametrize("halting", ["halt", "halt(3)", "member(X, [1, 2]), X > 1, halt"])
def test_halt_cannot_end_the_process(engine, halting) -> None:
    with pytest.raises(PrologError, match="halt was called"):
        engine.query(halting)
    assert engine.query("X = alive") == [{"X": "alive"}]


def test_halt_in_a_directive_is_a_load_error(engine, module) -> None:
    with pytest.raises(PrologError, match="halt"):
        engine.consult_text("p.\n:- halt.\n", module)
    assert engine.query("X = alive") == [{"X": "alive"}]


def test_one_file_into_two_modules(engine, tmp_path: Path) -> None:
    (tmp_path / "part.pl").write_text("fact(0).\n", encoding="utf-8")
    path = tmp_path / "main.pl"
    path.write_text(":- include(part).\nfact(1).\n", encoding="utf-8")  # relative include
    try:
        engine.consult_file(path, "two_a")
        engine.consult_file(path, "two_b")
        engine.wipe_module("two_b")
        assert engine.query("fact(X)", module="two_a") == [{"X": 0}, {"X": 1}]
        with pytest.raises(PrologExistenceError):
            engine.query("fact(X)", module="two_b")
    finally:
        engine.wipe_module("two_a")


def test_reloading_a_module_discards_its_tables(engine) -> None:
    """Tabled answers must not survive a reload (they did before tables were abolished)."""
    program = (
        ":- table path/2.\nedge(a, b).\nedge(b, c).\n"
        "path(X, Y) :- edge(X, Y).\npath(X, Y) :- path(X, Z), edge(Z, Y).\n"
    )
    engine.consult_text(program, "nsr_test_tabled")
    first = {a["X"] for a in engine.query("path(a, X)", module="nsr_test_tabled")}
    assert first == {"b", "c"}
    engine.consult_text(program.replace("edge(b, c).", "edge(b, d)."), "nsr_test_tabled")
    second = {a["X"] for a in engine.query("path(a, X)", module="nsr_test_tabled")}
    assert second == {"b", "d"}
    engine.wipe_module("nsr_test_tabled")
    with pytest.raises(PrologExistenceError):
        engine.query("path(a, X)", module="nsr_test_tabled")
