"""exact_match: fractions in [0, 1], None counts wrong, lengths must agree."""

from __future__ import annotations

import pytest

from nsr.errors import ConfigError
from nsr.tasks import Example, Score, exact_match


def _examples() -> list[Example]:
    return [
        Example(("jump",), ("I_JUMP",), "t:0"),
        Example(("walk",), ("I_WALK",), "t:1"),
        Example(("1", "+", "2"), 3, "t:2"),
        Example(("2", "*", "2"), 4, "t:3"),
    ]


def test_counts_exact_matches_as_a_fraction() -> None:
    score = exact_match([("I_JUMP",), ("I_RUN",), 3, 5], _examples())
    assert score == Score(accuracy=0.5, n=4, correct=2)
    assert score.as_dict() == {"accuracy": 0.5, "n": 4, "correct": 2}


def test_lists_are_accepted_and_none_is_wrong() -> None:
    score = exact_match([["I_JUMP"], None, 3, None], _examples())
    assert (score.correct, score.n) == (2, 4)


def test_types_must_agree() -> None:
    # The string "3" and True are not the integer 3 / 1; a token tuple is not an int.
    examples = [Example(("1",), 1, "a"), Example(("3",), 3, "b"), Example(("x",), ("3",), "c")]
    assert exact_match([True, "3", 3], examples).correct == 0


def test_partial_sequences_do_not_count() -> None:
    score = exact_match([("I_JUMP", "I_JUMP"), ()], _examples()[:2])
    assert score.correct == 0 and score.accuracy == 0.0


def test_empty_set_scores_zero() -> None:
    assert exact_match([], []) == Score(0.0, 0, 0)


def test_length_mismatch_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="3 predictions for 4 examples"):
        exact_match([1, 2, 3], _examples())


def test_examples_are_frozen_and_hash_without_meta() -> None:
    a = Example(["jump"], ["I_JUMP"], "t:0", {"line": 1})
    b = Example(("jump",), ("I_JUMP",), "t:0", {"line": 99})
    assert a.source == ("jump",) and a.target == ("I_JUMP",)
    assert a == b and hash(a) == hash(b)
    with pytest.raises(AttributeError):
        a.source = ("walk",)  # type: ignore[misc]
