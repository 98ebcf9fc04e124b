"""The validation benchmark runs and reports comparable figures (speed is not asserted)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.pddl


def test_measure_validation_shape() -> None:
    from nsr.backends.pddl.bench import measure_validation

    result = measure_validation((5, 12), min_time=0.0, domains=(("gripper", "p01.pddl"),))
    assert set(result["lengths"]) == {5, 12}
    for row in result["lengths"].values():
        assert row["ours_per_s"] > 0 and row["up_per_s"] > 0 and row["up_wrapped_per_s"] > 0
        assert row["ratio"] == pytest.approx(row["domains"]["gripper"]["ratio"])
        assert set(row["domains"]) == {"gripper"}
