"""HINT, image input: the shipped checkpoint reads unseen symbol images from the CLI."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from nsr.cli import main  # noqa: E402
from nsr.commands.model import default_checkpoint  # noqa: E402
from nsr.tasks.hint import HintConfig, interpret  # noqa: E402
from nsr.tasks.hint.generate import generate  # noqa: E402

TEXT = "( 8 + 9 ) * 7 - 6 / ( 4 - 2 )"


def test_the_shipped_image_checkpoint_solves_expressions_drawn_from_test_images(capsys) -> None:
    assert default_checkpoint("hint", "all", "images").stat().st_size < 5_000_000
    right = 0
    for seed in range(5):  # five different drawings of the same expression
        assert main(["solve", "hint", "--input", "images", "--image-seed", str(seed), TEXT]) == 0
        right += int(capsys.readouterr().out.strip()) == interpret(TEXT.split())
    # perception reads ~97% of unseen images right: most drawings of 13 symbols come out right
    assert right >= 3


def test_the_shipped_image_checkpoint_is_right_on_fresh_test_expressions(tmp_path, capsys):
    # Data seed 7 was never used for training; its images come from the unseen test images.
    generate(HintConfig(seed=7, train_size=200, test_per_op=5), tmp_path)
    path = default_checkpoint("hint", "all", "images")
    assert main(["eval", "hint", "--input", "images", "--checkpoint", str(path), "--test-file",
                 str(tmp_path / "SS.jsonl"), "--engine", "python", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] >= 20 and report["accuracy"] >= 0.8
    assert report["perception"]["accuracy"] >= 0.9
    assert set(report["perception"]["per_symbol"]) >= set("0123456789+-*/()")


def test_explain_and_show_name_each_image_and_what_perception_read(tmp_path, capsys) -> None:
    png = tmp_path / "expr.png"
    assert main(["explain", "hint", "--input", "images", "3 * ( 4 - 2 )", "--show", str(png)]) == 0
    out = capsys.readouterr()
    assert png.read_bytes()[:4] == b"\x89PNG" and "images saved" in out.err
    lines = out.out.strip().splitlines()
    # one line per node: the typed symbol, the image standing for it, the learned symbol
    assert len(lines) == 7 and all("(img:" in line and "[symbol s" in line for line in lines)
    # symbol input on an image checkpoint, and --show without images: one line each
    assert main(["solve", "hint", "--checkpoint", str(default_checkpoint("hint", "all", "images")),
                 "1 + 2"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["solve", "hint", "--show", str(png), "1 + 2"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
