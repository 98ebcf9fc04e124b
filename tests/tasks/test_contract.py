"""Every registered task through one contract: load, oracle, format/parse, vocabulary, ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from nsr.errors import ConfigError
from nsr.induction.library import LIBRARIES
from nsr.tasks import Example, exact_match, get_task, task_names
from nsr.tasks.base import PARTS


@pytest.fixture
def data_dir_for(shared_data_dir_or_none, hint_dir):
    def pick(name: str) -> Path | None:
        if name == "hint":
            return hint_dir
        if shared_data_dir_or_none is None:
            pytest.skip("../shared/data is absent (set NSR_SHARED to the shared folder)")
        return None  # SCAN/PCFG find ../shared/data themselves

    return pick


@pytest.fixture(scope="session")
def shared_data_dir_or_none():
    from nsr.resources import shared_data_dir

    return shared_data_dir()


@pytest.mark.parametrize("name", task_names())
def test_task_contract(name: str, data_dir_for) -> None:
    task = get_task(name)
    assert task.name == name
    assert task.default_split in task.splits
    assert task.primitive_library in LIBRARIES
    assert task.perception_kind in ("tokens", "images")
    if name == "data":  # the generic task has no data of its own: it reads the user's files
        with pytest.raises(ConfigError, match="--train-file"):
            task.load()
        return
    data_dir = data_dir_for(name)
    for split in task.splits:
        for part in PARTS:
            examples = task.load(split, part, data_dir=data_dir)
            assert examples, (split, part)
            sample = examples[:: max(1, len(examples) // 50)]  # a few, spread over the file
            ids = [ex.id for ex in examples]
            assert len(set(ids)) == len(ids)
            assert ids[0] == f"{name}/{split}/{part}:0"
            for ex in sample:
                assert isinstance(ex, Example)
                assert isinstance(ex.source, tuple) and all(isinstance(t, str) for t in ex.source)
                assert ex.meta["split"] == split and ex.meta["part"] == part
                assert not task.has_oracle or task.oracle(ex.source) == ex.target
                text = task.format_target(ex.target)
                assert isinstance(text, str) and task.parse_target(text) == ex.target
            if task.has_oracle:
                assert exact_match([task.oracle(ex.source) for ex in sample], sample).accuracy == 1.0
            vocab = task.vocabulary(sample)
            assert set(vocab.source) == {t for ex in sample for t in ex.source}
            assert list(vocab.source) == sorted(vocab.source)
    # The default split loads without naming it.
    assert task.load(data_dir=data_dir)[0].meta["split"] == task.default_split
