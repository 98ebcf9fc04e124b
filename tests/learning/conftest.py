"""A tiny SCAN-like data set, labelled by the reference oracle (tests may use oracles; the
learner never does), and one smoke-trained model shared by the learning and CLI tests."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from nsr.tasks.base import Example
from nsr.tasks.scan.oracle import interpret

ACTIONS = ("walk", "look", "run")
DIRECTIONS = ("left", "right")


def _phrases() -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for a in ACTIONS:
        out.append((a,))
        for d in DIRECTIONS:
            out += [(a, d), (a, "opposite", d)]
    for d in DIRECTIONS:
        out += [("turn", d), ("turn", "opposite", d)]
    return out


def tiny_scan(seed: int = 0) -> tuple[list[Example], list[Example]]:
    """Commands of a SCAN fragment (no 'around', no 'after'), split 70/30 at random."""
    commands: list[tuple[str, ...]] = []
    phrases = _phrases()
    for p in phrases:
        commands += [p, (*p, "twice")]
    for p, q in itertools.product(phrases, repeat=2):
        commands.append((*p, "and", *q))
    rng = random.Random(seed)
    rng.shuffle(commands)
    # Short commands always train: they carry the primitives' meanings (as in SCAN's splits).
    train = [c for c in commands if len(c) <= 2]
    rest = [c for c in commands if len(c) > 2]
    cut = int(0.7 * len(rest))
    train += rest[:cut]
    test = rest[cut:]

    def examples(cmds: list[tuple[str, ...]], part: str) -> list[Example]:
        return [Example(c, interpret(c), f"tiny/{part}:{i}") for i, c in enumerate(cmds)]

    return examples(train, "train"), examples(test, "test")


@pytest.fixture(scope="session")
def tiny_data() -> tuple[list[Example], list[Example]]:
    return tiny_scan()


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory, tiny_data):
    """(train result, checkpoint dir): one smoke training shared by several tests."""
    from nsr.learning.config import LearnerConfig
    from nsr.learning.loop import train

    out: Path = tmp_path_factory.mktemp("ckpt") / "tiny"
    result = train(tiny_data[0], LearnerConfig(task="scan", split="tiny"), seed=0, out=out,
                   progress=False)
    return result, out
