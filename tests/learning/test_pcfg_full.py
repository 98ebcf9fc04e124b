"""Full PCFG SET: shipped checkpoints answer out of the box; full training behind ``slow``."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.cli import main  # noqa: E402
from nsr.commands.model import PRETRAINED_DIR, default_checkpoint  # noqa: E402
from nsr.tasks.pcfg.oracle import interpret  # noqa: E402

SPLITS = ("iid", "systematicity", "productivity")
#: Unseen letters included: letters are an open class, read as data.
INPUTS = ("swap_first_last append A1 B2 C3 , reverse Q9 R77",
          "remove_second echo K1 , prepend shift Z30 Y31 X32 , copy W1")


@pytest.mark.prolog
def test_shipped_checkpoint_solves_without_options(capsys) -> None:
    assert default_checkpoint("pcfg", "iid").is_file()
    for text in INPUTS:
        assert main(["solve", "pcfg", text]) == 0
        assert tuple(capsys.readouterr().out.split()) == interpret(text.split())


def test_explain_shows_a_letter_run_as_one_node(capsys) -> None:
    assert main(["explain", "pcfg", INPUTS[0]]) == 0
    out = capsys.readouterr().out
    assert "A1 B2 C3  [symbol <open>]  = A1 B2 C3" in out
    assert "Q9 R77  [symbol <open>]" in out


@pytest.mark.parametrize("split", SPLITS)
def test_every_split_ships_a_small_checkpoint(split: str) -> None:
    path = PRETRAINED_DIR / f"pcfg-{split}.json"
    assert path.is_file()
    assert path.stat().st_size < 1_000_000


@pytest.mark.slow
@pytest.mark.parametrize("split", SPLITS)
def test_full_training_is_exact_on_the_official_test_file(split: str, shared_data, tmp_path) -> None:
    from nsr.learning.config import config_for_task
    from nsr.learning.loop import train
    from nsr.model.prolog_export import predict_prolog
    from nsr.tasks import exact_match, get_task

    task = get_task("pcfg")
    config = config_for_task(task, split)
    result = train(task.load(split, "train"), config, seed=0, out=tmp_path, progress=False)
    test = task.load(split, "test")
    parses = result.model.run([ex.source for ex in test])
    assert exact_match([p.output for p in parses], test).accuracy == 1.0
    assert exact_match(predict_prolog(result.model, parses), test).accuracy == 1.0
