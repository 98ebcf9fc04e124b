"""LearnerConfig.projective reaches the parser and the abduced tree hypotheses."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("torch")

from nsr.abduction.candidates import candidate_trees  # noqa: E402
from nsr.learning.loop import LearnerConfig, config_for_task  # noqa: E402
from nsr.syntax.parser import Parser  # noqa: E402
from nsr.tasks.registry import get_task  # noqa: E402


def test_projective_config_limits_enumerated_hypotheses() -> None:
    free = Parser(LearnerConfig().parser_config(4), seed=0)
    proj = Parser(LearnerConfig(projective=True).parser_config(4), seed=0)
    assert not free.cfg.projective and proj.cfg.projective
    args = dict(enumerate_up_to=4, beam=2, samples=0, rng=random.Random(0))
    every = candidate_trees(free, [0, 1, 2], [1, 1, 0], **args)
    kept = candidate_trees(proj, [0, 1, 2], [1, 1, 0], **args)
    # unary unary leaf: a(b(x)) and b(a(x)); only the first keeps b's span contiguous
    assert {t.heads for t in every} == {(-1, 0, 1), (1, -1, 0)}
    assert [t.heads for t in kept] == [(-1, 0, 1)]


def test_pcfg_asks_for_projective_trees_and_scan_does_not() -> None:
    assert config_for_task(get_task("pcfg"), "iid").projective
    assert not config_for_task(get_task("scan"), "simple").projective
