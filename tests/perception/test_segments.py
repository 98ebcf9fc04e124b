"""Segmentation: one segment per token, or one value-carrying segment per open-class run."""

from __future__ import annotations

import pytest

from nsr.errors import ConfigError
from nsr.perception.segments import OPEN_KEY, Segmenter

LETTERS = r"[A-Z][0-9]+"


def test_without_a_pattern_every_token_is_a_segment() -> None:
    cut = Segmenter()(("jump", "twice", "and", "walk"))
    assert cut.keys == ("jump", "twice", "and", "walk")
    assert cut.spans == ((0, 1), (1, 2), (2, 3), (3, 4))
    assert dict(cut.given) == {}


def test_a_run_of_open_class_tokens_is_one_segment_carrying_the_run() -> None:
    tokens = ("append", "A1", "B2", "C3", ",", "D4")
    cut = Segmenter(LETTERS)(tokens)
    assert cut.keys == ("append", OPEN_KEY, ",", OPEN_KEY)
    assert cut.spans == ((0, 1), (1, 4), (4, 5), (5, 6))
    assert dict(cut.given) == {1: ("A1", "B2", "C3"), 3: ("D4",)}
    assert cut.text(tokens, 1) == "A1 B2 C3"


def test_unseen_open_class_tokens_share_the_one_key() -> None:
    cut = Segmenter(LETTERS)(("copy", "Q99", "Z1"))
    assert cut.keys == ("copy", OPEN_KEY) and cut.given[1] == ("Q99", "Z1")


def test_a_bad_pattern_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not a regex"):
        Segmenter("[A-Z")
