"""HINT in image mode: each token of an expression becomes one symbol image (offline, NOT CROHME).

The published HINT renders expressions with CROHME handwritten symbols; those are unavailable
here, so images come from :mod:`nsr.perception.image_data` (scikit-learn's UCI digits plus
rendered, distorted operator glyphs). A token's image is drawn only from the pool of the part
the example belongs to (``train`` examples from training images, ``test`` subsets from test
images), so a test image is never seen in training.

Access is random but reproducible: the images of example ``idx`` depend only on
``Random(seed + idx)`` (reasoning-gym style), never on which examples were drawn before.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nsr.errors import DataError
from nsr.perception.image_data import SYMBOLS as BANK_SYMBOLS
from nsr.perception.image_data import BankConfig, ImageBank, load_bank
from nsr.tasks.hint.expr import SYMBOLS

if TYPE_CHECKING:
    import torch

    from nsr.tasks.base import Example

#: Which image part serves which data part (HINT has train and test; val is for tuning).
IMAGE_PART: dict[str, str] = {"train": "train", "val": "val", "test": "test"}


@dataclass(frozen=True)
class ExampleImages:
    """The images standing for one token sequence: tensor (n, 1, 8, 8) and each image's id."""

    tokens: tuple[str, ...]
    images: torch.Tensor
    image_ids: tuple[str, ...]
    part: str
    seed: int


class HintImages:
    """Draws symbol images for HINT token sequences from a fixed :class:`ImageBank`."""

    def __init__(self, bank: ImageBank) -> None:
        if tuple(BANK_SYMBOLS) != tuple(SYMBOLS):
            raise DataError(f"image bank symbols {BANK_SYMBOLS} differ from HINT's {SYMBOLS}")
        self.bank = bank
        self._pools = {
            (part, sym): bank.pool(part, sym).tolist()
            for part in IMAGE_PART.values()
            for sym in SYMBOLS
        }

    @classmethod
    def load(cls, config: BankConfig | None = None, *, cache: bool = True) -> HintImages:
        """The default bank (cached under ``${NSR_DATA:-~/.cache/nsr}/hint-images``)."""
        return cls(load_bank(config, cache=cache))

    def positions(self, tokens: Sequence[str], part: str, seed: int) -> list[int]:
        """Bank positions of the images for ``tokens``: one per token, from ``part``'s pools."""
        if part not in IMAGE_PART:
            raise DataError(f"unknown part {part!r}; choose one of {', '.join(IMAGE_PART)}")
        rng = random.Random(seed)
        out = []
        for tok in tokens:
            pool = self._pools.get((IMAGE_PART[part], tok))
            if pool is None:
                raise DataError(
                    f"HINT has no image for token {tok!r}; symbols are {' '.join(SYMBOLS)}"
                )
            out.append(pool[rng.randrange(len(pool))])
        return out

    def draw(self, tokens: Sequence[str], part: str, seed: int) -> ExampleImages:
        """The images of one token sequence; the same (tokens, part, seed) gives the same images."""
        pos = self.positions(tokens, part, seed)
        return ExampleImages(
            tuple(tokens), self.bank.tensors(pos), tuple(self.bank.ids[p] for p in pos), part, seed
        )

    def image_examples(
        self, examples: Sequence[Example], part: str, seed: int = 0,
        draws: Mapping[int, int] | None = None,
    ) -> list[Example]:
        """The examples with each token replaced by an image id (``img:<bank position>``).

        This is what the image learner sees: opaque ids and the target, no token identity.
        Example ``idx`` draws with ``Random(seed + idx)`` from ``part``'s images only;
        ``draws[n]`` > 1 renders each expression of ``n`` tokens that many times (draw ``k``
        uses ``Random(seed + idx + k * len(examples))``), e.g. to show every digit often enough.
        """
        from nsr.perception.image_ids import image_id
        from nsr.tasks.base import Example

        draws = draws or {}
        out = []
        for idx, ex in enumerate(examples):
            meta = {k: v for k, v in ex.meta.items() if k not in ("head",)}
            for k in range(max(1, draws.get(len(ex.source), 1))):
                at = seed + idx + k * len(examples)
                ids = tuple(image_id(p) for p in self.positions(ex.source, part, at))
                name = ex.id if k == 0 else f"{ex.id}#{k}"
                out.append(Example(ids, ex.target, name, {**meta, "image_part": part}))
        return out

    def draw_examples(
        self, examples: Sequence[Example], part: str, seed: int = 0
    ) -> list[ExampleImages]:
        """Images for a list of examples; example ``idx`` uses ``Random(seed + idx)``."""
        return [self.draw(ex.source, part, seed + idx) for idx, ex in enumerate(examples)]


#: What image input declares about its data: each segment is a picture read by a CNN. Every
#: learner setting is the one configuration's default; what differs from token input (how many
#: symbol classes, perception revision, stricter adoption for noisy clusters) the learner reads
#: off the images and off how many of them perception reads as each symbol.
PERCEPTION = "images"

#: Images are drawn with Random(IMAGE_SEED + idx) for example idx (fixed: a run is repeatable).
IMAGE_SEED = 0


#: Training renders of each expression by its number of tokens (others: one). HINT has only ten
#: one-digit expressions; drawn once each they would name at most ten of the digit images'
#: clusters, so single digits and the shortest expressions are shown with several images.
TRAIN_DRAWS: dict[int, int] = {1: 30, 3: 3}


def test_image_ids(tokens: Sequence[str], seed: int = IMAGE_SEED) -> tuple[str, ...]:
    """Image ids standing for typed ``tokens``, each drawn (``Random(seed)``) from the test
    images of its symbol: what ``nsr solve hint --input images`` feeds the model."""
    from nsr.perception.image_ids import image_id

    return tuple(image_id(p) for p in HintImages.load().positions(tokens, "test", seed))


def save_strip(image_ids: Sequence[str], typed: Sequence[str], read: Sequence[str],
               path: Path) -> None:
    """Save the images as one PNG row, each titled with the typed symbol and, below, the
    learned symbol perception read it as (written atomically)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nsr.atomic import atomic_write_bytes
    from nsr.perception.image_data import MAX_INK, load_bank
    from nsr.perception.image_ids import image_position

    bank = load_bank()
    n = len(image_ids)
    fig, axes = plt.subplots(1, n, figsize=(0.9 * n + 0.4, 1.6), squeeze=False)
    for ax, i, t, r in zip(axes[0], image_ids, typed, read, strict=True):
        ax.imshow(bank.images[image_position(i)], cmap="gray_r", vmin=0, vmax=MAX_INK)
        ax.set_title(t, fontsize=11)
        ax.set_xlabel(r, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("typed symbol / image (unseen in training) / learned symbol read", fontsize=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    atomic_write_bytes(Path(path), buffer.getvalue())


def image_examples(examples: Sequence[Example], part: str, seed: int = IMAGE_SEED) -> list[Example]:
    """``examples`` as image-id inputs from the default bank's ``part`` (train or test);
    training expressions get :data:`TRAIN_DRAWS` renders, test expressions one."""
    draws = TRAIN_DRAWS if part == "train" else None
    return HintImages.load().image_examples(examples, part, seed, draws)


def undrawable(tokens: Sequence[str]) -> tuple[str, ...]:
    """The tokens of an input that have no image in the bank (a symbol HINT does not have,
    e.g. a new operator of the user's file): such an input cannot be shown to the model."""
    return tuple(dict.fromkeys(t for t in tokens if t not in BANK_SYMBOLS))
