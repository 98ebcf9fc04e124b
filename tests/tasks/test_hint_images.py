"""HINT in image mode: tokens -> symbol images, only from the example's own part."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")
torch = pytest.importorskip("torch")

from nsr.errors import DataError  # noqa: E402
from nsr.perception.image_data import SYMBOLS as BANK_SYMBOLS  # noqa: E402
from nsr.perception.image_data import BankConfig, build_bank  # noqa: E402
from nsr.tasks.hint import SYMBOLS, HintTask  # noqa: E402
from nsr.tasks.hint.images import HintImages  # noqa: E402


@pytest.fixture(scope="module")
def images() -> HintImages:
    return HintImages(build_bank(BankConfig(per_operator=40, seed=0)))


def test_each_token_gets_an_image_of_its_symbol_from_its_part(images: HintImages) -> None:
    tokens = ("(", "3", "+", "4", ")", "*", "9", "/", "2", "-", "0")
    for part in ("train", "val", "test"):
        drawn = images.draw(tokens, part, seed=11)
        assert tuple(drawn.images.shape) == (len(tokens), 1, 8, 8)
        assert len(drawn.image_ids) == len(tokens)
        for tok, pos in zip(tokens, images.positions(tokens, part, seed=11), strict=True):
            assert BANK_SYMBOLS[images.bank.labels[pos]] == tok
            assert images.bank.parts[pos] == ("train", "val", "test").index(part)
        expected = images.bank.tensors(images.positions(tokens, part, seed=11))
        assert torch.equal(drawn.images, expected)


def test_drawing_is_reproducible_and_seeded(images: HintImages) -> None:
    tokens = ("1", "+", "2", "*", "3") * 4
    a = images.draw(tokens, "train", seed=5)
    assert a.image_ids == images.draw(tokens, "train", seed=5).image_ids
    assert a.image_ids != images.draw(tokens, "train", seed=6).image_ids
    # a fresh bank object built from the same config draws the same images
    again = HintImages(build_bank(BankConfig(per_operator=40, seed=0)))
    assert torch.equal(again.draw(tokens, "train", seed=5).images, a.images)


def test_examples_use_random_access_by_index(images: HintImages, hint_dir: Path) -> None:
    train = HintTask(seed=7).load(part="train", data_dir=hint_dir)[:50]
    test = HintTask(seed=7).load("SS", part="test", data_dir=hint_dir)[:50]
    drawn = images.draw_examples(train, "train", seed=100)
    # example idx depends only on seed + idx, not on the examples drawn before it
    assert images.draw(train[17].source, "train", seed=117).image_ids == drawn[17].image_ids
    assert images.draw_examples(train[17:18], "train", seed=117)[0].image_ids == drawn[17].image_ids
    train_ids = {i for d in drawn for i in d.image_ids}
    test_ids = {i for d in images.draw_examples(test, "test", seed=100) for i in d.image_ids}
    assert train_ids and test_ids and not train_ids & test_ids
    assert all(len(d.image_ids) == len(ex.source) for d, ex in zip(drawn, train, strict=True))


def test_every_hint_symbol_has_images_in_every_part(images: HintImages) -> None:
    assert tuple(BANK_SYMBOLS) == tuple(SYMBOLS)
    for part in ("train", "val", "test"):
        for sym in SYMBOLS:
            assert len(images.bank.pool(part, sym)) > 0
    # images of one symbol in a long expression are not all the same image
    drawn = images.draw(("7",) * 30, "train", seed=0)
    assert len(set(drawn.image_ids)) > 10
    assert not np.allclose(drawn.images[0].numpy(), drawn.images.mean(dim=0).numpy())


def test_unknown_tokens_and_parts_are_named(images: HintImages) -> None:
    with pytest.raises(DataError, match="'x'"):
        images.draw(("1", "x"), "train", seed=0)
    with pytest.raises(DataError, match="'dev'"):
        images.draw(("1",), "dev", seed=0)


def test_image_examples_hide_tokens_and_draw_short_expressions_several_times(
    images: HintImages,
) -> None:
    from nsr.perception.image_ids import image_position
    from nsr.tasks.base import Example

    exprs = [Example(("7",), 7, "a"), Example(("1", "+", "2"), 3, "b")]
    out = images.image_examples(exprs, "train", seed=3, draws={1: 4})
    assert [ex.target for ex in out] == [7, 7, 7, 7, 3]
    assert len({ex.source for ex in out[:4]}) > 1  # different images of the same digit
    for ex, tokens in zip(out, [("7",)] * 4 + [("1", "+", "2")], strict=True):
        assert all(t.startswith("img:") for t in ex.source)
        labels = tuple(BANK_SYMBOLS[images.bank.labels[image_position(t)]] for t in ex.source)
        assert labels == tokens
        assert all(images.bank.parts[image_position(t)] == 0 for t in ex.source)
    # draw 0 is the plain drawing; without draws every expression is drawn once
    assert out[0].source == images.image_examples(exprs, "train", seed=3)[0].source
    assert len(images.image_examples(exprs, "test", seed=3)) == 2
