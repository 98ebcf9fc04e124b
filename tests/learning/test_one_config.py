"""The one learner configuration: curriculum read off the data, program size grown by evidence,
and no per-task setting that decides either."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.errors import ConfigError  # noqa: E402
from nsr.learning.loop import LearnerConfig, _stages, curriculum_from_lengths  # noqa: E402


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
    assert LearnerConfig().search_config().size_limit >= LearnerConfig().search_max_size


def test_search_grows_past_its_size_only_while_the_rows_are_not_explained() -> None:
    from nsr.semantics.search import SearchConfig, SearchExample, program_size, search_program

    # swap first and last: 10 nodes; on lists of 2 or 3, reverse(x) (2 nodes) fits as well
    def row(x: tuple[str, ...]) -> SearchExample:
        return SearchExample((x,), (x[-1], *x[1:-1], x[0]))

    rows = [row(x) for x in (("a", "b"), ("c", "d", "e"), ("b", "a", "c"), ("a", "c", "d", "b"),
                             ("e", "d", "c", "b", "a"))]
    base = SearchConfig(library="sequences", max_size=9, max_candidates=3_000_000, budget_s=120)
    small = search_program(rows, 1, base)
    assert small.covered < len(rows)  # the near miss only
    grown = search_program(rows, 1, SearchConfig(**{**base.__dict__, "size_limit": 12}))
    assert grown.covered == len(rows) and program_size(grown.program) == 10
    # rows a small program explains do not make the search grow
    easy = [SearchExample((x,), tuple(reversed(x))) for x in (("a", "b"), ("c", "d", "e"))]
    assert program_size(search_program(easy, 1, SearchConfig(**{**base.__dict__,
                                                                 "size_limit": 12})).program) == 2


def test_no_task_declares_learner_settings_it_no_longer_needs() -> None:
    from nsr.tasks import get_task

    for name in ("scan", "pcfg", "hint"):
        options = getattr(get_task(name), "learner_options", {})
        for decided_by_data in ("curriculum", "search_max_size", "fast_abduction",
                                "final_rounds"):
            assert decided_by_data not in options, (name, decided_by_data)
