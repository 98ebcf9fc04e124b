"""Image input: image-id perception, perception revision, the image learner on a toy task.

The toy task ("unary arithmetic in pictures") uses the offline bank's digit images and two
operator glyphs: ``d`` -> d, ``( x`` -> x + 1, ``) x`` -> max(0, x - 1). Its programs are all
within reach of the plain enumerative search, so it tests the image path on its own: clustering
warm start, programs for cluster symbols, perception revision, CNN retraining per image.
"""

from __future__ import annotations

import json
import random

import pytest

pytest.importorskip("sklearn")
torch = pytest.importorskip("torch")

from nsr.abduction.symbols import symbol_revisions  # noqa: E402
from nsr.cli import main  # noqa: E402
from nsr.errors import ConfigError, DataError  # noqa: E402
from nsr.learning.config import LearnerConfig  # noqa: E402
from nsr.learning.images import (  # noqa: E402
    FINAL_ENSEMBLE,
    heldout_reading,
    initial_image_model,
    perception_report,
    symbol_names,
)
from nsr.learning.loop import load_model, save_checkpoint, train  # noqa: E402
from nsr.model.model import NsrModel, Parse  # noqa: E402
from nsr.perception.image_data import SYMBOLS, BankConfig, ImageBank, build_bank  # noqa: E402
from nsr.perception.image_ids import (  # noqa: E402
    ImageIdPerception,
    image_id,
    image_position,
    new_perception,
)
from nsr.semantics.parser import parse_program  # noqa: E402
from nsr.syntax.tree import Tree  # noqa: E402
from nsr.tasks.base import Example  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def bank() -> ImageBank:
    from nsr.perception.image_data import load_bank

    return load_bank()


def _toy(bank: ImageBank, part: str, n: int, seed: int, max_len: int = 3) -> list[Example]:
    rng = random.Random(seed)
    pools = {s: bank.pool(part, s).tolist() for s in SYMBOLS}
    out = []
    for i in range(n):
        ops = [rng.choice("()") for _ in range(rng.choice([0, 0, 1, 1, 2][: 2 * max_len - 1]))]
        digit = rng.randrange(10)
        value = digit
        for op in reversed(ops):
            value = value + 1 if op == "(" else max(0, value - 1)
        tokens = (*ops, str(digit))
        ids = tuple(image_id(rng.choice(pools[t])) for t in tokens)
        out.append(Example(ids, value, f"toy/{part}:{i}"))
    return out


def test_image_ids_name_bank_positions_and_nothing_else() -> None:
    assert image_position(image_id(42)) == 42
    for bad in ("42", "img:", "img:-1", "img:4x", "glyph:+:3"):
        with pytest.raises(DataError):
            image_position(bad)


def test_fit_trains_each_image_on_its_majority_label(bank: ImageBank) -> None:
    ids = [image_id(p) for p in bank.indices("train")[:40]]
    perception = new_perception(bank, 3, ids, seed=0, epochs=60)
    # every image is labelled 2 twice and 0 once: the majority (2) must win for all of them
    tokens = ids * 3
    symbols = [2] * len(ids) * 2 + [0] * len(ids)
    perception.fit(tokens, symbols, seed=0)
    assert perception.predict(ids)[0] == [2] * len(ids)
    with pytest.raises(DataError):
        perception.fit(ids, [0], seed=0)
    with pytest.raises(DataError):
        perception.predict([image_id(len(bank) + 5)])


def test_state_round_trip_reloads_the_bank_by_config(bank: ImageBank) -> None:
    ids = [image_id(p) for p in bank.indices("train")[:30]]
    perception = new_perception(bank, 4, ids, seed=1)
    clone = ImageIdPerception.from_state(perception.state_dict())
    assert clone.bank.config == bank.config and clone.segments == tuple(ids)
    assert clone.log_probs(ids) == perception.log_probs(ids)
    with pytest.raises(DataError):
        ImageIdPerception.from_state({"kind": "images"})


def _token_model() -> NsrModel:
    """Symbols: 0 = 3, 1 = 5, 2 = inc; tokens a b c perceived as 0 1 2."""
    model = NsrModel(("a", "b", "c"), "numbers", seed=0)
    model.perception.fit(["a", "b", "c"], [0, 1, 2], seed=0)
    model.programs = {0: parse_program("lambda: inc(inc(inc(zero())))"),
                      1: parse_program("lambda: inc(inc(inc(inc(inc(zero())))))"),
                      2: parse_program("lambda x: inc(x)")}
    return model


def test_symbol_revision_relabels_the_one_node_that_explains_the_target() -> None:
    model = _token_model()
    tree = Tree((-1, 0))  # c(a): inc(3) = 4
    parse = Parse(("c", "a"), (2, 0), tree, ())
    # target 6 = inc(5): only relabelling "a" as symbol 1 explains it
    (fixed,) = symbol_revisions(model, [(parse, 6)])
    assert fixed[1] == (2, 1) and fixed[2] == tree
    # nothing single-symbol explains 9
    assert symbol_revisions(model, [(parse, 9)]) == []


def test_symbol_revision_leaves_a_segment_of_a_symbol_still_settling() -> None:
    """A segment read as a program-less symbol first read in this stage keeps its reading (a
    meaning still to learn); one of an older program-less symbol (a stray class) is
    relabelled."""
    model = NsrModel(("a", "b", "c", "d"), "numbers", seed=0)
    model.perception.fit(["a", "b", "c", "d"], [0, 1, 2, 3], seed=0)
    model.programs = _token_model().programs  # "d" (symbol 3) has no program
    parse = Parse(("d",), (3,), Tree((-1,)), ())
    (fixed,) = symbol_revisions(model, [(parse, 3)])
    assert fixed[1] == (0,)
    assert symbol_revisions(model, [(parse, 3)], settling=frozenset({3})) == []
    assert symbol_revisions(model, [(parse, 3)], settling=frozenset({0, 1, 2})) == [fixed]
    # a symbol with a program is revised whether or not it is new
    wrong = Parse(("a",), (0,), Tree((-1,)), ())
    assert symbol_revisions(model, [(wrong, 5)], settling=frozenset({0}))[0][1] == (1,)


def test_image_learner_learns_the_toy_task_without_labels(bank: ImageBank) -> None:
    data = _toy(bank, "train", 260, seed=0, max_len=2)
    test = _toy(bank, "test", 200, seed=1, max_len=2)
    config = LearnerConfig(task="toy", library="numbers", perception="images", n_symbols=16,
                           perception_revision=True, search_max_size=10, search_budget_s=5.0,
                           rounds_per_stage=4, guess_lower_holes=True)
    result = train(data, config, seed=0, progress=False)
    assert result.metrics[-1]["train_acc"] >= 0.9
    # the final fit leaves an ensemble voting over shifted copies, which the config records
    assert result.model.perception.cnn.cfg.ensemble == FINAL_ENSEMBLE
    assert result.model.perception.cnn.cfg.shift_votes
    preds = result.model.predict([ex.source for ex in test])
    assert sum(p == ex.target for p, ex in zip(preds, test, strict=True)) / len(test) >= 0.8
    report = perception_report(result.model, [t for ex in test for t in ex.source])
    assert report.accuracy >= 0.85 and set(report.per_symbol) == set("0123456789()")


def test_initial_model_refuses_more_symbols_than_images(bank: ImageBank) -> None:
    data = _toy(bank, "train", 3, seed=0, max_len=1)
    config = LearnerConfig(library="numbers", perception="images", n_symbols=16)
    with pytest.raises(ConfigError):
        initial_image_model(data, config, seed=0)
    with pytest.raises(ConfigError):
        LearnerConfig(perception="sounds")


def test_perception_report_matches_each_true_symbol_to_its_learned_symbol(
        bank: ImageBank) -> None:
    data = _toy(bank, "train", 400, seed=0, max_len=1)
    model = initial_image_model(data, LearnerConfig(library="numbers", perception="images",
                                                    n_symbols=24), seed=0)
    ids = [t for ex in data for t in ex.source]
    report = perception_report(model, ids)
    # the warm start alone is a clustering into 24 classes for 10 digits: without programs an
    # image is right only in its digit's main cluster, so well above chance, far below perfect
    assert 0.3 <= report.accuracy < 0.9
    assert report.images == len(set(ids)) and set(report.mapping) <= set(SYMBOLS)
    # once two clusters of a digit mean the same, both count for it
    one = report.mapping["7"]
    sevens = [t for t in set(ids) if SYMBOLS[int(bank.labels[image_position(t)])] == "7"]
    read = set(model.perception.predict(sevens)[0])
    for s in read:
        model.programs[s] = parse_program("lambda: 7")
    after = perception_report(model, ids)
    assert after.per_symbol["7"] == 1.0 >= report.per_symbol["7"]
    assert after.mapping["7"] == one


def _digit_reader(bank: ImageBank, per_digit: int = 24) -> tuple[NsrModel, list[Example]]:
    """Digits 0-2 read by a CNN fitted with their labels; symbol d means d; one example per
    image (its digit), plus one example whose target no reading explains."""
    ids = [image_id(p) for d in "012" for p in bank.pool("train", d)[:per_digit].tolist()]
    digits = [int(SYMBOLS[int(bank.labels[image_position(t)])]) for t in ids]
    perception = new_perception(bank, 3, ids, seed=0, epochs=40)
    perception.fit(ids, digits, seed=0)
    model = NsrModel(symbol_names(3), "numbers", seed=0, perception=perception)
    model.programs = {d: parse_program("lambda: " + "inc(" * d + "zero()" + ")" * d)
                      for d in range(3)}
    data = [Example((t,), d, f"digit:{i}")
            for i, (t, d) in enumerate(zip(ids, digits, strict=True))]
    return model, data + [Example((ids[0],), 9, "unexplained")]


def test_heldout_reading_scores_the_final_fit_on_images_it_did_not_see(
        bank: ImageBank) -> None:
    model, data = _digit_reader(bank)
    before = model.perception.log_probs([ex.source[0] for ex in data])
    reading = heldout_reading(model, data, folds=2, seed=0, ensemble=1)
    # every image is labelled once (the unexplained example adds none) and read unseen
    assert reading.images == len(data) - 1 and reading.folds == 2
    assert reading.accuracy >= 0.85 and len(reading.wrong) <= 0.15 * reading.images
    assert set(reading.wrong) <= {ex.source[0] for ex in data}
    assert heldout_reading(model, data, folds=2, seed=0, ensemble=1) == reading
    # the model is only read, never refitted
    assert model.perception.log_probs([ex.source[0] for ex in data]) == before
    # a reading that means the same as the label is right: with every symbol meaning 0 and
    # every target 0, nothing can be wrong
    model.programs = {d: parse_program("lambda: zero()") for d in range(3)}
    zeros = [Example(ex.source, 0, ex.id) for ex in data]
    assert heldout_reading(model, zeros, folds=3, seed=1, ensemble=1).wrong == ()
    with pytest.raises(ConfigError, match="folds"):
        heldout_reading(model, zeros, folds=1)


def test_cli_eval_with_images_reports_perception(tmp_path, monkeypatch, capsys) -> None:
    from nsr.tasks.hint import HintTask
    from nsr.tasks.hint.generate import HintConfig, generate
    from nsr.tasks.hint.images import image_examples

    monkeypatch.setenv("NSR_DATA", str(tmp_path / "data"))
    generate(HintConfig(seed=0, train_size=300, test_per_op=5), tmp_path / "data/hint/seed-0")
    examples = image_examples(HintTask(seed=0).load(part="train")[:30], "train")
    config = LearnerConfig(task="hint", split="all", library="numbers", perception="images",
                           n_symbols=16)
    model = initial_image_model(examples, config, seed=0)
    save_checkpoint(tmp_path / "ckpt", model, config, 0, [], next_stage=1, seconds=0.0)
    assert isinstance(load_model(tmp_path / "ckpt")[0].perception, ImageIdPerception)
    status = main(["eval", "hint", "--input", "images", "--checkpoint", str(tmp_path / "ckpt"),
                   "--split", "SS", "--json", "--engine", "python"])
    out = json.loads(capsys.readouterr().out)
    assert status == 0 and out["n"] > 0 and 0.0 <= out["accuracy"] <= 1.0
    assert 0.0 < out["perception"]["accuracy"] <= 1.0
    # a token checkpoint cannot be evaluated on images, and scan has no images: one line each
    status = main(["eval", "scan", "--input", "images", "--checkpoint", str(tmp_path / "ckpt")])
    assert status != 0 and capsys.readouterr().err.count("\n") == 1


def test_bank_config_is_part_of_the_state() -> None:
    small = build_bank(BankConfig(per_operator=20, seed=3))
    perception = new_perception(small, 2, [image_id(0)], seed=0)
    assert perception.state_dict()["bank"]["per_operator"] == 20
