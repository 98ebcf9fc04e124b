"""Compositional MT end to end: the shipped checkpoint answers every test-daxy sentence (fast),
and a full training on ``../shared/data/mt`` learns phrase readings that do (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from nsr.commands.model import default_checkpoint  # noqa: E402
from tests.cli_run import run_cli  # noqa: E402


def _daxy(shared_data: Path) -> list[tuple[str, str]]:
    root = shared_data / "mt"
    if not (root / "test-daxy.en").is_file():
        pytest.skip("../shared/data/mt is absent")
    en = (root / "test-daxy.en").read_text(encoding="utf-8").splitlines()
    fr = (root / "test-daxy.fr").read_text(encoding="utf-8").splitlines()
    return list(zip(en, fr, strict=True))


def _answers_every_daxy_line(shared_data: Path, *checkpoint: str) -> None:
    for en, fr in _daxy(shared_data):
        run = run_cli(["solve", "mt", *checkpoint, en])
        assert (run.code, run.out) == (0, fr + "\n"), (en, run.err)
    run = run_cli(["eval", "mt", *checkpoint, "--split", "test-daxy", "--json"])
    assert run.code == 0, run.err
    score = json.loads(run.out)
    assert (score["correct"], score["n"]) == (8, 8)


def test_shipped_checkpoint_translates_test_daxy(shared_data: Path) -> None:
    assert default_checkpoint("mt").is_file()
    _answers_every_daxy_line(shared_data)


@pytest.mark.slow
def test_training_learns_phrase_readings(shared_data: Path, tmp_path: Path) -> None:
    """``nsr train mt`` (about 2 min on one core): the meaning is phrase readings."""
    _daxy(shared_data)
    run = run_cli(["train", "mt", "--out", tmp_path / "mt", "--json"])
    assert run.code == 0, run.err[-2000:]
    summary = json.loads(run.out)
    assert summary["meaning"] == "phrases"
    _answers_every_daxy_line(shared_data, "--checkpoint", str(tmp_path / "mt"))
