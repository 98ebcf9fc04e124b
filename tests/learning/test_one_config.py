"""The one learner configuration: curriculum read off the data, program size grown by evidence,
and no per-task setting that decides either."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.errors import ConfigError  # noqa: E402
from nsr.learning.loop import LearnerConfig, _stages, curriculum_from_lengths  # noqa: E402
from nsr.learning.model import NsrModel  # noqa: E402
from nsr.syntax.tree import Tree  # noqa: E402


def test_the_curriculum_starts_at_the_shortest_inputs_whatever_their_length() -> None:
    # no input shorter than 4 tokens: the first stage is 4, not 1
    lengths = [4] * 6 + [5] * 20 + [6] * 58 + [7] * 97 + [8] * 99 + [9] * 55
    stages = curriculum_from_lengths(lengths, 1.5)
    assert stages[0] == 4 and stages[-1] == 9


def test_a_new_stage_comes_when_the_pool_has_grown_enough() -> None:
    # HINT-like: odd lengths, ~1,500 examples each: stages thin out as the pool grows
    lengths = [1] * 10 + [3] * 390 + [k for n in range(5, 38, 2) for k in [n] * 1400]
    stages = curriculum_from_lengths(lengths, 1.5)
    assert stages[:4] == (1, 3, 5, 7)
    gaps = [b - a for a, b in zip(stages, stages[1:], strict=False)]
    assert gaps[-2] > gaps[0]  # later stages span more lengths
    assert stages[-1] == 37
    # every length when each one at least adds half of the pool (SCAN-like growth)
    assert curriculum_from_lengths([1] * 4 + [2] * 14 + [3] * 60 + [4] * 250, 1.5) == (1, 2, 3, 4)


def test_a_given_curriculum_is_trimmed_to_the_data() -> None:
    config = LearnerConfig(curriculum=(1, 3, 5))
    assert _stages([4, 4, 5, 9], config) == (5, 9)
    with pytest.raises(ConfigError):
        LearnerConfig(stage_growth=1.0)
    with pytest.raises(ConfigError):
        LearnerConfig(search_max_size=9, search_size_limit=8)


def test_a_symbol_whose_rows_no_small_program_explains_is_searched_bigger_next() -> None:
    from nsr.abduction.revise import Revision
    from nsr.learning.steps import Abduction, Hypothesis, select
    from nsr.semantics.search import SearchConfig, program_size

    # symbol 0 over symbol 1; the rows need cons(car(x), cons(last(x), append(x, reverse(x))))
    # (10 nodes)
    model = NsrModel(("f", "a"), "sequences", seed=0)
    tree = Tree((-1, 0))

    def want(x: tuple[str, ...]) -> tuple[str, ...]:
        return (x[0], x[-1], *x, *reversed(x))

    inputs = [("a", "b"), ("c", "d", "e"), ("b", "a", "c"), ("e", "d"), ("a", "c", "d", "b")]
    abductions = [Abduction(i, ("f", "a"), (0, 1), want(x),
                            (Hypothesis(tree, (Revision(0, want(x), "hole", 0.0, (x,)),),
                                        False),))
                  for i, x in enumerate(inputs)]
    search = SearchConfig(library="sequences", max_size=9, max_candidates=2_000_000,
                          budget_s=60)
    small = select(model, abductions, search, adopt_fraction=0.5, min_support=2)
    assert 0 not in small.programs and 0 in small.unsolved
    grown = select(model, abductions, search, adopt_fraction=0.5, min_support=2,
                   sizes={0: 10})
    assert 0 in grown.programs and program_size(grown.programs[0]) == 10
    assert not grown.unsolved


def test_no_task_declares_learner_settings_it_no_longer_needs() -> None:
    from nsr.tasks import get_task

    for name in ("scan", "pcfg", "hint"):
        options = getattr(get_task(name), "learner_options", {})
        for decided_by_data in ("curriculum", "search_max_size", "fast_abduction",
                                "final_rounds"):
            assert decided_by_data not in options, (name, decided_by_data)
