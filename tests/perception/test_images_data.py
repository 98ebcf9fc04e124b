"""The offline symbol-image bank: disjoint parts, reproducibility, shapes, the disk cache."""

from __future__ import annotations

import random

import numpy as np
import pytest

pytest.importorskip("sklearn")
torch = pytest.importorskip("torch")

from nsr.errors import ConfigError, DataError  # noqa: E402
from nsr.perception import image_data  # noqa: E402
from nsr.perception.glyphs import OPERATOR_GLYPHS, Distortion, render  # noqa: E402
from nsr.perception.image_data import (  # noqa: E402
    PARTS,
    SYMBOLS,
    BankConfig,
    ImageBank,
    build_bank,
    load_bank,
)

SMALL = BankConfig(per_operator=40, seed=3)


@pytest.fixture(scope="module")
def bank() -> ImageBank:
    return build_bank(SMALL)


def test_parts_are_disjoint_by_id_and_by_content(bank: ImageBank) -> None:
    seen_ids: dict[str, str] = {}
    seen_pixels: dict[bytes, str] = {}
    for part in PARTS:
        for pos in bank.indices(part):
            assert seen_ids.setdefault(bank.ids[pos], part) == part
            assert seen_pixels.setdefault(bank.images[pos].tobytes(), part) == part
    assert len(seen_ids) == len(bank) == len(seen_pixels)


def test_every_symbol_is_split_75_5_20(bank: ImageBank) -> None:
    for s, symbol in enumerate(SYMBOLS):
        n = int((bank.labels == s).sum())
        sizes = [len(bank.pool(part, symbol)) for part in PARTS]
        assert sum(sizes) == n and min(sizes) >= 1
        assert abs(sizes[0] / n - 0.75) < 0.03 and abs(sizes[2] / n - 0.20) < 0.03
    # digits: every UCI image exactly once; operators: exactly per_operator each
    assert sum(i.startswith("uci-digits:") for i in bank.ids) == 1797
    for op in OPERATOR_GLYPHS:
        assert int((bank.labels == SYMBOLS.index(op)).sum()) == SMALL.per_operator


def test_same_config_same_bank_other_seed_other_glyphs(bank: ImageBank) -> None:
    again = build_bank(SMALL)
    assert np.array_equal(again.images, bank.images) and again.ids == bank.ids
    assert np.array_equal(again.parts, bank.parts)
    other = build_bank(BankConfig(per_operator=40, seed=4))
    ops = [i for i, name in enumerate(bank.ids) if name.startswith("glyph:")]
    assert not np.array_equal(other.images[ops], bank.images[ops])
    assert not np.array_equal(other.parts, bank.parts)


def test_images_look_like_the_uci_digits(bank: ImageBank) -> None:
    assert bank.images.shape == (len(bank), 8, 8) and bank.images.dtype == np.uint8
    assert int(bank.images.max()) <= 16
    x = bank.tensors(bank.pool("test", "+")[:5])
    assert tuple(x.shape) == (5, 1, 8, 8) and x.dtype == torch.float32
    assert float(x.min()) >= 0.0 and float(x.max()) <= 1.0
    # every operator image has ink, and distortions make the images of one glyph differ
    for op in OPERATOR_GLYPHS:
        imgs = bank.images[bank.pool("train", op)]
        assert (imgs.reshape(len(imgs), -1).sum(axis=1) > 0).all()
        assert len({img.tobytes() for img in imgs}) == len(imgs)


def test_render_is_a_function_of_its_random_state() -> None:
    a = render("(", "DejaVuSans.ttf", random.Random(5), Distortion())
    b = render("(", "DejaVuSans.ttf", random.Random(5), Distortion())
    c = render("(", "DejaVuSans.ttf", random.Random(6), Distortion())
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_cache_is_written_once_and_read_back(tmp_path, monkeypatch, bank: ImageBank) -> None:
    monkeypatch.setenv("NSR_DATA", str(tmp_path))
    first = load_bank(SMALL)
    path = image_data.bank_cache_path(SMALL)
    assert path.is_file() and path.parent == tmp_path / "hint-images"
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp left
    second = load_bank(SMALL)
    assert np.array_equal(first.images, second.images) and first.ids == second.ids == bank.ids
    path.write_bytes(b"not an npz")
    with pytest.raises(DataError, match="corrupt"):
        load_bank(SMALL)


def test_bad_config_and_unknown_names_are_named(bank: ImageBank) -> None:
    with pytest.raises(ConfigError, match="sum to 1"):
        BankConfig(fractions=(0.5, 0.2, 0.2))
    with pytest.raises(ConfigError, match="'dev'"):
        bank.indices("dev")
    with pytest.raises(DataError, match="'%'"):
        bank.pool("train", "%")
