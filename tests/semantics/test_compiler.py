"""The Prolog compiler: static errors, and the compiled text in a plain ``swipl`` process."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from nsr.backends.prolog import to_text as term_text
from nsr.semantics import (
    PRIMITIVES,
    EvaluationError,
    ProgramError,
    compile_symbols,
    evaluate,
    library_paths,
    parse_program,
)
from nsr.semantics.primitives import CONNECTIVES, LIBRARIES, Type, by_result, primitives

from .gss_corpus import CORPUS

PROGRAMS = {name: parse_program(text) for name, (text, _) in CORPUS.items()}


def test_compile_emits_one_sym_clause_per_program() -> None:
    text = compile_symbols(PROGRAMS)
    for name in PROGRAMS:
        assert f"sym({term_text(name)}, [" in text
    assert "eval_tree(node(Symbol, Children), Value)" in text
    assert "sym('+', [" in text and "sym('(', [" in text  # quoted symbols


@pytest.mark.parametrize(
    ("programs", "message"),
    [
        ({"a": "lambda x: @b(x)"}, "program of symbol 'a': call of unknown symbol @'b'"),
        ({"a": "lambda x: @b(x)", "b": "lambda: 1"}, "symbol @'b' takes 0 argument"),
        ({"a": "lambda x: frob(x)"}, "unknown primitive or function 'frob'"),
        ({"a": "lambda x: cons(x)"}, "primitive 'cons' takes 2 argument"),
        ({"a": "lambda x: if x then x else x"}, "a condition must be"),
    ],
)
def test_compile_errors_name_the_symbol(programs: dict[str, str], message: str) -> None:
    parsed = {k: parse_program(v) for k, v in programs.items()}
    with pytest.raises(ProgramError, match=message.replace("(", r"\(")):
        compile_symbols(parsed)


def test_registry_is_typed_and_complete() -> None:
    assert {p.library for p in PRIMITIVES.values()} == set(LIBRARIES)
    assert {
        "empty",
        "cons",
        "car",
        "cdr",
        "singleton",
        "append",
        "reverse",
        "last",
        "init",
        "length",
    } <= {p.name for p in primitives(["lists"])}
    numbers = {p.name for p in primitives(["numbers"])}
    assert {"zero", "inc", "dec", "is_zero", "eq", "lt"} <= numbers
    assert not {"+", "-", "*", "/", "plus", "minus"} & set(PRIMITIVES)
    assert all(p.result is Type.BOOL for p in by_result(Type.BOOL))
    assert "car" in {p.name for p in by_result(Type.ATOM)}  # car returns any element
    assert "inc" not in {p.name for p in by_result(Type.LIST)}
    with pytest.raises(ProgramError, match="unknown primitive libraries"):
        primitives(["strings"])


def test_library_files_ship_in_the_package() -> None:
    paths = library_paths()
    assert [p.name for p in paths] == ["core.pl", "lists.pl", "numbers.pl"]
    assert all(p.parent.name == "library" and p.parent.parent.name == "semantics" for p in paths)


def _swipl(files: list[Path], goal: str) -> subprocess.CompletedProcess[str]:
    args = ["swipl", "-q", "-g", goal, "-t", "halt", *map(str, files)]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.prolog
@pytest.mark.skipif(shutil.which("swipl") is None, reason="swipl is not installed")
def test_compiled_text_runs_in_plain_swipl(tmp_path: Path) -> None:
    compiled = tmp_path / "programs.pl"
    compiled.write_text(compile_symbols(PROGRAMS), encoding="utf-8")
    rng = random.Random(7)
    checks, expected_failures = [], 0
    for symbol, (_, kinds) in CORPUS.items():
        for _ in range(4):
            args = tuple(
                tuple(rng.choice(["a", "I_WALK", "it's"]) for _ in range(rng.randrange(4)))
                if k == "L"
                else rng.randrange(8 if k == "N" else 4)
                if k in "Nn"
                else rng.choice(["a", "+"])
                for k in kinds
            )
            try:
                value = evaluate(PROGRAMS[symbol], args, PROGRAMS)
            except EvaluationError:
                checks.append(f"\\+ sym({term_text(symbol)}, {term_text(args)}, _)")
                expected_failures += 1
                continue
            checks.append(
                f"sym({term_text(symbol)}, {term_text(args)}, V), V == {term_text(value)}"
            )
    # each check in its own \+ \+ so that V is fresh every time
    goal_lines = [
        f'( \\+ \\+ ( {c} ) -> true ; format("FAIL ~w~n", [{i}]) )' for i, c in enumerate(checks)
    ]
    primitive_checks = [
        f"( current_predicate({p.prolog}/{p.arity + (0 if p.is_predicate else 1)}) -> true"
        f' ; format("MISSING ~w~n", [{p.name}]) )'
        for p in PRIMITIVES.values()
        if p.name not in CONNECTIVES
    ]
    tree = "node('+', [node('3', []), node('*', [node('7', []), node('3', [])])])"
    goal = ", ".join(
        [
            *goal_lines,
            *primitive_checks,
            f'eval_tree({tree}, T), format("TREE ~w~n", [T])',
            "writeln(done)",
        ]
    )
    result = _swipl([*library_paths(), compiled], goal)
    assert result.returncode == 0, result.stderr
    assert "FAIL" not in result.stdout and "MISSING" not in result.stdout, result.stdout
    assert "TREE 24" in result.stdout
    assert result.stdout.strip().endswith("done")
    assert "Warning" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    assert len(checks) == 4 * len(CORPUS) and expected_failures < len(checks)


@pytest.mark.prolog
@pytest.mark.skipif(shutil.which("swipl") is None, reason="swipl is not installed")
def test_plain_swipl_runs_backwards(tmp_path: Path) -> None:
    compiled = tmp_path / "programs.pl"
    compiled.write_text(compile_symbols(PROGRAMS), encoding="utf-8")
    goal = "findall(X-Y, sym(after, [X, Y], [a, b]), L), print(L), nl"
    result = _swipl([*library_paths(), compiled], goal)
    assert result.returncode == 0, result.stderr
    shown = result.stdout.strip()
    out = ("a", "b")
    for i in range(len(out) + 1):  # after(x, y) = y ++ x: y a prefix, x the rest
        x, y = out[i:], out[:i]
        assert f"{term_text(list(x))}-{term_text(list(y))}" in shown
    assert shown.count("-") == len(out) + 1
