"""Few-shot new concepts: `nsr train --init CHECKPOINT` learns a new word from a handful of
examples and keeps what the model knew."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")

from nsr.cli import main  # noqa: E402
from nsr.learning.loop import load_model  # noqa: E402
from nsr.tasks.scan.oracle import interpret  # noqa: E402

SHIPPED = Path(__file__).resolve().parents[2] / "nsr" / "learning" / "pretrained" / "scan-simple.json"

#: A new verb `dax` (action I_DAX) in ten short commands, written as SCAN writes `jump`.
TEN = ["dax", "dax twice", "walk and dax", "dax left", "dax after run", "dax around right",
       "look and dax", "dax opposite left", "dax thrice", "run after dax"]


def _with_dax(command: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    words = tuple("jump" if w == "dax" else w for w in command.split())
    actions = tuple("I_DAX" if a == "I_JUMP" else a for a in interpret(words))
    return tuple(command.split()), actions


def test_a_new_verb_from_ten_examples_keeps_the_old_words(tmp_path: Path, capsys) -> None:
    train = tmp_path / "dax.txt"
    train.write_text("".join(f"IN: {c} OUT: {' '.join(_with_dax(c)[1])}\n" for c in TEN))
    out = tmp_path / "run"
    assert main(["train", "scan", "--init", str(SHIPPED), "--train-file", str(train),
                 "--out", str(out), "--quiet"]) == 0
    model, _ = load_model(out)
    old, _ = load_model(SHIPPED)
    # every old program kept, one new one learned
    for sym, prog in old.programs.items():
        assert model.programs[model.symbol_names.index(old.symbol_names[sym])] == prog
    assert model.program_text(model.symbol_names.index("dax")) == "lambda: singleton('I_DAX')"
    unseen = ["dax around left twice and walk opposite right", "look thrice after dax left",
              "dax opposite right thrice after look around left twice", "walk twice"]
    preds = model.predict([tuple(c.split()) for c in unseen])
    assert preds == [_with_dax(c)[1] for c in unseen]


def test_init_needs_new_examples_and_a_token_model(tmp_path: Path, capsys) -> None:
    assert main(["train", "scan", "--init", str(SHIPPED), "--out", str(tmp_path / "x")]) == 2
    assert "--train-file" in capsys.readouterr().err
