"""Few-shot HINT concepts: seeded, disjoint data in which every expression holds the new
operator, read with its precedence."""

from __future__ import annotations

import pytest

from nsr.errors import ConfigError
from nsr.tasks.hint.fewshot import CONCEPTS, TEST_COUNTS, TRAIN_COUNTS, fewshot_split


@pytest.mark.parametrize("name", sorted(CONCEPTS))
def test_a_split_is_seeded_disjoint_and_holds_the_new_operator(name: str) -> None:
    train, test = fewshot_split(name, 0, per_count=5, test_per_count=3)
    assert len(train) == 5 * len(TRAIN_COUNTS) and len(test) == 3 * len(TEST_COUNTS)
    assert all(name in ex.source for ex in train + test)
    assert not {ex.source for ex in train} & {ex.source for ex in test}
    assert all(0 <= ex.target <= 10_000 for ex in train + test)
    again, _ = fewshot_split(name, 0, per_count=5, test_per_count=3)
    assert [ex.source for ex in again] == [ex.source for ex in train]


def test_precedence_and_meaning() -> None:
    train, _ = fewshot_split("max", 0, per_count=5, test_per_count=3)
    by_text = {" ".join(ex.source): ex.target for ex in train}
    # one operator: max itself
    assert all(v == max(int(k.split()[0]), int(k.split()[2]))
               for k, v in by_text.items() if len(k.split()) == 3)
    assert CONCEPTS["max"].precedence == 1 and CONCEPTS["avg"].precedence == 2
    assert CONCEPTS["avg"].fn(3, 4) == 4 and CONCEPTS["hmean"].fn(0, 0) == 0
    assert CONCEPTS["hmean"].fn(2, 3) == 3  # ceil(12 / 5)
    with pytest.raises(ConfigError):
        fewshot_split("mod", 0)
