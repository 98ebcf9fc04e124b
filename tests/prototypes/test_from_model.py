"""Prototypes from a trained NSR checkpoint: the shipped SCAN model's learned programs become
the Prolog program, SWI-Prolog derives each answer, and the records verify (driver + sandbox)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

pytest.importorskip("torch")

from nsr.cli import main  # noqa: E402
from nsr.commands.model import default_checkpoint  # noqa: E402
from nsr.errors import ConfigError  # noqa: E402
from nsr.prototypes.convert import expected_text  # noqa: E402
from nsr.prototypes.from_model import (  # noqa: E402
    checkpoint_name,
    convert_model,
    load_checkpoint,
    record_program,
    sample_examples,
)
from nsr.prototypes.record import load_records  # noqa: E402
from nsr.prototypes.verify import verify_records  # noqa: E402
from nsr.tasks.base import Example  # noqa: E402
from nsr.tasks.scan.oracle import interpret  # noqa: E402

COMMANDS = ("walk", "look left twice", "jump opposite right thrice", "run around left",
            "turn right and walk twice", "jump twice after look around right thrice")


def _examples(commands=COMMANDS) -> list[Example]:
    return [Example(tuple(c.split()), interpret(c.split()), f"hand:{i}")
            for i, c in enumerate(commands)]


@pytest.fixture(scope="module")
def shipped():
    """(model, checkpoint name) of the shipped SCAN checkpoint, loaded once."""
    path = default_checkpoint("scan")
    model, _ = load_checkpoint(path, "scan")
    return model, checkpoint_name(path)


@pytest.fixture(scope="module")
def report(shipped):
    model, name = shipped
    return convert_model(model, _examples(), task="scan", name=name, seed=7)


@pytest.mark.prolog
def test_every_example_becomes_a_record_with_the_derived_answer(report, shipped) -> None:
    _, name = shipped
    assert report.failures == () and report.wrong == 0 and report.duplicates == 0
    assert len(report.records) == len(COMMANDS)
    for record, command in zip(report.records, COMMANDS, strict=True):
        assert record.answer == expected_text(interpret(command.split()))
        assert (record.kind, record.task, record.family) == ("prolog", "query_answer", "nsr-scan")
        assert record.source == f"nsr:{name}" and record.seed == 7
        assert f"'{command}'" in record.prompt and "action sequence" in record.prompt
        assert record.prototype["query"].startswith("eval_tree(node(")
        assert record.prototype["query"].endswith(", Answer)")
        assert record.verification["matches_target"] is True
        assert record.verification["method"] == "derived"
        assert 1 <= record.level <= 5
    # the parse tree is in the query: its size is the number of words
    assert report.records[0].prototype["query"] == "eval_tree(node(walk, []), Answer)"


@pytest.mark.prolog
def test_records_pass_nsr_proto_verify_and_plain_swipl(report, swipl_file_answer) -> None:
    assert verify_records(list(enumerate(report.records, start=1))) == []
    for record in report.records[:2]:
        assert swipl_file_answer(record) == record.answer


@pytest.mark.prolog
def test_records_score_1_through_the_sandboxed_verifier(report) -> None:
    from nsr.verify import Verifier, item_from_record

    items = [item_from_record(r.to_dict()) for r in report.records]
    wrong = item_from_record(report.records[1].to_dict(), answer=report.records[0].answer)
    with Verifier(workers=1, time_limit=2.0) as verifier:
        verdicts = verifier.check_many([*items, wrong])
    assert [v.score for v in verdicts[:-1]] == [1.0] * len(items), verdicts
    assert verdicts[-1].score == 0.0 and verdicts[-1].reason == "wrong_answer"


def test_the_program_is_the_exported_prolog_of_the_learned_programs(shipped) -> None:
    from nsr.model.prolog_export import named_programs, standalone_prolog

    model, _ = shipped
    program, full = record_program(model), standalone_prolog(model)
    for symbol in named_programs(model):
        assert f"sym({symbol}, " in program
    assert "eval_tree(node(Symbol, Children), Value)" in program
    assert program == full  # what `nsr programs scan --prolog` prints, unchanged


def _mutated_model(name: str, meaning: str):
    """The shipped model with symbol ``name`` given the learned program of ``meaning``."""
    model, _ = load_checkpoint(default_checkpoint("scan"), "scan")
    index = model.symbol_names.index
    model.programs[index(name)] = model.programs[index(meaning)]
    return model


@pytest.mark.prolog
def test_examples_the_model_gets_wrong_are_dropped_or_kept_flagged() -> None:
    model = _mutated_model("twice", "thrice")  # a model that learned 'twice' wrongly
    examples = _examples(("walk twice", "look left"))
    dropped = convert_model(model, examples, name="broken")
    assert dropped.wrong == 1 and dropped.failures == ()
    assert [r.answer for r in dropped.records] == ["['I_TURN_LEFT', 'I_LOOK']"]
    kept = convert_model(model, examples, name="broken", keep_wrong=True)
    flagged = kept.records[0]
    assert flagged.answer == expected_text(("I_WALK",) * 3)  # what the learned program computes
    assert flagged.verification["matches_target"] is False
    assert flagged.verification["target"] == expected_text(interpret(["walk", "twice"]))
    assert kept.records[1].verification["matches_target"] is True
    assert verify_records(list(enumerate(kept.records, start=1))) == []


@pytest.mark.prolog
def test_unknown_words_and_evaluator_disagreements_are_failures(shipped, monkeypatch) -> None:
    model, _ = shipped
    out = convert_model(model, [Example(("walk", "sideways"), ("I_WALK",), "hand:0")], name="x")
    assert out.records == () and "unknown word 'sideways'" in dict(out.failures)["hand:0"]

    run = model.run

    def lying_run(inputs):  # the Python evaluator claims another value at the root
        return [dataclasses.replace(p, values=tuple(("I_JUMP",) for _ in p.values))
                for p in run(inputs)]

    monkeypatch.setattr(model, "run", lying_run)
    out = convert_model(model, _examples(("walk",)), name="x")
    assert out.records == ()
    assert "Python evaluator gives ['I_JUMP']" in dict(out.failures)["hand:0"]


def test_sampling_is_seeded_and_keeps_file_order() -> None:
    examples = _examples(COMMANDS * 5)
    a, b = sample_examples(examples, 6, 1), sample_examples(examples, 6, 1)
    assert a == b and len(a) == 6
    assert [examples.index(e) for e in a] == sorted(examples.index(e) for e in a)
    assert any(sample_examples(examples, 6, s) != a for s in range(2, 6))
    assert sample_examples(examples, None, 0) == examples
    assert sample_examples(examples, 1000, 0) == examples
    with pytest.raises(ConfigError, match="at least 1"):
        sample_examples(examples, 0, 0)


def test_checkpoint_names(tmp_path: Path) -> None:
    (tmp_path / "runs" / "scan-jump").mkdir(parents=True)
    (tmp_path / "runs" / "scan-jump" / "checkpoint.json").write_text("{}")
    assert checkpoint_name(tmp_path / "runs" / "scan-jump") == "scan-jump"
    assert checkpoint_name(tmp_path / "runs" / "scan-jump" / "checkpoint.json") == "scan-jump"
    assert checkpoint_name(default_checkpoint("scan")) == "scan-simple"


@pytest.mark.prolog
def test_cli_converts_a_file_and_the_output_verifies(tmp_path: Path, capsys) -> None:
    data = tmp_path / "mine.txt"
    data.write_text("".join(f"IN: {c} OUT: {' '.join(interpret(c.split()))}\n"
                            for c in COMMANDS[:3]))
    out = tmp_path / "m.jsonl"
    assert main(["proto", "convert", "model", "--input-file", str(data), "--out", str(out)]) == 0
    assert "wrote 3 records" in capsys.readouterr().err
    assert [r.answer for r in load_records(out)] == [
        expected_text(interpret(c.split())) for c in COMMANDS[:3]]
    assert main(["proto", "verify", str(out)]) == 0


@pytest.mark.prolog
def test_cli_samples_a_split_of_the_shared_data(shared_data: Path, tmp_path: Path) -> None:
    from nsr.tasks.registry import get_task

    out = tmp_path / "s.jsonl"
    argv = ["proto", "convert", "model", "--task", "scan", "--split", "simple", "--n", "4",
            "--seed", "3", "--out", str(out)]
    assert main(argv) == 0
    records = load_records(out)
    assert 0 < len(records) <= 4
    test = {ex.id: ex for ex in get_task("scan").load("simple", "test")}
    for record in records:  # wrong answers are dropped by default, so every record matches
        ex = test[record.verification["example"]]
        assert record.verification["matches_target"] is True
        assert record.answer == expected_text(ex.target)
    assert verify_records(list(enumerate(records, start=1))) == []


def test_cli_bad_input_is_one_line(tmp_path: Path, capsys) -> None:
    ckpt = str(default_checkpoint("scan"))
    status = main(["proto", "convert", "model", "--checkpoint", ckpt, "--task", "hint",
                   "--out", str(tmp_path / "x.jsonl")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "trained on task 'scan'" in err
    status = main(["proto", "convert", "model", "--checkpoint", str(tmp_path / "none"),
                   "--out", str(tmp_path / "x.jsonl")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "no checkpoint" in err
    assert not (tmp_path / "x.jsonl").exists()
