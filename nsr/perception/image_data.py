"""The offline symbol-image bank: handwritten digits + rendered operators, split by image.

HINT's image mode uses CROHME handwritten symbols, which cannot be fetched here; this bank is
the project's offline stand-in and is NOT CROHME:

- digits 0-9: scikit-learn's bundled UCI "optical recognition of handwritten digits" images
  (``sklearn.datasets.load_digits``: 1,797 8x8 images of ink counts 0..16, shipped inside the
  scikit-learn wheel, nothing downloaded);
- operators ``+ - * / ( )``: glyphs from matplotlib's bundled fonts with seeded random
  distortions, pushed through the same 32x32 -> 8x8 count pipeline (:mod:`.glyphs`).

Every image gets a stable id (``uci-digits:<row>`` or ``glyph:<symbol>:<k>``) and a part,
``train`` / ``val`` / ``test`` (75/5/20 within each symbol, by a seeded shuffle of the ids), so
that no test image is ever seen in training. Exact duplicate images are never admitted, so the
parts are disjoint by content as well as by id.

The bank is cached as ``${NSR_DATA:-~/.cache/nsr}/hint-images/bank-<key>.npz`` (atomic write);
building it from scratch takes about two seconds.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from nsr.atomic import atomic_write_bytes
from nsr.errors import ConfigError, DataError, MissingDependency
from nsr.perception.glyphs import OPERATOR_GLYPHS, Distortion, available_styles, render

FORMAT = "nsr-symbol-images/1"
PARTS: tuple[str, ...] = ("train", "val", "test")
DIGITS: tuple[str, ...] = tuple(str(d) for d in range(10))
#: The bank's symbols, in HINT's order (digits, operators, parentheses).
SYMBOLS: tuple[str, ...] = (*DIGITS, *OPERATOR_GLYPHS)
MAX_INK = 16  # an 8x8 pixel counts the ink pixels of a 4x4 block
SOURCE = (
    "NOT CROHME: digits from scikit-learn's bundled UCI handwritten digits (load_digits); "
    "operators rendered from matplotlib's DejaVu/STIX fonts with seeded random distortions"
)


@dataclass(frozen=True)
class BankConfig:
    """How the bank is built: operator images per symbol, the seed, the split fractions."""

    per_operator: int = 300
    seed: int = 0
    fractions: tuple[float, float, float] = (0.75, 0.05, 0.20)

    def __post_init__(self) -> None:
        if self.per_operator < len(PARTS):
            raise ConfigError(
                f"per_operator must be at least {len(PARTS)}, got {self.per_operator}"
            )
        if len(self.fractions) != len(PARTS) or any(f <= 0 for f in self.fractions):
            raise ConfigError(f"fractions must be three positive numbers, got {self.fractions}")
        if abs(sum(self.fractions) - 1.0) > 1e-9:
            raise ConfigError(f"fractions must sum to 1, got {self.fractions}")

    def key(self) -> str:
        """A short hash naming this configuration's cache file."""
        text = json.dumps({"format": FORMAT, **asdict(self)}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ImageBank:
    """All images (uint8 counts 0..16, shape (N, 8, 8)) with label, id and part per image.

    Arrays are treated as read-only; :meth:`pool` hands out index arrays, never copies.
    """

    config: BankConfig
    images: np.ndarray
    labels: np.ndarray  # index into SYMBOLS
    ids: tuple[str, ...]
    parts: np.ndarray  # index into PARTS

    def __len__(self) -> int:
        return len(self.ids)

    def indices(self, part: str) -> np.ndarray:
        """Positions of every image of ``part``."""
        return np.flatnonzero(self.parts == _part_index(part))

    def pool(self, part: str, symbol: str) -> np.ndarray:
        """Positions of the images of ``symbol`` in ``part`` (sorted, never empty)."""
        if symbol not in SYMBOLS:
            raise DataError(f"no images of symbol {symbol!r}; the bank holds {' '.join(SYMBOLS)}")
        mask = (self.parts == _part_index(part)) & (self.labels == SYMBOLS.index(symbol))
        return np.flatnonzero(mask)

    def tensors(self, positions: Sequence[int] | np.ndarray):
        """Float tensor (n, 1, 8, 8) in [0, 1] of the images at ``positions`` (imports torch)."""
        import torch

        x = np.asarray(self.images[np.asarray(positions, dtype=np.int64)], dtype=np.float32)
        return torch.from_numpy(x / MAX_INK).unsqueeze(1)


def _part_index(part: str) -> int:
    if part not in PARTS:
        raise ConfigError(f"unknown image part {part!r}; choose one of {', '.join(PARTS)}")
    return PARTS.index(part)


def _load_digits() -> tuple[np.ndarray, np.ndarray]:
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:
        raise MissingDependency(
            "the HINT digit images come from scikit-learn's bundled digits: "
            "pip install scikit-learn"
        ) from exc
    data = load_digits()
    return data.images.astype(np.uint8), data.target.astype(np.int64)


def _render_operators(
    config: BankConfig, taken: set[bytes]
) -> tuple[list[np.ndarray], list[int], list[str]]:
    """``per_operator`` distinct images per operator. Every attempt draws from its own
    ``Random`` seeded by (seed, symbol, attempt number), so the images do not depend on the
    order in which the symbols are rendered; duplicates are rejected and retried."""
    images, labels, ids = [], [], []
    distortion = Distortion()
    for symbol, chars in OPERATOR_GLYPHS.items():
        styles = {c: available_styles(c) for c in chars}
        made, attempt = 0, 0
        while made < config.per_operator:
            if attempt > 20 * config.per_operator:
                raise DataError(
                    f"could not render {config.per_operator} distinct {symbol!r} images"
                )
            rng = random.Random(f"nsr-glyph:{config.seed}:{symbol}:{attempt}")
            attempt += 1
            char = rng.choice(chars)
            image = render(char, rng.choice(styles[char]), rng, distortion)
            if image.tobytes() in taken:
                continue  # a duplicate could land in two parts; skip it
            taken.add(image.tobytes())
            images.append(image)
            labels.append(SYMBOLS.index(symbol))
            ids.append(f"glyph:{symbol}:{made}")
            made += 1
    return images, labels, ids


def split_parts(labels: np.ndarray, ids: Sequence[str], config: BankConfig) -> np.ndarray:
    """Part of each image: within each symbol, a seeded shuffle of its ids cut 75/5/20.

    Depends only on the ids and the seed, so adding another symbol never moves an image.
    """
    parts = np.zeros(len(ids), dtype=np.int8)
    for label in np.unique(labels):
        members = sorted(np.flatnonzero(labels == label).tolist(), key=lambda i: ids[i])
        random.Random(f"nsr-image-split:{config.seed}:{SYMBOLS[label]}").shuffle(members)
        n = len(members)
        n_val = max(1, round(config.fractions[1] * n))
        n_test = max(1, round(config.fractions[2] * n))
        for rank, pos in enumerate(members):
            parts[pos] = 2 if rank < n_test else 1 if rank < n_test + n_val else 0
    return parts


def build_bank(config: BankConfig | None = None) -> ImageBank:
    """Generate the bank from scratch (deterministic in ``config``)."""
    config = config or BankConfig()
    digits, digit_labels = _load_digits()
    taken = {img.tobytes() for img in digits}
    if len(taken) != len(digits):
        raise DataError("scikit-learn's digits contain duplicate images; cannot split by image")
    op_images, op_labels, op_ids = _render_operators(config, taken)
    images = np.concatenate([digits, np.stack(op_images)])
    labels = np.concatenate([digit_labels, np.asarray(op_labels, dtype=np.int64)])
    ids = (*(f"uci-digits:{i}" for i in range(len(digits))), *op_ids)
    return ImageBank(config, images, labels, ids, split_parts(labels, ids, config))


def bank_cache_path(config: BankConfig) -> Path:
    from nsr.tasks.paths import cache_root

    return cache_root() / "hint-images" / f"bank-{config.key()}.npz"


def _to_npz(bank: ImageBank) -> bytes:
    buffer = io.BytesIO()
    meta = json.dumps(
        {"format": FORMAT, "config": asdict(bank.config), "source": SOURCE, "ids": list(bank.ids)}
    )
    np.savez_compressed(
        buffer,
        images=bank.images,
        labels=bank.labels,
        parts=bank.parts,
        meta=np.frombuffer(meta.encode(), dtype=np.uint8),
    )
    return buffer.getvalue()


def _from_npz(path: Path, config: BankConfig) -> ImageBank:
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            images, labels, parts = data["images"], data["labels"], data["parts"]
        if meta.get("format") != FORMAT or meta.get("config") != json.loads(
            json.dumps(asdict(config))
        ):
            raise ValueError("format or configuration differs")
        ids = tuple(meta["ids"])
        if not (len(images) == len(labels) == len(parts) == len(ids)):
            raise ValueError("array lengths differ")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"image bank cache {path} is corrupt ({exc}); delete it to rebuild"
        ) from exc
    return ImageBank(config, images, labels, ids, parts)


def load_bank(config: BankConfig | None = None, *, cache: bool = True) -> ImageBank:
    """The bank for ``config``: from the cache if present, else built (and cached)."""
    config = config or BankConfig()
    if not cache:
        return build_bank(config)
    path = bank_cache_path(config)
    if path.is_file():
        return _from_npz(path, config)
    bank = build_bank(config)
    atomic_write_bytes(path, _to_npz(bank))
    return bank
