"""Full SCAN: the shipped checkpoints answer out of the box; full training behind ``slow``."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.cli import main  # noqa: E402
from nsr.commands.model import PRETRAINED_DIR, default_checkpoint  # noqa: E402
from nsr.tasks.scan.oracle import interpret  # noqa: E402

SPLITS = ("simple", "length", "jump", "turn_left", "around_right")


@pytest.mark.prolog
def test_shipped_checkpoint_solves_without_options(capsys) -> None:
    assert default_checkpoint("scan").is_file()
    for command in ("walk left twice", "jump twice after walk around right thrice"):
        assert main(["solve", "scan", command]) == 0
        assert tuple(capsys.readouterr().out.split()) == interpret(command.split())


@pytest.mark.parametrize("split", SPLITS)
def test_every_split_ships_a_small_checkpoint(split: str) -> None:
    path = PRETRAINED_DIR / f"scan-{split}.json"
    assert path.is_file()
    assert path.stat().st_size < 1_000_000


@pytest.mark.slow
@pytest.mark.parametrize("split", SPLITS)
def test_full_training_is_exact_on_the_official_test_file(split: str, shared_data, tmp_path) -> None:
    from nsr.learning.config import LearnerConfig
    from nsr.learning.loop import train
    from nsr.model.prolog_export import predict_prolog
    from nsr.tasks import exact_match, get_task

    task = get_task("scan")
    result = train(task.load(split, "train"), LearnerConfig(task="scan", split=split), seed=0,
                   out=tmp_path, progress=False)
    test = task.load(split, "test")
    parses = result.model.run([ex.source for ex in test])
    assert exact_match([p.output for p in parses], test).accuracy == 1.0
    assert exact_match(predict_prolog(result.model, parses), test).accuracy == 1.0
