"""The one learner configuration: curriculum read off the data, program size grown by evidence,
and no per-task setting that decides either."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.errors import ConfigError  # noqa: E402
from nsr.learning.config import LearnerConfig  # noqa: E402
from nsr.learning.loop import _stages, curriculum_from_lengths  # noqa: E402


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
    from nsr.induction.search import SearchConfig, SearchExample, program_size, search_program

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


def test_a_task_declares_facts_about_its_data_and_no_learner_setting() -> None:
    from dataclasses import fields

    from nsr.learning.config import config_for_task
    from nsr.tasks import get_task, task_names

    facts = {"task", "split", "library", "open_class"}
    defaults = LearnerConfig()
    for name in task_names():
        task = get_task(name)
        assert not hasattr(task, "learner_options"), name
        config = config_for_task(task, "")
        differ = {f.name for f in fields(LearnerConfig)
                  if getattr(config, f.name) != getattr(defaults, f.name)}
        assert differ <= facts, (name, differ - facts)


#: Short SCAN commands: `X around left` and `X opposite left` put the modifier over the
#: direction over the verb, an arc that crosses the modifier (a non-projective tree).
SCAN_SHORT = ("walk", "jump", "look", "walk left", "jump right", "look left", "walk twice",
              "jump thrice", "look right", "walk around left", "jump around right",
              "look around left", "walk opposite left", "jump opposite right",
              "look opposite right", "walk right twice", "jump left thrice", "walk and jump",
              "look after walk", "jump twice and look", "walk left after jump")


def test_projective_trees_are_the_prior_and_the_evidence_drops_them() -> None:
    from nsr.learning.loop import train
    from nsr.tasks.base import Example
    from nsr.tasks.scan.oracle import interpret

    data = [Example(tuple(c.split()), interpret(tuple(c.split())), f"short:{i}")
            for i, c in enumerate(SCAN_SHORT)]
    config = LearnerConfig()
    assert config.projective  # the prior
    result = train(data, config, seed=0, progress=False)
    assert result.metrics[-1]["train_acc"] == 1.0
    assert any(m.get("widened") for m in result.metrics)  # a stage asked for crossing arcs
    assert not result.model.parser.cfg.projective
    # ...and what needs no crossing arc keeps the prior: the run stays projective
    simple = [ex for ex in data if "around" not in ex.source and "opposite" not in ex.source]
    kept = train(simple, config, seed=0, progress=False)
    assert kept.metrics[-1]["train_acc"] == 1.0
    assert kept.model.parser.cfg.projective
    assert not any(m.get("widened") for m in kept.metrics)


def test_image_input_declares_only_that_its_segments_are_images() -> None:
    from dataclasses import fields

    from nsr.learning.config import config_for_task
    from nsr.tasks.hint import HintTask, images

    assert not hasattr(images, "IMAGE_LEARNER_OPTIONS")
    config = config_for_task(HintTask(), "all", perception=images.PERCEPTION)
    defaults = LearnerConfig()
    differ = {f.name for f in fields(LearnerConfig)
              if getattr(config, f.name) != getattr(defaults, f.name)}
    assert differ == {"task", "split", "library", "perception"}
    assert config.perception == "images"
    # what image input needs is read off the data: symbol classes from the images (0), and
    # revision, borrowing and stricter thresholds only where perception is uncertain
    assert config.n_symbols == 0 and config.perception_revision and config.borrow_programs
