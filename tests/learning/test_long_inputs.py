"""No depth limit: a 5,000-word SCAN command and 300-operator HINT expressions are answered by
the shipped checkpoints in both engines, equal to the task oracles; a resource limit is one line.

Expected answers come from the oracles (tests may use them; the model never does). SCAN's
grammar has one conjunction at most, so a long command is many SCAN phrases joined by "and",
whose meaning is the concatenation of the phrases' meanings: each phrase goes to the oracle.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

from nsr.cli import main  # noqa: E402
from nsr.learning.loop import load_model  # noqa: E402
from nsr.model.prolog_export import predict_prolog  # noqa: E402
from nsr.tasks.hint import expr as hint  # noqa: E402
from nsr.tasks.scan.oracle import interpret as scan_oracle  # noqa: E402

PRETRAINED = Path(__file__).resolve().parents[2] / "nsr" / "learning" / "pretrained"
VERBS = ("walk", "look", "run", "jump")
MODIFIERS = ((), ("left",), ("right",), ("opposite", "left"), ("opposite", "right"),
             ("around", "left"), ("around", "right"))
REPEATS = ((), ("twice",), ("thrice",))


def long_command(seed: int, words: int = 5_000) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A command of at least ``words`` words and its actions: three seeded SCAN phrases, joined
    by "and" and repeated (the shipped parser, trained on at most one conjunction, still orders
    some mixes of unrelated phrases wrongly, a question of its generalization, not of depth)."""
    rng = random.Random(seed)
    pattern = [(rng.choice(VERBS), *rng.choice(MODIFIERS), *rng.choice(REPEATS))
               for _ in range(3)]
    command: list[str] = []
    actions: list[str] = []
    while len(command) < words:
        for phrase in pattern:
            command += [*(["and"] if command else []), *phrase]
            actions += scan_oracle(phrase)
    return tuple(command), tuple(actions)


def long_expression(seed: int, operators: int = 300, largest: int = 2_000) -> tuple[str, ...]:
    """An infix HINT expression with ``operators`` operators: grown by wrapping the expression
    so far as the left operand (a long chain) or the right one (nested brackets), with small
    ``*`` / ``/`` terms; redrawn until every intermediate value is at most ``largest``."""
    rng = random.Random(seed)
    while True:
        tree: hint.Tree = rng.choice(hint.DIGITS)
        count = 0
        while count < operators:
            term: hint.Tree = rng.choice(hint.DIGITS)
            if count + 2 <= operators and rng.random() < 0.2:
                term = (rng.choice("*/"), term, rng.choice(hint.DIGITS[1:]))
                count += 1
            op = rng.choice("+-")
            tree = (op, tree, term) if rng.random() < 0.5 else (op, term, tree)
            count += 1
        value, peak = hint.tree_values(tree)
        if peak <= largest:
            return tuple(hint.to_infix(tree))


def _depth(heads: tuple[int, ...]) -> int:
    depth, known = 0, {}
    for i in range(len(heads)):
        path, j = [], i
        while j != -1 and j not in known:
            path.append(j)
            j = heads[j]
        d = known.get(j, -1)
        for p in reversed(path):
            d += 1
            known[p] = d
        depth = max(depth, known[i])
    return depth


def _shipped(name: str):
    path = PRETRAINED / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"shipped checkpoint {path} is missing")
    return load_model(path)[0]


@pytest.fixture(scope="module")
def scan_model():
    return _shipped("scan-simple")


@pytest.fixture(scope="module")
def hint_model():
    return _shipped("hint-symbols")


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    yield


def test_generated_inputs_are_long_and_deep() -> None:
    command, actions = long_command(0)
    assert len(command) >= 5_000 and len(actions) > len(command)
    tokens = long_expression(0)
    parsed = hint.parse(tokens)
    assert sum(t in hint.OPERATORS for t in tokens) == 300
    assert _depth(parsed.head) > 100  # nested well past any small limit
    assert hint.interpret(tokens) == hint.tree_values(parsed.tree)[0]


@pytest.mark.prolog
def test_a_5000_word_scan_command_in_both_engines(scan_model) -> None:
    command, actions = long_command(0)
    (parse,) = scan_model.run([command])
    assert parse.tree is not None and _depth(parse.tree.heads) > sys.getrecursionlimit()
    assert parse.output == actions  # the Python engine
    assert predict_prolog(scan_model, [parse]) == [actions]  # SWI-Prolog


@pytest.mark.prolog
def test_300_operator_hint_expressions_in_both_engines(hint_model) -> None:
    expressions = [long_expression(seed) for seed in range(3)]
    parses = hint_model.run(expressions)
    expected = [hint.interpret(tokens) for tokens in expressions]
    assert [p.output for p in parses] == expected
    assert predict_prolog(hint_model, parses) == expected


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.prolog
@pytest.mark.parametrize("engine", ["python", "prolog"])
def test_a_resource_limit_is_one_line_not_no_answer(engine: str, capsys) -> None:
    # 9^6 by the learned * (repeated +, itself repeated inc) needs far more steps than one
    # program application may take: the user is told a limit was hit, exit 2.
    status, out, err = _cli(capsys, "solve", "hint", "--engine", engine, "9 * 9 * 9 * 9 * 9 * 9")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "resource limit hit" in err
    assert "do not apply" not in err


@pytest.mark.prolog
@pytest.mark.parametrize("engine", ["python", "prolog"])
def test_eval_on_files_of_long_inputs(engine: str, tmp_path: Path, capsys) -> None:
    scan_file = tmp_path / "long.txt"
    scan_file.write_text("".join(
        f"IN: {' '.join(c)} OUT: {' '.join(a)}\n"
        for c, a in (long_command(seed, 1_500) for seed in (1, 2))), encoding="utf-8")
    hint_file = tmp_path / "long.jsonl"
    records = []
    for seed in (3, 4):
        tokens = long_expression(seed)
        parsed = hint.parse(tokens)
        records.append({"expr": " ".join(tokens), "head": list(parsed.head),
                        "res": hint.interpret(tokens)})
    hint_file.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    for task, path, ckpt in (("scan", scan_file, "scan-simple"), ("hint", hint_file, "hint-symbols")):
        status, out, err = _cli(capsys, "eval", task, "--checkpoint", str(PRETRAINED / f"{ckpt}.json"),
                                "--test-file", str(path), "--engine", engine, "--json")
        assert status == 0, err
        score = json.loads(out)
        assert score["n"] == 2 and score["correct"] == 2, (task, score)


@pytest.mark.prolog
def test_solve_and_explain_a_long_command_from_the_cli(capsys) -> None:
    command, actions = long_command(5, 2_000)
    status, out, err = _cli(capsys, "solve", "scan", " ".join(command))
    assert status == 0, err
    assert tuple(out.split()) == actions
    status, out, err = _cli(capsys, "explain", "scan", " ".join(command))
    assert status == 0, err
    lines = out.splitlines()
    assert len(lines) == len(command)  # one line per word
    assert lines[0].startswith("and  [symbol and]")
    assert lines[0].endswith(f"({len(actions)} items)    program: lambda x, y: append(x, y)")
    assert "[depth 41] " in out  # deep levels are numbered, not indented ever further
