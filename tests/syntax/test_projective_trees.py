"""projective_trees: the span-by-span enumeration equals filtering every tree, and stops early."""

from __future__ import annotations

import pytest

from nsr.syntax.tree import TooManyTrees, enumerate_trees, projective_trees


@pytest.mark.parametrize("n", range(1, 7))
@pytest.mark.parametrize("pinned", [{}, {0: 0, 2: 2}, {0: 0, 1: 2, 2: 0}, {1: 1}])
def test_equals_brute_force(n: int, pinned: dict[int, int]) -> None:
    arities = {i: a for i, a in pinned.items() if i < n}
    brute = sorted(t.heads for t in enumerate_trees(n, arities) if t.is_projective())
    built = sorted(t.heads for t in projective_trees(n, arities, limit=10**6))
    assert built == brute


def test_bracketed_expression_has_few_trees_once_operators_are_known() -> None:
    tokens = ["(", "3", "+", "4", ")", "*", "2"]
    arities = {i: 0 if t.isdigit() else 2 for i, t in enumerate(tokens) if t not in "()"}
    trees = projective_trees(len(tokens), arities)
    assert len(trees) == 20
    # `(` heading the enclosed sum and `)`: the reading a stack parser closes locally
    assert (5, 2, 0, 2, 0, -1, 5) in {t.heads for t in trees}
    assert all(t.is_projective() for t in trees)


def test_too_many_trees_stops_early() -> None:
    tokens = ("3 + " * 18 + "3").split()
    arities = {i: 0 if t.isdigit() else 2 for i, t in enumerate(tokens)}
    with pytest.raises(TooManyTrees, match="more than 100"):
        projective_trees(len(tokens), arities, limit=100)
