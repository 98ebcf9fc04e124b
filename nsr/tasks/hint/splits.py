"""Held-out HINT splits: a seeded random sample of the generated training expressions.

Data efficiency on splits nobody tuned the learner on: train on ``size`` expressions drawn
with ``Random(seed)`` from the generated training set, test on the five generated test subsets
(I, SS, LS, SL, LL).
"""

from __future__ import annotations

import random
from pathlib import Path

from nsr.errors import ConfigError
from nsr.tasks.base import Example
from nsr.tasks.hint.task import ALL, TEST_SUBSETS, HintTask

#: Training-set sizes for the data-efficiency splits.
SIZES: tuple[int, ...] = (1_000, 2_000, 5_000)


def size_split(size: int, seed: int, *, data_dir: Path | None = None
               ) -> tuple[list[Example], dict[str, list[Example]]]:
    """(train, {subset: test}): ``size`` seeded training expressions and the test subsets."""
    task = HintTask()
    train = task.load(ALL, "train", data_dir=data_dir)
    if not 0 < size <= len(train):
        raise ConfigError(f"size must be in 1..{len(train)}, got {size}")
    tests = {s: task.load(s, "test", data_dir=data_dir) for s in TEST_SUBSETS}
    return random.Random(seed).sample(train, size), tests
