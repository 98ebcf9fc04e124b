"""The command line on users' own files: the generic task end to end, batch answers, JSON
output, unknown words counted at evaluation, native files on shipped checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from nsr.cli import main  # noqa: E402

PRETRAINED = Path(__file__).resolve().parents[2] / "nsr" / "learning" / "pretrained"
TRAIN = [("jump", "JUMP"), ("walk", "WALK"), ("run", "RUN"), ("look", "LOOK"),
         ("jump twice", "JUMP JUMP"), ("walk twice", "WALK WALK"), ("look twice", "LOOK LOOK"),
         ("run thrice", "RUN RUN RUN"), ("walk thrice", "WALK WALK WALK"),
         ("look thrice", "LOOK LOOK LOOK")]


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture(scope="module")
def actions(tmp_path_factory) -> Path:
    """A checkpoint of the generic task trained on a TSV file (no task named)."""
    root = tmp_path_factory.mktemp("actions")
    (root / "train.tsv").write_text("".join(f"{a}\t{b}\n" for a, b in TRAIN))
    assert main(["train", "--train-file", str(root / "train.tsv"), "--out", str(root / "ckpt"),
                 "--quiet"]) == 0
    return root / "ckpt"


def test_train_json_reports_the_test_file(tmp_path: Path, capsys) -> None:
    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps({"input": a, "output": b}) + "\n" for a, b in TRAIN))
    test = tmp_path / "test.jsonl"
    test.write_text(json.dumps({"input": "jump thrice", "output": "JUMP JUMP JUMP"}) + "\n"
                    + json.dumps({"input": "hop twice", "output": "HOP HOP"}) + "\n")
    status, out, _ = _run(capsys, "train", "data", "--train-file", str(train), "--test-file",
                          str(test), "--out", str(tmp_path / "ckpt"), "--json")
    assert status == 0
    summary = json.loads(out)
    assert summary["task"] == "data" and summary["library"] == "lists"
    assert summary["train_accuracy"] == 1.0
    assert summary["test"]["n"] == 2 and summary["test"]["correct"] == 1
    assert summary["test"]["unknown_words"] == {"hop": 1}


def test_eval_counts_and_names_unknown_words(actions: Path, tmp_path: Path, capsys) -> None:
    test = tmp_path / "test.tsv"
    test.write_text("jump thrice\tJUMP JUMP JUMP\nrun twice\tRUN RUN\nskip twice\tSKIP SKIP\n"
                    "skip thrice\tSKIP SKIP SKIP\nwalk sideways\tWALK\n")
    status, out, _ = _run(capsys, "eval", "--checkpoint", str(actions), "--test-file", str(test),
                          "--json", "--engine", "python")
    assert status == 0
    assert json.loads(out) == {"accuracy": 0.4, "n": 5, "correct": 2, "unknown_inputs": 3,
                               "unknown_words": {"skip": 2, "sideways": 1}}
    status, out, _ = _run(capsys, "eval", "--checkpoint", str(actions), "--test-file", str(test),
                          "--engine", "python")
    assert status == 0 and "'skip' (2), 'sideways' (1)" in out


def test_solve_a_file_to_stdout_or_out(actions: Path, tmp_path: Path, capsys) -> None:
    inputs = tmp_path / "in.txt"
    inputs.write_text("run thrice\n\nlook twice\n")
    status, out, _ = _run(capsys, "solve", "--checkpoint", str(actions), "--input-file",
                          str(inputs), "--engine", "python")
    assert status == 0 and out == "RUN RUN RUN\nLOOK LOOK\n"
    dest = tmp_path / "answers.txt"
    argv = ("solve", "--checkpoint", str(actions), "--input-file", str(inputs), "--out",
            str(dest), "--json", "--engine", "python")
    assert _run(capsys, *argv)[0] == 0
    records = [json.loads(line) for line in dest.read_text().splitlines()]
    assert records == [{"line": 1, "input": "run thrice", "output": "RUN RUN RUN"},
                       {"line": 3, "input": "look twice", "output": "LOOK LOOK"}]
    status, _, err = _run(capsys, *argv)  # never overwritten without being asked
    assert status == 2 and "--force" in err and err.count("\n") == 1
    assert _run(capsys, *argv, "--force")[0] == 0
    inputs.write_text("run thrice\nfly twice\n")
    status, out, err = _run(capsys, "solve", "--checkpoint", str(actions), "--input-file",
                            str(inputs), "--engine", "python")
    assert status == 1 and out == "RUN RUN RUN\n\n" and "'fly'" in err


def test_solve_explain_programs_json_from_the_checkpoint_alone(actions: Path, capsys) -> None:
    status, out, _ = _run(capsys, "solve", "--checkpoint", str(actions), "walk thrice",
                          "--json", "--engine", "python")
    assert status == 0 and json.loads(out) == {"input": "walk thrice",
                                               "output": "WALK WALK WALK"}
    status, out, _ = _run(capsys, "explain", "data", "--checkpoint", str(actions), "run twice",
                          "--json")
    tree = json.loads(out)["tree"]
    assert status == 0 and tree["word"] == "twice" and tree["value"] == ["RUN", "RUN"]
    assert [c["word"] for c in tree["children"]] == ["run"]
    status, out, _ = _run(capsys, "programs", "--checkpoint", str(actions), "--json")
    programs = json.loads(out)
    assert status == 0 and programs["task"] == "data" and programs["library"] == "lists"
    assert set(programs["programs"]) == {"jump", "walk", "run", "look", "twice", "thrice"}
    status, _, err = _run(capsys, "solve", "scan", "--checkpoint", str(actions), "run twice")
    assert status == 2 and "trained on task 'data'" in err


def test_an_integer_task_from_json_lines(tmp_path: Path, capsys) -> None:
    rows = [(str(a), a) for a in range(10)] + \
        [(f"{a} + {b}", a + b) for a in range(10) for b in (1, 3, 5, 7)]
    train = tmp_path / "sum.jsonl"
    train.write_text("".join(json.dumps({"input": i, "output": o}) + "\n" for i, o in rows))
    ckpt = tmp_path / "ckpt"
    assert _run(capsys, "train", "--train-file", str(train), "--out", str(ckpt), "--quiet")[0] == 0
    status, out, _ = _run(capsys, "solve", "--checkpoint", str(ckpt), "9 + 8 + 7 + 6", "--json",
                          "--engine", "python")
    assert status == 0 and json.loads(out) == {"input": "9 + 8 + 7 + 6", "output": 30}


@pytest.mark.parametrize("content, line", [
    ('{"input": "a", "output": "b"}\n{"input": "c", "output": 3}\n', 2),  # mixed kinds
    ("a\tb\nno tab here\n", 2),  # wrong format
    ("", 1),  # empty
])
def test_bad_training_file_is_one_line_exit_2(tmp_path: Path, capsys, content: str,
                                              line: int) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    status, out, err = _run(capsys, "train", "--train-file", str(path), "--out",
                            str(tmp_path / "o"))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and f"{path}:{line}:" in err
    path.write_bytes(b'{"input": "a", "output": "b"}\n{"input": "\xff", "output": "b"}\n')
    status, _, err = _run(capsys, "train", "--train-file", str(path))
    assert status == 2 and f"{path}:2: not UTF-8" in err and err.count("\n") == 1


def test_shipped_pcfg_checkpoint_on_a_src_file(shared_data: Path, tmp_path: Path,
                                               capsys) -> None:
    official = shared_data / "pcfg" / "pcfgset" / "test"
    src = official.with_suffix(".src").read_text().splitlines()[:25]
    tgt = official.with_suffix(".tgt").read_text().splitlines()[:25]
    (tmp_path / "X.src").write_text("\n".join(src) + "\n")
    (tmp_path / "X.tgt").write_text("\n".join(tgt) + "\n")
    for name in ("X.src", "X.tgt", "X"):
        status, out, _ = _run(capsys, "eval", "pcfg", "--checkpoint",
                              str(PRETRAINED / "pcfg-iid.json"), "--test-file",
                              str(tmp_path / name), "--json", "--engine", "python")
        assert status == 0 and json.loads(out)["n"] == 25 and json.loads(out)["accuracy"] == 1.0


def test_shipped_hint_checkpoint_on_a_file_without_head(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps({"expr": "2 + 3 * 4", "res": 14}) + "\n"
                    + json.dumps({"expr": "( 8 + 9 ) * 7", "res": 119}) + "\n"
                    + json.dumps({"expr": "3 max 5", "res": 5}) + "\n")
    status, out, _ = _run(capsys, "eval", "hint", "--checkpoint",
                          str(PRETRAINED / "hint-symbols.json"), "--test-file", str(path),
                          "--json", "--engine", "python")
    assert status == 0
    assert json.loads(out) == {"accuracy": 2 / 3, "n": 3, "correct": 2, "unknown_inputs": 1,
                               "unknown_words": {"max": 1}}


def test_open_class_tokens_are_data(tmp_path: Path, capsys) -> None:
    """--open-class: letters never seen in training are copied through learned programs."""
    import random

    rng = random.Random(1)
    letters = [f"{c}{i}" for c in "ABCDEFGH" for i in range(1, 4)]
    rows = []
    for _ in range(60):
        xs, ys = rng.sample(letters, rng.randint(1, 4)), rng.sample(letters, rng.randint(1, 4))
        rows += [{"input": "copy " + " ".join(xs), "output": " ".join(xs)},
                 {"input": "reverse " + " ".join(ys), "output": " ".join(reversed(ys))}]
    train = tmp_path / "letters.jsonl"
    train.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ckpt = tmp_path / "ckpt"
    status, out, _ = _run(capsys, "train", "--train-file", str(train), "--open-class",
                          "[A-Z][0-9]+", "--library", "sequences", "--out", str(ckpt), "--json")
    assert status == 0 and json.loads(out)["library"] == "sequences"
    status, out, _ = _run(capsys, "solve", "--checkpoint", str(ckpt), "copy reverse Q7 R8 Z1",
                          "--engine", "python")
    assert status == 0 and out.split() == ["Z1", "R8", "Q7"]
    status, _, err = _run(capsys, "train", "--train-file", str(train), "--open-class", "[A-Z")
    assert status == 2 and "not a regex" in err and err.count("\n") == 1


def test_mt_commands_on_a_small_pair_file(shared_data: Path, tmp_path: Path, capsys) -> None:
    """The MT plumbing: train on an .en/.fr pair, eval an official split, solve to tokens."""
    if not (shared_data / "mt").is_dir():
        pytest.skip("../shared/data/mt is absent")
    (tmp_path / "x.en").write_text("i am daxy .\nyou are tired .\n")
    (tmp_path / "x.fr").write_text("je suis daxiste .\ntu es fatigue .\n")
    ckpt = tmp_path / "ckpt"
    status, out, _ = _run(capsys, "train", "mt", "--train-file", str(tmp_path / "x.fr"),
                          "--out", str(ckpt), "--json")
    assert status == 0 and json.loads(out)["train_examples"] == 2
    status, out, _ = _run(capsys, "eval", "mt", "--checkpoint", str(ckpt), "--split",
                          "test-daxy", "--json", "--engine", "python")
    score = json.loads(out)
    assert status == 0 and score["n"] == 8
    # Only "you are daxy ." has no word beyond the two training sentences' (not, very, he, is)
    assert score["unknown_inputs"] == 7
    assert score["unknown_words"] == {"he": 3, "is": 3, "not": 3, "very": 3}
    status, out, _ = _run(capsys, "solve", "mt", "--checkpoint", str(ckpt), "you are daxy .")
    assert status in (0, 1)  # a translation, or "no answer" when no program applies
    assert (out.strip() != "") == (status == 0)


def test_native_answers_read_back_as_a_test_file(actions: Path, tmp_path: Path,
                                                 capsys) -> None:
    inputs = tmp_path / "in.txt"
    inputs.write_text("run thrice\nfly twice\nlook twice\n")
    answers = tmp_path / "answers.jsonl"
    status, _, err = _run(capsys, "solve", "--checkpoint", str(actions), "--input-file",
                          str(inputs), "--native", "--out", str(answers), "--engine", "python")
    assert status == 1 and "'fly'" in err and "counted wrong" not in err
    assert [json.loads(line) for line in answers.read_text().splitlines()] == [
        {"input": "run thrice", "output": "RUN RUN RUN"},
        {"input": "look twice", "output": "LOOK LOOK"}]
    status, out, _ = _run(capsys, "eval", "--checkpoint", str(actions), "--test-file",
                          str(answers), "--json", "--engine", "python")
    assert status == 0 and json.loads(out)["accuracy"] == 1.0
    status, _, err = _run(capsys, "solve", "--checkpoint", str(actions), "run", "--native")
    assert status == 2 and "--input-file" in err


def test_native_scan_records_from_a_shipped_checkpoint(tmp_path: Path, capsys) -> None:
    inputs = tmp_path / "commands.txt"
    inputs.write_text("jump twice after walk left\nlook around right thrice\n")
    status, out, _ = _run(capsys, "solve", "scan", "--input-file", str(inputs), "--native",
                          "--engine", "python")
    assert status == 0
    assert out.splitlines()[0] == "IN: jump twice after walk left OUT: I_TURN_LEFT I_WALK " \
                                  "I_JUMP I_JUMP"
    (tmp_path / "answers.txt").write_text(out)
    status, out, _ = _run(capsys, "eval", "scan", "--test-file", str(tmp_path / "answers.txt"),
                          "--checkpoint", str(PRETRAINED / "scan-simple.json"), "--json",
                          "--engine", "python")
    assert status == 0 and json.loads(out)["correct"] == 2
