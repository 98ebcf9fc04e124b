"""LearnerConfig stays flat (built and saved that way); each step reads a nested view of it."""

from __future__ import annotations

from dataclasses import asdict, fields

from nsr.learning.config import LearnerConfig

#: Fields no step view holds: what the run is (task, split), what the model is built with
#: (library, open class, parser prior, liveness), and process settings.
RUN_LEVEL = {"task", "split", "library", "open_class", "projective", "live_trees",
             "preprocessing", "torch_threads"}
#: The search view keeps its own names (it predates the others).
SEARCH = {"search_max_size": "max_size", "search_size_limit": "size_limit",
          "search_budget_s": "budget_s", "search_max_candidates": "max_candidates",
          "identity_programs": "identity", "search_rows_per_group": "rows_per_group",
          "search_good_slack": "good_slack"}


def _views(config: LearnerConfig) -> list[dict]:
    return [asdict(v) for v in (config.curriculum_config(), config.abduction_config(),
                                config.selection_config(), config.learn_config(),
                                config.perception_config())]


def test_every_flat_field_is_in_exactly_one_place() -> None:
    config = LearnerConfig()
    seen = [name for view in _views(config) for name in view]
    assert len(seen) == len(set(seen))
    flat = {f.name for f in fields(LearnerConfig)}
    assert set(seen) | RUN_LEVEL | set(SEARCH) == flat
    assert not (set(seen) & (RUN_LEVEL | set(SEARCH)))


def test_views_carry_the_flat_values() -> None:
    config = LearnerConfig(beam=7, min_support=5, parser_epochs=2, n_symbols=12,
                           rounds_per_stage=3, final_rounds=0, search_max_size=8,
                           search_size_limit=10, identity_programs=False)
    flat = asdict(config)
    for view in _views(config):
        assert all(view[name] == flat[name] for name in view)
    search = config.search_config()
    assert all(getattr(search, SEARCH[name]) == flat[name] for name in SEARCH)
    # final_rounds 0: the last stage gets rounds_per_stage too
    assert config.curriculum_config().rounds(last=True) == 3
    assert LearnerConfig().curriculum_config().rounds(last=True) == 10
    assert LearnerConfig().curriculum_config().rounds(last=False) == 4
