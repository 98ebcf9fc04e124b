"""LearnerConfig.projective reaches the parser and the abduced tree hypotheses."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("torch")

from nsr.abduction.candidates import candidate_trees  # noqa: E402
from nsr.learning.config import LearnerConfig, config_for_task  # noqa: E402
from nsr.syntax.parser import Parser  # noqa: E402
from nsr.tasks.registry import get_task  # noqa: E402


def test_projective_config_limits_enumerated_hypotheses() -> None:
    free = Parser(LearnerConfig(projective=False).parser_config(4), seed=0)
    proj = Parser(LearnerConfig(projective=True).parser_config(4), seed=0)
    assert not free.cfg.projective and proj.cfg.projective
    args = dict(enumerate_up_to=4, beam=2, samples=0, rng=random.Random(0))
    every = candidate_trees(free, [0, 1, 2], [1, 1, 0], **args)
    kept = candidate_trees(proj, [0, 1, 2], [1, 1, 0], **args)
    # unary unary leaf: a(b(x)) and b(a(x)); only the first keeps b's span contiguous
    assert {t.heads for t in every} == {(-1, 0, 1), (1, -1, 0)}
    assert [t.heads for t in kept] == [(-1, 0, 1)]


def test_every_task_starts_from_projective_trees() -> None:
    # the prior, dropped by a stage that needs crossing arcs (see test_one_config)
    for name in ("scan", "pcfg", "hint"):
        assert config_for_task(get_task(name), "").projective


def test_longer_input_with_a_new_symbol_gets_every_projective_tree() -> None:
    parser = Parser(LearnerConfig(projective=True).parser_config(6), seed=0)
    # ( 3 + 4 ) * 2 with + and * binary, digits leaves, both brackets new (arity unknown)
    symbols = [0, 1, 2, 3, 4, 5, 1]
    arities = [-1, 0, 2, 0, -1, 2, 0]
    args = dict(enumerate_up_to=5, beam=2, samples=0, rng=random.Random(0))
    every = candidate_trees(parser, symbols, arities, enumerate_new=200, **args)
    assert len(every) == 20 and (5, 2, 0, 2, 0, -1, 5) in {t.heads for t in every}
    # without it (or past the limit) the parser's beam alone proposes trees
    assert len(candidate_trees(parser, symbols, arities, **args)) <= 2
    assert len(candidate_trees(parser, symbols, arities, enumerate_new=10, **args)) <= 2
    # nothing new: the beam, whatever the limit
    known = [0, 0, 2, 0, 0, 2, 0]
    assert len(candidate_trees(parser, symbols, known, enumerate_new=200, **args)) <= 2


def test_the_identity_is_the_reading_of_last_resort() -> None:
    from nsr.induction.search import SearchExample
    from nsr.learning.steps import _search_symbol
    from nsr.model.model import NsrModel
    from nsr.semantics.printer import to_text

    model = NsrModel(["(", ")", "copy"], "numbers", seed=0)
    search = LearnerConfig(library="numbers").search_config()
    assert search.identity and search.rows_per_group > 0 and search.good_slack > 0
    # a bracket: over what it encloses (unary, the identity) or over that and `)` (binary):
    # both explain every example, and the projection keeps the bracket's span together
    bracket = {1: [SearchExample((v,), v, g) for g, v in enumerate((3, 7, 12, 0))],
               2: [SearchExample((v, 0), v, g) for g, v in enumerate((3, 7, 12, 0))]}
    found, _ = _search_symbol(bracket, search, model, 0, {})
    assert found is not None and to_text(found.program) == "lambda x, y: x"
    # a word that only passes its argument through: nothing else explains it
    copy = {1: [SearchExample((v,), v, g) for g, v in enumerate((3, 7, 12, 0))]}
    found, _ = _search_symbol(copy, search, model, 2, {})
    assert found is None  # not in the first round that searches it...
    found, _ = _search_symbol(copy, search, model, 2, {}, identity=True)
    assert found is not None and to_text(found.program) == "lambda x: x"  # ...but after it
    # and never for a word some tree gave two children
    found, _ = _search_symbol(bracket, search, model, 0, {}, identity=True)
    assert found is not None and to_text(found.program) == "lambda x, y: x"


def test_final_rounds_must_not_be_negative() -> None:
    from nsr.errors import ConfigError

    with pytest.raises(ConfigError, match="final_rounds"):
        LearnerConfig(final_rounds=-1)
    assert LearnerConfig().final_rounds > LearnerConfig().rounds_per_stage
