"""HINT, symbol input: the shipped checkpoint answers every test subset from the CLI."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from nsr.cli import main  # noqa: E402
from nsr.commands.model import default_checkpoint  # noqa: E402
from nsr.tasks.hint import HintConfig, interpret  # noqa: E402
from nsr.tasks.hint.generate import generate  # noqa: E402

#: Long and with values above 100: lengths and values no training expression has.
INPUTS = ("( 8 + 9 ) * ( 7 * ( 6 + 4 ) ) - 3 * ( 2 + 5 / ( 1 + 0 ) ) + 9 * 9 * 9",
          "9 * ( 9 * 9 ) / ( 4 - ( 3 - 2 ) ) + ( 0 + 7 ) * ( 5 - 4 + 6 / 3 ) - 8 / 8")


def test_the_shipped_checkpoint_is_small_and_solves_long_expressions(capsys) -> None:
    path = default_checkpoint("hint", "all", "symbols")
    assert path.stat().st_size < 1_000_000
    for text in INPUTS:
        assert main(["solve", "hint", text]) == 0
        assert int(capsys.readouterr().out.strip()) == interpret(text.split())


@pytest.mark.parametrize("subset", ["SS", "LS", "SL", "LL"])
def test_the_shipped_checkpoint_is_right_on_fresh_test_expressions(subset, tmp_path, capsys):
    # Data seed 7 was never used for training: new expressions of every test subset.
    generate(HintConfig(seed=7, train_size=200, test_per_op=5), tmp_path)
    path = default_checkpoint("hint", "all", "symbols")
    assert main(["eval", "hint", "--checkpoint", str(path), "--test-file",
                 str(tmp_path / f"{subset}.jsonl"), "--engine", "python", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] >= 20
    assert report["accuracy"] >= 0.95
