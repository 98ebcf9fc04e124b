"""Held-out PCFG SET splits: a seeded random fraction of the 10K training file.

Data efficiency on splits nobody tuned the learner on: train on ``fraction`` of the release's
training pairs (drawn with ``Random(seed)``), test on the i.i.d. split's official test file.
"""

from __future__ import annotations

import random
from pathlib import Path

from nsr.errors import ConfigError
from nsr.tasks.base import Example
from nsr.tasks.paths import find_dataset_dir, require_file
from nsr.tasks.pcfg.task import TEST_DIRS, TRAIN_STEM, load_pair

#: Fractions of the training file for the data-efficiency splits.
FRACTIONS: tuple[float, ...] = (0.10, 0.25)


def fraction_split(fraction: float, seed: int, *,
                   data_dir: Path | None = None) -> tuple[list[Example], list[Example]]:
    """(train, test): a seeded ``fraction`` of the training file, the i.i.d. test file."""
    if not 0.0 < fraction <= 1.0:
        raise ConfigError(f"fraction must be in (0, 1], got {fraction}")
    root = find_dataset_dir("pcfg", data_dir)
    tag = f"iid-{fraction:g}"
    for stem in (TRAIN_STEM, f"{TEST_DIRS['iid']}/test"):
        require_file(root, stem + ".src", "pcfg")
        require_file(root, stem + ".tgt", "pcfg")
    train = load_pair(root / TRAIN_STEM, id_prefix=f"pcfg/{tag}/train", split=tag, part="train")
    test = load_pair(root / f"{TEST_DIRS['iid']}/test", id_prefix=f"pcfg/{tag}/test", split=tag,
                     part="test")
    n = max(1, round(fraction * len(train)))
    return random.Random(seed).sample(train, n), test
