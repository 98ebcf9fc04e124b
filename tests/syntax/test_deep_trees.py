"""Tree walks on a 10,000-deep tree: every one is a loop, so depth never meets Python's
recursion limit, and validation stays linear (a quadratic check would take minutes)."""

from __future__ import annotations

import sys

import pytest

from nsr.errors import DataError
from nsr.syntax.transitions import projective_order
from nsr.syntax.tree import Tree

DEPTH = 10_000


def chain(depth: int = DEPTH) -> Tree:
    """Position i hangs on i + 1; the last position is the root: a path ``depth`` deep."""
    return Tree((*range(1, depth), -1))


def test_deeper_than_the_recursion_limit() -> None:
    assert sys.getrecursionlimit() < DEPTH


def test_validation_postorder_and_children_of_a_deep_chain() -> None:
    tree = chain()
    assert tree.root == DEPTH - 1
    assert tree.postorder() == list(range(DEPTH))
    assert tree.children[5] == (4,) and tree.children[0] == ()


def test_preorder_gives_depths_and_render_indents_every_level() -> None:
    tree = chain()
    order = tree.preorder()
    assert order[0] == (DEPTH - 1, 0) and order[-1] == (0, DEPTH - 1)
    lines = tree.render().splitlines()
    assert len(lines) == DEPTH
    assert lines[-1] == "  " * (DEPTH - 1) + "0"


def test_preorder_keeps_children_left_to_right() -> None:
    tree = Tree((1, -1, 1, 2))  # 1 heads 0 and 2, 2 heads 3
    assert tree.preorder() == [(1, 0), (0, 1), (2, 1), (3, 2)]
    assert tree.render(list("abcd")) == "b\n  a\n  c\n    d"


def test_cycle_at_the_end_of_a_deep_chain_is_one_short_message() -> None:
    heads = [*range(1, DEPTH), -1]
    heads[0], heads[1] = 1, 0  # 0 <-> 1: a cycle, and position 1 no longer reaches the root
    with pytest.raises(DataError, match="cycle through position") as info:
        Tree(tuple(heads))
    assert "\n" not in str(info.value) and len(str(info.value)) < 400


def test_projective_order_of_deep_chains_both_ways() -> None:
    assert projective_order(chain()) == list(range(DEPTH))  # heads to the right: in order
    right = Tree((-1, *range(DEPTH - 1)))  # position i hangs on i - 1: also in order
    assert projective_order(right) == list(range(DEPTH))


def test_projective_order_of_a_small_tree() -> None:
    tree = Tree((1, -1, 1, 2))  # in-order: a b c d
    assert projective_order(tree) == [0, 1, 2, 3]
    swapped = Tree((2, -1, 1))  # 0 hangs on 2, to the right of 1: non-projective order
    assert projective_order(swapped) == [1, 0, 2]
