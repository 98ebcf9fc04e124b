"""Phrase readings as a model's meaning (nsr.learning.phrase_choice): the rule that decides,
the model answering with them, checkpoints, and the command line on a tiny phrase model."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from nsr.errors import DataError  # noqa: E402
from nsr.learning.config import config_for_task  # noqa: E402
from nsr.learning.loop import load_model, save_checkpoint  # noqa: E402
from nsr.learning.phrase_choice import (  # noqa: E402
    adopt,
    ceiling,
    fit_whole,
    stage_prefers_phrases,
    token_outputs,
)
from nsr.model.model import NsrModel  # noqa: E402
from nsr.tasks import get_task  # noqa: E402
from nsr.tasks.base import Example  # noqa: E402
from tests.cli_run import assert_user_error, run_cli  # noqa: E402
from tests.phrase_corpus import SUBJECTS, _negations, _pair, _training  # noqa: E402


def _examples(pairs) -> list[Example]:
    return [Example(tuple(s), tuple(t), f"syn:{i}") for i, (s, t) in enumerate(pairs)]


def _new_word_pairs() -> list[tuple[tuple, tuple]]:
    """The new word in every context it was never seen in (see tests.phrase_corpus)."""
    return [_pair(s, "dax", neg=n, very=v, word="daxo") for s in SUBJECTS
            for n in _negations(s) for v in (False, True)]


@functools.cache
def _phrase_model() -> NsrModel:
    """A model over the corpus's words whose meaning is its phrase readings (one per module:
    the tests only read it)."""
    train = _examples(_training())
    vocab = sorted({w for ex in train for w in ex.source})
    model = NsrModel(vocab, "lists")
    model.perception.fit(vocab, list(range(len(vocab))), seed=0)
    fit = fit_whole(model, train, list({ex.source: ex for ex in train}.values()))
    assert fit.wins  # no programs: they explain nothing
    adopt(model, fit)
    return model


def test_stage_rule_compares_on_the_same_examples() -> None:
    pool = _examples(_training())
    said: list[str] = []
    assert stage_prefers_phrases(pool, 0, said.append)
    assert said and "phrase readings explain" in said[0]
    # programs explaining most of a stage are never compared (nothing fitted, nothing said)
    said.clear()
    assert not stage_prefers_phrases(pool, len(pool) // 2 + 1, said.append)
    assert not said
    # number outputs: phrases cannot be the meaning
    numbers = [Example(("1", "+", "2"), 3, "n:0"), Example(("2",), 2, "n:1")]
    assert not token_outputs(numbers)
    assert not stage_prefers_phrases(numbers, 0, said.append)


def test_ceiling_counts_outputs_phrases_can_emit() -> None:
    short = Example(("a",), ("x", "y"), "c:0")
    long = Example(("a",), tuple("vwxyz"), "c:1")  # five tokens from one word
    assert ceiling([short, long]) == 1


def test_new_word_in_unseen_contexts_through_the_model() -> None:
    model = _phrase_model()
    assert model.programs == {}
    pairs = _new_word_pairs()
    assert model.predict([s for s, _ in pairs]) == [t for _, t in pairs]


def test_checkpoint_round_trip(tmp_path: Path) -> None:
    model = _phrase_model()
    config = config_for_task(get_task("mt"), "train")
    save_checkpoint(tmp_path, model, config, 0, [], next_stage=1, seconds=0.0)
    again, _ = load_model(tmp_path)
    assert again.phrases is not None
    assert again.state_dict()["phrases"] == model.state_dict()["phrases"]
    assert again.phrases.outputs is not None  # the model of outputs is kept too
    inputs = [s for s, _ in _new_word_pairs()] + [s for s, _ in _training()]
    assert again.predict(inputs) == model.predict(inputs)


@pytest.fixture(scope="module")
def checkpoint_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("phrase-model")
    save_checkpoint(root / "ckpt", _phrase_model(), config_for_task(get_task("mt"), "train"), 0,
                    [], next_stage=1, seconds=0.0)
    pairs = _new_word_pairs()
    (root / "new.en").write_text("".join(" ".join(s) + "\n" for s, _ in pairs)
                                 + "you are blue .\n")
    (root / "new.fr").write_text("".join(" ".join(t) + "\n" for _, t in pairs)
                                 + "tu es bleu .\n")
    return root


def test_cli_solve_and_eval(checkpoint_dir: Path) -> None:
    ckpt = checkpoint_dir / "ckpt"
    run = run_cli(["solve", "mt", "--checkpoint", ckpt, "you are not dax ."])
    assert (run.code, run.out) == (0, "tu n es pas daxo .\n"), run.err
    run = run_cli(["eval", "mt", "--checkpoint", ckpt, "--test-file",
                   checkpoint_dir / "new.en", "--json"])
    assert run.code == 0, run.err
    score = json.loads(run.out)
    n = len(_new_word_pairs())
    assert (score["n"], score["correct"]) == (n + 1, n)  # "blue" was never seen
    assert score["unknown_words"] == {"blue": 1}
    run = run_cli(["solve", "mt", "--checkpoint", ckpt, "--input-file",
                   checkpoint_dir / "new.en"])
    assert run.out.splitlines()[:n] == [" ".join(t) for _, t in _new_word_pairs()]
    assert run.code == 1 and "blue" in run.err  # one input got no answer, named


def test_cli_explain_and_programs(checkpoint_dir: Path) -> None:
    ckpt = checkpoint_dir / "ckpt"
    run = run_cli(["explain", "mt", "--checkpoint", ckpt, "he is not dax .", "--json"])
    assert run.code == 0, run.err
    shown = json.loads(run.out)
    assert shown["output"] == "il n est pas daxo ."
    assert [r["word"] for r in shown["readings"]] == ["he", "is", "not", "dax", "."]
    assert shown["readings"][2] == {"word": "not", "reading": "n _ pas", "wraps": True}
    run = run_cli(["explain", "mt", "--checkpoint", ckpt, "he is not dax ."])
    assert run.code == 0 and run.out.splitlines()[-1] == "output: il n est pas daxo ."
    run = run_cli(["programs", "mt", "--checkpoint", ckpt, "--json"])
    listed = json.loads(run.out)
    assert listed["meaning"] == "phrases" and listed["programs"] == {}
    assert listed["readings"]["dax"]["readings"][0] == {"reading": "daxo", "count": 3}
    run = run_cli(["programs", "mt", "--checkpoint", ckpt])
    assert run.code == 0 and any(line.split()[:2] == ["dax", "daxo"]
                                 for line in run.out.splitlines())
    assert_user_error(run_cli(["programs", "mt", "--checkpoint", ckpt, "--prolog"]),
                      "not programs")


@pytest.mark.parametrize("edit, needle", [
    (lambda p: p["words"].update({"dax": [["q", ["daxo"], 3]]}), "phrases.words.dax"),
    (lambda p: p["words"].update({"dax": [["i", ["daxo"], 0]]}), "positive integer"),
    (lambda p: p["contexts"].update({"zzz": []}), "no readings"),
    (lambda p: p.pop("contexts"), "model.phrases"),
    (lambda p: p["outputs"]["ngrams"].append(["tu", 2]), "phrases.outputs.ngrams"),
    (lambda p: p["outputs"].update({"order": 0}), "phrases.outputs"),
])
def test_bad_phrase_state_is_one_line(checkpoint_dir: Path, tmp_path: Path, edit,
                                      needle: str) -> None:
    data = json.loads((checkpoint_dir / "ckpt" / "checkpoint.json").read_text())
    edit(data["model"]["phrases"])
    (tmp_path / "checkpoint.json").write_text(json.dumps(data))
    with pytest.raises(DataError, match="corrupt"):
        load_model(tmp_path)
    assert_user_error(run_cli(["solve", "mt", "--checkpoint", tmp_path, "you are dax ."]),
                      needle)


def test_init_from_a_phrase_model_is_refused(checkpoint_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "more.en").write_text("you are dax .\n")
    (tmp_path / "more.fr").write_text("tu es daxo .\n")
    assert_user_error(run_cli(["train", "mt", "--init", checkpoint_dir / "ckpt", "--train-file",
                               tmp_path / "more.en", "--out", tmp_path / "out"]),
                      "phrase readings")


def test_the_loop_adopts_readings_after_a_stage_programs_cannot_fit(monkeypatch,
                                                                     tmp_path: Path) -> None:
    """The wiring in the curriculum: a stage left wrong (stood in for by a fit that learns
    nothing, so the test does not hang on the symbolic search) brings the comparison, the
    readings become the meaning, the curriculum stops, and the checkpoint says it is done."""
    from nsr.learning import loop
    from nsr.learning.config import LearnerConfig

    def nothing_fits(model, labels, pool, *args, **kwargs):
        return model, labels, {"stage": args[1], "max_len": args[2], "examples": len(pool),
                               "train_acc": 0.0, "programs": 0}

    monkeypatch.setattr(loop, "_fit_stage", nothing_fits)
    train = _examples(_training())
    result = loop.train(train, LearnerConfig(library="lists"), seed=0, out=tmp_path,
                        progress=False)
    assert result.model.phrases is not None and result.model.programs == {}
    assert [m["stage"] for m in result.metrics] == [0, 1]  # stage 0, then the readings
    assert result.metrics[-1]["meaning"] == "phrases"
    pairs = _new_word_pairs()
    assert result.model.predict([s for s, _ in pairs]) == [t for _, t in pairs]
    # resuming finds no stage left and keeps the readings
    again = loop.train(train, LearnerConfig(library="lists"), seed=0, out=tmp_path,
                       progress=False, resume=True)
    assert again.model.phrases is not None
    assert again.metrics == result.metrics
