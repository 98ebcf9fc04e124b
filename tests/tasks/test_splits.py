"""Held-out split generators: seeded, disjoint, built from the data in ../shared."""

from __future__ import annotations

import pytest

from nsr.errors import ConfigError, ResourceNotFound
from nsr.tasks.paths import find_dataset_dir


def _need(name: str) -> None:
    try:
        find_dataset_dir(name)
    except ResourceNotFound as exc:
        pytest.skip(f"{name} data not available: {exc}")


def test_template_splits_hold_out_every_command_with_the_template() -> None:
    _need("scan")
    from nsr.tasks.scan.splits import TEMPLATES, template, template_split

    assert len(TEMPLATES) >= 8
    names = {t.name for t in TEMPLATES}
    assert {"opposite_left", "opposite_right", "verb_left", "verb_right"} <= names
    for name in ("opposite_left", "verb_right", "run_twice"):
        t = template(name)
        train, test = template_split(name)
        assert test and all(t.matches(ex.source) for ex in test)
        assert train and not any(t.matches(ex.source) for ex in train)
    train, test = template_split("verb_left")
    words = [ex.source for ex in train]
    # `left` is still seen, but never right after a verb
    assert any("left" in w for w in words)
    assert not any(w[i] in ("walk", "look", "run", "jump", "turn") and w[i + 1] == "left"
                   for w in words for i in range(len(w) - 1))
    with pytest.raises(ConfigError):
        template_split("no_such_template")


def test_fraction_splits_are_seeded_samples_of_the_training_file() -> None:
    _need("scan")
    from nsr.tasks.scan.splits import fraction_split

    a, test = fraction_split(0.02, 3)
    b, _ = fraction_split(0.02, 3)
    c, _ = fraction_split(0.02, 4)
    assert [ex.id for ex in a] == [ex.id for ex in b] != [ex.id for ex in c]
    assert len(a) == round(0.02 * 16728) and len(test) == 4182
    with pytest.raises(ConfigError):
        fraction_split(0.0, 0)


def test_pcfg_fraction_split() -> None:
    _need("pcfg")
    from nsr.tasks.pcfg.splits import fraction_split

    train, test = fraction_split(0.1, 0)
    assert train and test and fraction_split(0.1, 0)[0] == train


def test_hint_size_split(hint_dir) -> None:
    from nsr.tasks.hint.splits import size_split

    train, tests = size_split(500, 1, data_dir=hint_dir)
    assert len(train) == 500 and set(tests) == {"I", "SS", "LS", "SL", "LL"}
    assert [ex.id for ex in size_split(500, 1, data_dir=hint_dir)[0]] == [ex.id for ex in train]
    with pytest.raises(ConfigError):
        size_split(10**9, 0, data_dir=hint_dir)
