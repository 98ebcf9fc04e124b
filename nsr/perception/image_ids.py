"""Image perception behind string segments: an input token is an image id, not a symbol.

Why ids: the learner caches perception per input string and moves inputs around as tuples of
strings (hashable pseudo-label keys). An image input is therefore a sequence of opaque ids
``img:<position>`` into a fixed :class:`~nsr.perception.image_data.ImageBank`; this module looks
up the pixels and runs the CNN, so the learner sees the same ``predict / log_probs / fit``
interface as for tokens. The id carries no symbol identity (a bank position, nothing more).

Pseudo-labels arrive once per occurrence (an image reused by several examples may be abduced to
different symbols); :meth:`ImageIdPerception.fit` trains on each image's majority symbol, which
is also much cheaper than one row per occurrence. When every label already is the CNN's answer
(no perception revision this round) the fit is skipped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict

from nsr.errors import DataError
from nsr.perception.image_data import BankConfig, ImageBank, load_bank
from nsr.perception.images import ImagePerception, ImagePerceptionConfig

KIND = "image-ids"
PREFIX = "img:"


def image_id(position: int) -> str:
    """The input token standing for the bank image at ``position``."""
    return f"{PREFIX}{int(position)}"


def image_position(token: str) -> int:
    """The bank position of an image id; anything else raises :class:`DataError`."""
    if not token.startswith(PREFIX) or not token[len(PREFIX):].isdigit():
        raise DataError(f"not an image id: {token!r} (expected {PREFIX}<bank position>)")
    return int(token[len(PREFIX):])


def majority_labels(tokens: Sequence[str], symbols: Sequence[int]) -> dict[str, int]:
    """Each distinct image's most frequent pseudo-label (ties: the smallest symbol).

    Why: an image reused by several examples may be abduced to different symbols; the CNN
    learns one label per image.
    """
    votes: dict[str, Counter] = defaultdict(Counter)
    for tok, sym in zip(tokens, symbols, strict=True):
        votes[tok][int(sym)] += 1
    return {t: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for t, c in votes.items()}


class ImageIdPerception:
    """A CNN over bank images addressed by id; ``segments`` are the training images' ids."""

    def __init__(self, cnn: ImagePerception, bank: ImageBank,
                 segments: Sequence[str] = ()) -> None:
        self.cnn = cnn
        self.bank = bank
        #: Images seen in training: the learner keeps unlabelled ones at their current symbol.
        self.segments = tuple(segments)

    @property
    def n_symbols(self) -> int:
        return self.cnn.cfg.n_symbols

    def images(self, tokens: Sequence[str]):
        """Pixels (n, 1, 8, 8) of the images named by ``tokens``."""
        positions = [image_position(t) for t in tokens]
        bad = [p for p in positions if p >= len(self.bank)]
        if bad:
            raise DataError(f"image id img:{bad[0]} is outside the bank ({len(self.bank)} images)")
        return self.bank.tensors(positions)

    def predict(self, tokens: Sequence[str]) -> tuple[list[int], list[float]]:
        if not tokens:
            return [], []
        return self.cnn.predict(self.images(tokens))

    def log_probs(self, tokens: Sequence[str]) -> list[list[float]]:
        if not tokens:
            return []
        return self.cnn.log_probs(self.images(tokens))

    def fit(self, tokens: Sequence[str], symbols: Sequence[int], seed: int = 0) -> float:
        """Train on each distinct image's majority pseudo-label (ties: smallest symbol)."""
        if len(tokens) != len(symbols) or not tokens:
            raise DataError("perception.fit needs equally many images and symbols (at least one)")
        majority = majority_labels(tokens, symbols)
        ids = sorted(majority)
        labels = [majority[t] for t in ids]
        x = self.images(ids)
        if self.cnn.predict(x)[0] == labels:
            return 0.0  # nothing to learn: refitting on its own answers only costs time
        return self.cnn.fit(x, labels, seed=seed)

    def state_dict(self) -> dict:
        bank = asdict(self.bank.config)
        bank["fractions"] = list(bank["fractions"])
        return {"kind": KIND, "bank": bank, "cnn": self.cnn.state_dict(),
                "segments": list(self.segments)}

    @classmethod
    def from_state(cls, state: dict, bank: ImageBank | None = None) -> ImageIdPerception:
        """Rebuild from a state; the bank is reloaded (cached or rebuilt) from its config."""
        if state.get("kind") != KIND:
            raise DataError(f"not an image-id perception state (kind {state.get('kind')!r})")
        config = dict(state["bank"])
        config["fractions"] = tuple(config["fractions"])
        bank_config = BankConfig(**config)
        if bank is None or bank.config != bank_config:
            bank = load_bank(bank_config)
        cnn = ImagePerception.from_state(state["cnn"])
        return cls(cnn, bank, tuple(state.get("segments", ())))


def new_perception(bank: ImageBank, n_symbols: int, segments: Sequence[str], *,
                   seed: int = 0, **cnn_options) -> ImageIdPerception:
    """An untrained CNN for ``n_symbols`` symbols over ``bank`` (see :func:`warm_start_ids`)."""
    return ImageIdPerception(ImagePerception(ImagePerceptionConfig(n_symbols, **cnn_options),
                                             seed=seed), bank, segments)
