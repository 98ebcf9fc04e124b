"""Fuzzing every command's inputs: malformed files and out-of-range numbers (issue 16).

Whatever a user hands a command (random bytes, a truncated file, an empty one, a file of the
wrong kind, a number outside its range) the outcome is an allowed exit status, never a
traceback; a user error is exit 2 with exactly one line on stderr; a failed command leaves no
output file, whole or half-written, behind.

Hypothesis runs derandomized (the same examples on every run, no example database): a fuzz
test that passed once passes every time, so it can never make the suite flaky.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nsr.cli import build_parser
from nsr.commands import checks
from nsr.resources import resource_path
from nsr.tasks.hint.expr import interpret as hint_value
from nsr.tasks.hint.expr import parse as hint_parse
from nsr.tasks.scan.oracle import interpret as scan_actions

from .cli_run import assert_clean_failure, assert_nothing_written, assert_user_error, run_cli

PRETRAINED = Path(__file__).resolve().parent.parent / "nsr" / "learning" / "pretrained"
SCAN_CKPT = PRETRAINED / "scan-simple.json"
HINT_CKPT = PRETRAINED / "hint-symbols.json"


def _fuzz(max_examples: int) -> Callable:
    return settings(max_examples=max_examples, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


# -- valid samples (every answer computed by the task's oracle, never typed in) -----------------

def _scan_sample() -> bytes:
    commands = ["jump twice", "walk left", "look right thrice", "run and jump"]
    return "".join(f"IN: {c} OUT: {' '.join(scan_actions(c.split()))}\n"
                   for c in commands).encode()


def _hint_sample() -> bytes:
    lines = []
    for expr in ("3 + 4", "( 2 * 3 ) - 1", "9 / 3"):
        parsed = hint_parse(expr.split())
        lines.append(json.dumps({"expr": expr, "head": list(parsed.head),
                                 "res": hint_value(expr.split())}))
    return ("\n".join(lines) + "\n").encode()


def _records_sample() -> bytes:
    lines = resource_path("prototypes", "examples", "kinship.jsonl").read_bytes().splitlines()
    return b"\n".join(lines[:2]) + b"\n"


def _pddl(name: str) -> bytes:
    return resource_path("prototypes", "pddl", "blocksworld", name).read_bytes()


PROLOG_SAMPLE = b"parent(tom, bob).\nparent(bob, ann).\ngp(X, Z) :- parent(X, Y), parent(Y, Z).\n"
PLAN_SAMPLE = b"(unstack b a)\n(put-down b)\n"


# -- malformed contents --------------------------------------------------------------------------

@dataclass(frozen=True)
class Content:
    data: bytes
    kind: str
    #: True when no reading of the file can succeed: the command must exit 2.
    must_fail: bool


def malformed(valid: bytes, other: bytes, *, truncation_fails: bool = False,
              random_allowed: bool = True) -> st.SearchStrategy[Content]:
    """Contents that break ``valid``: empty, blank, a stray non-UTF-8 byte, a file of another
    kind (``other``), a truncation, random bytes."""
    def with_bad_byte(args: tuple[int, int]) -> Content:
        cut, byte = args
        k = cut % (len(valid) + 1)
        return Content(valid[:k] + bytes([byte]) + valid[k:], "non-utf8", True)

    strategies = [
        st.just(Content(b"", "empty", True)),
        st.sampled_from([b"\n", b"  \n\n\t\n"]).map(lambda b: Content(b, "blank", True)),
        st.tuples(st.integers(0, 10_000), st.sampled_from([0xFF, 0xFE, 0xC3, 0x80, 0xED]))
        .map(with_bad_byte),
        st.just(Content(other, "wrong-format", True)),
        st.integers(0, len(valid.rstrip()) - 1).map(
            lambda k: Content(valid.rstrip()[:k], "truncated", truncation_fails)),
    ]
    if random_allowed:
        strategies.append(st.binary(min_size=1, max_size=300)
                          .map(lambda b: Content(b, "random", False)))
    return st.one_of(strategies)


@dataclass(frozen=True)
class FileCommand:
    """A command reading one fuzzed file ``{f}``; ``{out}`` (if any) is its output."""

    name: str
    argv: tuple[str, ...]
    valid: Callable[[], bytes]
    other: Callable[[], bytes]
    allowed: frozenset[int]
    truncation_fails: bool = False
    random_allowed: bool = True
    examples: int = 15
    marks: tuple = field(default=())


def _cmd(name, argv, valid, other, allowed, **kw) -> FileCommand:
    return FileCommand(name, tuple(argv), valid, other, frozenset(allowed), **kw)


_D = str(resource_path("prototypes", "pddl", "blocksworld", "domain.pddl"))
_P = str(resource_path("prototypes", "pddl", "blocksworld", "p01.pddl"))

COMMANDS = [
    _cmd("eval scan --test-file",
         ["eval", "scan", "--checkpoint", SCAN_CKPT, "--test-file", "{f}", "--engine", "python",
          "--json"], _scan_sample, _records_sample, {0, 2}),
    _cmd("eval hint --test-file",
         ["eval", "hint", "--checkpoint", HINT_CKPT, "--test-file", "{f}", "--engine", "python",
          "--json"], _hint_sample, _scan_sample, {0, 2}),
    # Training on a valid file would take minutes: only contents that cannot be read.
    _cmd("train scan --train-file",
         ["train", "scan", "--train-file", "{f}", "--out", "{out}", "--quiet"],
         _scan_sample, _records_sample, {2}, truncation_fails=False, random_allowed=True),
    _cmd("proto verify", ["proto", "verify", "{f}"], _records_sample, _scan_sample, {0, 1, 2},
         marks=(pytest.mark.prolog,)),
    _cmd("proto convert model --input-file",
         ["proto", "convert", "model", "--checkpoint", SCAN_CKPT, "--input-file", "{f}",
          "--out", "{out}"], _scan_sample, _records_sample, {0, 2}, examples=10,
         marks=(pytest.mark.prolog,)),
    _cmd("proto stats", ["proto", "stats", "{f}"], _records_sample, _scan_sample, {0, 2}),
    _cmd("proto export", ["proto", "export", "{f}", "--format", "jsonl", "--out", "{out}"],
         _records_sample, _hint_sample, {0, 2}),
    # A valid problem file would call the (absent) LLM endpoint: only unreadable contents.
    _cmd("proto convert llm",
         ["proto", "convert", "llm", "{f}", "--llm-url", "http://127.0.0.1:9/v1", "--model", "m",
          "--out", "{out}"], _hint_sample, _scan_sample, {2}, random_allowed=True),
    _cmd("proto convert planning (domain)",
         ["proto", "convert", "planning", "{f}", _P, "--out", "{out}"],
         lambda: _pddl("domain.pddl"), _scan_sample, {2}, truncation_fails=True,
         marks=(pytest.mark.pddl,)),
    _cmd("plan validate (domain)", ["plan", "validate", "{f}", _P, "{plan}"],
         lambda: _pddl("domain.pddl"), _records_sample, {0, 1, 2}, truncation_fails=True,
         marks=(pytest.mark.pddl,)),
    _cmd("plan validate (problem)", ["plan", "validate", _D, "{f}", "{plan}"],
         lambda: _pddl("p01.pddl"), _records_sample, {0, 1, 2}, truncation_fails=True,
         marks=(pytest.mark.pddl,)),
    _cmd("plan validate (plan)", ["plan", "validate", _D, _P, "{f}"],
         lambda: PLAN_SAMPLE, _records_sample, {0, 1, 2}, marks=(pytest.mark.pddl,)),
    _cmd("plan solve (domain)", ["plan", "solve", "{f}", _P, "--out", "{out}"],
         lambda: _pddl("domain.pddl"), _scan_sample, {2}, truncation_fails=True,
         marks=(pytest.mark.pddl,)),
    _cmd("verify plan (domain)", ["verify", "plan", "{f}", _P, "{plan}"],
         lambda: _pddl("domain.pddl"), _scan_sample, {2}, truncation_fails=True, examples=8,
         marks=(pytest.mark.prolog,)),
    # The program is the sample under test: a broken one is a negative verdict (exit 1).
    _cmd("verify prolog (sample)",
         ["verify", "prolog", "{f}", "--query", "gp(tom, X)", "--expect", "ann"],
         lambda: PROLOG_SAMPLE, _scan_sample, {0, 1}, examples=8, marks=(pytest.mark.prolog,)),
    _cmd("prolog run", ["prolog", "run", "{f}", "gp(tom, X)"],
         lambda: PROLOG_SAMPLE, _hint_sample, {0, 1, 2}, marks=(pytest.mark.prolog,)),
]


def _expected_failure(command: FileCommand, content: Content) -> bool:
    if command.name == "verify prolog (sample)":
        return False  # everything is a verdict about the sample
    if command.name == "prolog run" and content.kind in ("empty", "blank", "truncated"):
        return False  # an empty program is a program; the query then has no predicate
    if command.name == "plan validate (plan)" and content.kind in ("empty", "blank"):
        return False  # the empty plan is a plan (an invalid one here: exit 1)
    return content.must_fail or command.allowed == frozenset({2})


@pytest.mark.parametrize(
    "command", [pytest.param(c, id=c.name, marks=c.marks) for c in COMMANDS])
def test_malformed_file_is_one_clean_line(command: FileCommand) -> None:
    valid, other = command.valid(), command.other()

    @_fuzz(command.examples)
    @given(malformed(valid, other, truncation_fails=command.truncation_fails,
                     random_allowed=command.random_allowed))
    def check(content: Content) -> None:
        if command.name.startswith("train") and b"IN:" in content.data:
            return  # could be a real training set: minutes of work, not a fuzz case
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "input.txt"
            f.write_bytes(content.data)
            plan = Path(tmp) / "p.plan"
            plan.write_bytes(PLAN_SAMPLE)
            out = Path(tmp) / "outdir" / "result.out"
            argv = [a.format(f=f, out=out, plan=plan) if isinstance(a, str) else a
                    for a in command.argv]
            run = run_cli(argv)
            assert_clean_failure(run, set(command.allowed))
            if _expected_failure(command, content):
                assert_user_error(run)
            if run.code != 0:
                assert_nothing_written(out)

    check()


# -- typed inputs: any text, and soups of the model's own words --------------------------------

_SCAN_WORDS = ["jump", "walk", "run", "look", "turn", "left", "right", "twice", "thrice", "and",
               "after", "around", "opposite"]
_HINT_WORDS = [*"0123456789", "+", "-", "*", "/", "(", ")"]


@pytest.mark.parametrize(("argv", "words"), [
    (["solve", "scan", "--engine", "python"], _SCAN_WORDS),
    (["explain", "scan"], _SCAN_WORDS),
    (["solve", "hint", "--engine", "python"], _HINT_WORDS),
], ids=["solve scan", "explain scan", "solve hint"])
def test_typed_input_is_answered_or_refused_cleanly(argv: list[str], words: list[str]) -> None:
    @_fuzz(40)
    @given(st.one_of(st.text(max_size=40),
                     st.lists(st.sampled_from(words), max_size=9).map(" ".join)))
    def check(text: str) -> None:
        if text.startswith("-"):
            text = " " + text  # an argument, not an option
        assert_clean_failure(run_cli([*argv, text]), {0, 1, 2})

    check()


# -- checkpoints: truncated, random, and every field replaced by a wrong value ----------------

_CKPT_FIELDS = [
    ("model", "library"), ("model", "programs"), ("model", "symbol_names"), ("model", "fits"),
    ("model", "perception"), ("model", "parser"), ("model", "parser", "in_context"),
    ("model", "parser", "config"), ("model", "parser", "weights"), ("model", "open_class"),
    ("model", "live_trees"), ("progress",), ("progress", "next_stage"), ("seed",), ("config",),
    ("metrics",), ("model",), ("format",),
]
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=6,
)


def _tensor_paths(obj, prefix=()) -> list[tuple]:
    if isinstance(obj, dict):
        if "__tensor__" in obj:
            return [prefix]
        return [p for k, v in obj.items() for p in _tensor_paths(v, (*prefix, k))]
    return []


@st.composite
def corrupt_checkpoints(draw, state: dict) -> bytes:
    how = draw(st.sampled_from(["field", "tensor", "truncated", "random"]))
    text = json.dumps(state)
    if how == "truncated":
        return text[: draw(st.integers(0, len(text) - 1))].encode()
    if how == "random":
        return draw(st.binary(max_size=200))
    data = json.loads(text)
    if how == "field":
        path, value = draw(st.sampled_from(_CKPT_FIELDS)), draw(_JSON_VALUES)
    else:
        tensor = draw(st.sampled_from(_tensor_paths(data["model"], ("model",))))
        key = draw(st.sampled_from(["dtype", "shape", "__tensor__"]))
        path = (*tensor, key)
        value = draw(st.sampled_from(["garbage", "float64", "int8", [3, 3], [10**6], "AAAA",
                                      None, -1]))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize("argv", [["programs", "scan"],
                                  ["solve", "scan", "--engine", "python", "jump twice"]],
                         ids=["programs", "solve"])
def test_corrupt_checkpoint_is_one_clean_line(argv: list[str]) -> None:
    state = json.loads(SCAN_CKPT.read_text(encoding="utf-8"))

    @_fuzz(40)
    @given(corrupt_checkpoints(state))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "checkpoint.json"
            path.write_bytes(data)
            run = run_cli([*argv[:2], "--checkpoint", path, *argv[2:]])
            assert_clean_failure(run, {0, 1, 2})

    check()


# -- numbers: every bounded option of every command, out of range --------------------------------

def _all_options() -> list[tuple[tuple[str, ...], argparse.Action, argparse.ArgumentParser]]:
    """(command path, argument, its parser) for every argument of every command."""
    found = []

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, (*path, name))
            else:
                found.append((path, action, parser))

    walk(build_parser(), ())
    return found


def _minimal_argv(parser: argparse.ArgumentParser, skip: argparse.Action, dummy: str
                  ) -> list[str]:
    """Values for the parser's required arguments, so that only the option under test is bad
    (``dummy``, a path in a scratch folder, for the rest: should a bad value ever be accepted,
    nothing is written outside that folder)."""
    argv: list[str] = []
    for action in parser._actions:
        if action is skip or isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:
            value = str(action.choices and sorted(action.choices)[0] or dummy)
            argv.append(value)
        elif action.required:
            bounds = getattr(action.type, "bounds", None)
            value = str(bounds[1]) if bounds else str(
                action.choices and sorted(action.choices)[0] or dummy)
            argv += [action.option_strings[0], value]
    return argv


#: Every option typed by one of the bounded checkers of nsr.commands.checks.
NUMERIC = [option for option in _all_options() if hasattr(option[1].type, "bounds")]


def test_every_number_option_is_bounded() -> None:
    """No command takes a bare int/float: each goes through one of the bounded checkers."""
    bare = [f"nsr {' '.join(path)} {action.option_strings}"
            for path, action, _ in _all_options() if action.type in (int, float)]
    assert not bare, bare
    assert len(NUMERIC) >= 30  # the walk found the options (serve, proto, data, train, ...)


@st.composite
def out_of_range(draw, checker: Callable) -> str:
    """A value outside ``checker.bounds`` (or not a number at all)."""
    low, high = checker.bounds
    kind = checker.__name__
    choices = [
        st.sampled_from(["nan", "inf", "-inf", "", "abc", "1e400", "0x10", "1_0x"]),
        st.integers(min_value=-10**30, max_value=math.ceil(low) - 1).map(str),
        st.integers(min_value=math.floor(high) + 1, max_value=10**30).map(str),
        st.floats(min_value=high, exclude_min=True, allow_infinity=False).map(repr),
    ]
    if kind == "seconds":  # the lower bound is exclusive: no limit of 0 seconds
        choices.append(st.sampled_from(["0", "0.0", "-0", "-1e-9"]))
    if kind == "integer":
        choices.append(st.floats(0.1, 1e6).filter(lambda x: not x.is_integer()).map(repr))
    return draw(st.one_of(choices))


@_fuzz(300)
@given(st.data())
def test_out_of_range_number_is_rejected_before_any_work(data) -> None:
    path, action, parser = data.draw(st.sampled_from(NUMERIC))
    bad = data.draw(out_of_range(action.type))
    option = action.option_strings[0]
    with tempfile.TemporaryDirectory() as tmp:
        argv = [*path, *_minimal_argv(parser, action, str(Path(tmp) / "x")), f"{option}={bad}"]
        run = run_cli(argv)
        assert_user_error(run, f"argument {option}")
        assert run.out == "" and not any(Path(tmp).iterdir())


def test_number_checker_accepts_its_own_bounds() -> None:
    assert checks.integer(1, 5)("5") == 5 and checks.integer(1, 5)("1") == 1
    assert checks.seconds()("86400") == checks.MAX_SECONDS
    for bad in ("0", "-1", "nan", "inf", "86401", "1e7"):
        with pytest.raises(argparse.ArgumentTypeError):
            checks.seconds()(bad)
