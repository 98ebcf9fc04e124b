"""Per-token perception: a learnable token -> symbol classifier."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.errors import DataError  # noqa: E402
from nsr.perception.tokens import PerceptionConfig, TokenPerception  # noqa: E402


def test_perception_learns_a_relabelling_and_round_trips() -> None:
    vocab = ("a", "b", "c", "d")
    p = TokenPerception(PerceptionConfig(vocab, n_symbols=3), seed=0)
    p.fit(["a", "b", "c", "d"], [2, 0, 1, 1], seed=0)
    symbols, probs = p.predict(["d", "a", "b"])
    assert symbols == [1, 2, 0]
    assert all(0.5 < q <= 1.0 for q in probs)
    clone = TokenPerception.from_state(p.state_dict())
    assert clone.predict(["c", "d"]) == p.predict(["c", "d"])
    assert len(p.log_probs(["a"])[0]) == 3


def test_unknown_token_is_named() -> None:
    p = TokenPerception(PerceptionConfig(("a",), n_symbols=1))
    with pytest.raises(DataError, match="'zz'"):
        p.predict(["a", "zz"])
