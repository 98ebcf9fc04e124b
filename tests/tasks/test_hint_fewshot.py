"""Few-shot HINT concepts: seeded, disjoint data in which every expression holds the new
operator (read with its precedence) or the new number."""

from __future__ import annotations

import pytest

from nsr.errors import ConfigError
from nsr.tasks.hint.fewshot import (
    CONCEPTS,
    NUMBER_TRAIN_COUNTS,
    TEST_COUNTS,
    TRAIN_COUNTS,
    fewshot_split,
)


@pytest.mark.parametrize("name", sorted(CONCEPTS))
def test_a_split_is_seeded_disjoint_and_holds_the_new_operator(name: str) -> None:
    train, test = fewshot_split(name, 0, per_count=5, test_per_count=3)
    # a number alone is one expression; every other count has more than 5
    size = 1 + 5 * (len(NUMBER_TRAIN_COUNTS) - 1) if CONCEPTS[name].is_number \
        else 5 * len(TRAIN_COUNTS)
    assert len(train) == size and len(test) == 3 * len(TEST_COUNTS)
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


@pytest.mark.parametrize("name", ["11", "12"])
def test_a_new_number_is_a_leaf_with_its_value(name: str) -> None:
    """Every expression of one operator holding the number (its 83 or so: all of them), the
    number alone, and values as HINT computes them with the number's own value."""
    train, _ = fewshot_split(name, 1)
    by_ops: dict[int, list] = {}
    for ex in train:
        by_ops.setdefault(ex.meta["n_ops"], []).append(ex)
    value = int(name)
    assert [(ex.source, ex.target) for ex in by_ops[0]] == [((name,), value)]
    one = {ex.source: ex.target for ex in by_ops[1]}
    digits = [str(d) for d in range(10)] + [name]
    expected = {(a, op, b) for a in digits for b in digits for op in "+-*/"
                if name in (a, b) and not (op == "/" and b == "0")}
    assert set(one) == expected  # 4 x 21 pairs, less the one division by zero
    assert one[(name, "-", "9")] == value - 9 and one[("3", "*", name)] == 3 * value
    assert one[(name, "/", "5")] == -(-value // 5)  # HINT's ceiling division
    assert all(len(by_ops[n]) == 100 for n in range(2, 11))
    assert fewshot_split(name, 2)[0] != train
