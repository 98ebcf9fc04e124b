"""How noisy a symbol's rows are, read off perception: token input gets the defaults exactly,
image clusters the stricter thresholds, with no setting that names the input."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.learning.config import LearnerConfig  # noqa: E402
from nsr.learning.noise import Thresholds, model_noise, scaled_count, symbol_noise  # noqa: E402
from nsr.model.model import NsrModel  # noqa: E402
from nsr.semantics.parser import parse_program  # noqa: E402
from nsr.syntax.tree import Tree  # noqa: E402


def _thresholds(noise: dict[int, float]) -> Thresholds:
    cfg = LearnerConfig().selection_config()
    return Thresholds(noise, cfg.adopt_fraction, cfg.min_support, cfg.noisy_adopt_fraction,
                      cfg.noisy_min_support)


def test_a_token_is_certain_and_a_cluster_of_many_images_is_noisy() -> None:
    config = LearnerConfig()
    tokens = symbol_noise({0: 1, 1: 1, 2: 1})
    assert tokens == {0: 0.0, 1: 0.0, 2: 0.0} and model_noise(tokens) == 0.0
    # token input: every threshold and budget is the default, exactly
    assert _thresholds(tokens)(1) == (config.adopt_fraction, config.min_support)
    assert scaled_count(config.max_abduce, config.noisy_max_abduce, 0.0) == config.max_abduce
    # an image cluster of 80 segments: nearly the noisy values; two segments: halfway
    clusters = symbol_noise({0: 80, 1: 2, 2: 0})
    assert 2 not in clusters  # a symbol nothing is read as offers no rows
    adopt, support = _thresholds(clusters)(0)
    assert config.noisy_adopt_fraction - 0.01 < adopt < config.noisy_adopt_fraction
    assert support == config.noisy_min_support
    assert _thresholds(clusters)(1)[0] == pytest.approx(
        (config.adopt_fraction + config.noisy_adopt_fraction) / 2)
    assert _thresholds(clusters).noisiest_support() == config.noisy_min_support
    budget = scaled_count(config.search_max_candidates, config.noisy_search_max_candidates,
                          model_noise(clusters))
    assert config.noisy_search_max_candidates < budget < config.search_max_candidates


def test_noisy_rows_need_a_program_that_explains_most_of_them() -> None:
    from nsr.abduction.revise import Revision
    from nsr.induction.search import SearchConfig
    from nsr.learning.steps import Abduction, Hypothesis, select

    # symbol 0 is a binary hole; 6 of 10 examples ask 2 op 5 = 7, the other 4 say 2 op 5 = 9
    model = NsrModel(("op", "a", "b"), "numbers", seed=0)
    model.programs.update({1: parse_program("lambda: 2"), 2: parse_program("lambda: 5")})
    tree = Tree((-1, 0, 0))
    abductions = [Abduction(i, ("op", "a", "b"), (0, 1, 2), value,
                            (Hypothesis(tree, (Revision(0, value, "hole", 0.0, (2, 5)),),
                                        False),))
                  for i, value in enumerate([7] * 6 + [9] * 4)]
    search = SearchConfig(library="numbers", max_size=4)
    config = LearnerConfig()
    kwargs = dict(adopt_fraction=config.adopt_fraction, min_support=config.min_support)
    certain = select(model, abductions, search, thresholds=_thresholds({0: 0.0}), **kwargs)
    assert 0 in certain.programs  # 6 of 10 rows of a token: a majority is evidence
    noisy = select(model, abductions, search, thresholds=_thresholds({0: 0.99}), **kwargs)
    assert 0 not in noisy.programs  # 6 of 10 rows of an image cluster: not enough


def test_token_input_is_never_revised_by_perception() -> None:
    from nsr.learning.loop import _perception_step
    from nsr.learning.steps import Selection, symbol_inventory

    vocab = ("a", "b")
    model = NsrModel(vocab, "numbers", seed=0)
    model.perception.fit(list(vocab), [0, 1], seed=0)
    assert set(symbol_inventory(model).values()) == {1}
    chosen = Selection(())
    wrong = [(model.run([("a", "b")])[0], 3)]
    settings = LearnerConfig().perception_config()
    assert settings.perception_revision  # the default: it acts where perception is uncertain
    assert _perception_step(model, wrong, chosen, settings) is chosen
