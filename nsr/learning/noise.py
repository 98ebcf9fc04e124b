"""How noisy a symbol's rows are, read off perception, and the thresholds that follow from it.

A symbol perception reads from one segment (a token is its own symbol) offers rows that can be
wrong only through their trees. A symbol read from many segments (an image cluster of ~80
training images) offers rows from misread images too, and one meaning is split over several
such symbols, so each sees fewer rows. The learner does not ask what the input is: it counts
how many known segments perception reads as each symbol (``steps.symbol_inventory``) and
takes ``noise = 1 - 1/segments``: the chance that two rows of the symbol come from different
segments (0 for a token, ~0.99 for a cluster). Each threshold moves from its value for certain
rows toward its ``noisy_`` twin in :class:`~nsr.learning.config.LearnerConfig` in proportion,
so token tasks get the defaults exactly and no task names its own numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


def symbol_noise(inventory: Mapping[int, int]) -> dict[int, float]:
    """``1 - 1/segments`` per symbol of ``inventory`` (symbol -> segments read as it)."""
    return {s: 1.0 - 1.0 / n for s, n in inventory.items() if n > 0}


def model_noise(noise: Mapping[int, float]) -> float:
    """The mean noise of the symbols perception reads at all (0 with none): model-wide
    budgets (examples abduced per round, search candidates) follow it."""
    return sum(noise.values()) / len(noise) if noise else 0.0


def blend(certain: float, noisy: float, noise: float) -> float:
    """``certain`` at noise 0, ``noisy`` at noise 1, linear between."""
    return certain + (noisy - certain) * noise


@dataclass(frozen=True)
class Thresholds:
    """Adoption thresholds per symbol (see ``select`` in :mod:`nsr.learning.steps`)."""

    noise: Mapping[int, float]
    adopt_fraction: float
    min_support: int
    noisy_adopt_fraction: float
    noisy_min_support: int

    def __call__(self, symbol: int) -> tuple[float, int]:
        """(adopt_fraction, min_support) for ``symbol``'s rows."""
        u = self.noise.get(symbol, 0.0)
        support = math.ceil(blend(self.min_support, self.noisy_min_support, u) - 1e-9)
        return blend(self.adopt_fraction, self.noisy_adopt_fraction, u), support

    def noisiest_support(self) -> int:
        """The support asked of the noisiest symbol (``min_support`` when none is noisy)."""
        return max((self(s)[1] for s in self.noise), default=self.min_support)


def scaled_count(certain: int, noisy: int, noise: float) -> int:
    """A count budget blended by ``noise`` (rounded; ``certain`` exactly at noise 0)."""
    return certain if noise == 0 else max(1, round(blend(certain, noisy, noise)))
