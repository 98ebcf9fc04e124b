"""RayChecker on a local Ray (``ray.init(num_cpus=2)``), skipped when Ray is not installed."""

from __future__ import annotations

import json

import pytest

from nsr.reward.scoring import score_batch

from .conftest import load_record, wrong_list

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install ray)")

pytestmark = pytest.mark.prolog


def test_ray_actor_pool_scores_batches_in_order() -> None:
    from nsr.reward.ray import RayChecker, _split

    assert [len(c) for c in _split(list(range(7)), 3)] == [3, 2, 2]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        with RayChecker(actors=2, time_limit=1.0, kill_margin=0.3) as checker:
            records = [load_record("lists", index=i) for i in range(5)]
            answers = [r["answer"] if i % 2 == 0 else wrong_list(r["answer"])
                       for i, r in enumerate(records)]
            verdicts = score_batch(answers, [json.dumps(r) for r in records], extract=False,
                                   checker=checker)
            assert [v.score for v in verdicts] == [1.0, 0.0, 1.0, 0.0, 1.0]
            assert checker.check_many([]) == []
        assert checker.closed
    finally:
        ray.shutdown()
