"""``nsr train | eval | solve | explain | programs`` on a smoke-trained checkpoint."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

pytest.importorskip("torch")

from nsr.cli import main  # noqa: E402
from nsr.tasks import exact_match  # noqa: E402
from nsr.tasks.scan.oracle import interpret  # noqa: E402


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.prolog
def test_solve_prints_the_actions(trained, capsys) -> None:
    _, ckpt = trained
    command = "walk opposite left twice and look right"
    status, out, _ = _run(capsys, "solve", "scan", "--checkpoint", str(ckpt), command)
    assert status == 0
    assert tuple(out.split()) == interpret(command.split())


def test_unknown_word_is_one_line_naming_it(trained, capsys) -> None:
    _, ckpt = trained
    status, out, err = _run(capsys, "solve", "scan", "--checkpoint", str(ckpt), "--engine", "python",
                            "walk sideways")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "'sideways'" in err


def test_eval_json_on_a_test_file(trained, tiny_data, tmp_path, capsys) -> None:
    _, ckpt = trained
    path = tmp_path / "test.txt"
    path.write_text("".join(f"IN: {' '.join(e.source)} OUT: {' '.join(e.target)}\n" for e in tiny_data[1]))
    status, out, _ = _run(capsys, "eval", "scan", "--checkpoint", str(ckpt), "--test-file", str(path),
                          "--json", "--engine", "python")
    assert status == 0
    expected = exact_match(trained[0].model.predict([e.source for e in tiny_data[1]]), tiny_data[1])
    assert json.loads(out) == {**expected.as_dict(), "unknown_inputs": 0, "unknown_words": {}}
    assert expected.accuracy >= 0.9


def test_explain_shows_every_node(trained, capsys) -> None:
    _, ckpt = trained
    status, out, _ = _run(capsys, "explain", "scan", "--checkpoint", str(ckpt), "run left twice")
    assert status == 0
    lines = out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("twice") and "append(x, x)" in lines[0]
    assert "I_TURN_LEFT I_RUN I_TURN_LEFT I_RUN" in lines[0]


@pytest.mark.prolog
def test_programs_prolog_runs_in_plain_swipl(trained, tmp_path, capsys) -> None:
    _, ckpt = trained
    status, out, _ = _run(capsys, "programs", "scan", "--checkpoint", str(ckpt))
    assert status == 0 and "twice" in out and "lambda" in out
    status, out, _ = _run(capsys, "programs", "scan", "--checkpoint", str(ckpt), "--prolog")
    path = tmp_path / "scan.pl"
    path.write_text(out)
    goal = "eval_tree(node(twice, [node(left, [node(walk, [])])]), V), print(V), nl, halt"
    proc = subprocess.run(["swipl", "-q", "-g", goal, str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().replace("'", "") == "[I_TURN_LEFT,I_WALK,I_TURN_LEFT,I_WALK]"


def test_corrupt_or_missing_checkpoint_says_so(trained, tmp_path, capsys) -> None:
    _, ckpt = trained
    bad = tmp_path / "bad"
    shutil.copytree(ckpt, bad)
    text = (bad / "checkpoint.json").read_text()
    (bad / "checkpoint.json").write_text(text[: len(text) // 2])
    status, _, err = _run(capsys, "programs", "scan", "--checkpoint", str(bad))
    assert status == 2 and "corrupt" in err
    status, _, err = _run(capsys, "programs", "scan", "--checkpoint", str(tmp_path / "none"))
    assert status == 2 and "no checkpoint" in err


def test_train_command_writes_a_checkpoint(tiny_data, tmp_path, capsys) -> None:
    path = tmp_path / "train.txt"
    short = [e for e in tiny_data[0] if len(e.source) <= 3]
    path.write_text("".join(f"IN: {' '.join(e.source)} OUT: {' '.join(e.target)}\n" for e in short))
    out = tmp_path / "run"
    status, stdout, _ = _run(capsys, "train", "scan", "--train-file", str(path), "--out", str(out), "--quiet")
    assert status == 0 and "train accuracy 100.00%" in stdout
    assert (out / "checkpoint.json").is_file() and (out / "learning_curve.png").is_file()
