"""Trees and the arc-standard + SWAP transition system."""

from __future__ import annotations

import random

import pytest

from nsr.errors import DataError
from nsr.syntax.transitions import LEFT, RIGHT, SHIFT, SWAP, State, legal, oracle
from nsr.syntax.tree import Tree, enumerate_trees


@pytest.mark.parametrize(("n", "count"), [(1, 1), (2, 2), (3, 9), (4, 64)])
def test_enumerate_trees_counts_all_rooted_trees(n: int, count: int) -> None:
    # Cayley: n^(n-1) rooted labelled trees on n nodes.
    trees = list(enumerate_trees(n))
    assert len(trees) == count
    assert len({t.heads for t in trees}) == count


def test_enumerate_trees_respects_pinned_arities() -> None:
    trees = list(enumerate_trees(3, {0: 0, 2: 1}))
    assert trees
    for t in trees:
        assert len(t.children[0]) == 0 and len(t.children[2]) == 1


def test_tree_rejects_cycles_and_two_roots() -> None:
    with pytest.raises(DataError):
        Tree((1, 0, -1))
    with pytest.raises(DataError):
        Tree((-1, -1))


def _replay(tree: Tree) -> Tree:
    state = State.initial(len(tree))
    for st, t in oracle(tree):
        assert st.stack == state.stack and st.buffer == state.buffer
        state.apply(t)
    assert state.terminal
    return state.tree()


def test_oracle_rebuilds_every_tree_including_non_projective() -> None:
    for n in range(1, 5):
        for tree in enumerate_trees(n):
            assert _replay(tree) == tree


def test_oracle_uses_swap_exactly_for_non_projective_trees() -> None:
    rng = random.Random(0)
    trees = list(enumerate_trees(5))
    for tree in rng.sample(trees, 200):
        moves = [t for _, t in oracle(tree)]
        assert (SWAP in moves) == (not tree.is_projective())


def test_walk_opposite_left_needs_a_swap() -> None:
    # opposite(left(walk)): arc left->walk crosses opposite.
    tree = Tree((2, -1, 1))
    assert not tree.is_projective()
    assert [t for _, t in oracle(tree)] == [SHIFT, SHIFT, SWAP, SHIFT, SHIFT, LEFT, RIGHT]


def test_legal_masks_moves_that_break_known_arities() -> None:
    state = State.initial(2)
    state.apply(SHIFT)
    state.apply(SHIFT)
    # position 0 takes no children, position 1 takes one: only 1 may head 0.
    ok = legal(state, [0, 1])
    assert ok[LEFT] and not ok[RIGHT] and not ok[SHIFT]
    ok = legal(state, [1, 0])
    assert ok[RIGHT] and not ok[LEFT]
    assert not any(legal(State(1, [0], [], [-1], [[]]), [0]))


def test_without_swap_only_projective_trees_are_reachable() -> None:
    state = State.initial(3)
    state.apply(SHIFT)
    state.apply(SHIFT)
    assert legal(state, [-1, -1, -1])[SWAP]
    assert not legal(state, [-1, -1, -1], swap=False)[SWAP]
    # Every tree the no-SWAP moves can build is projective, and every projective tree is built.
    built: set[tuple[int, ...]] = set()

    def walk(st: State) -> None:
        if st.terminal:
            built.add(st.tree().heads)
            return
        for t, ok in enumerate(legal(st, [-1] * 4, swap=False)):
            if ok:
                nxt = st.copy()
                nxt.apply(t)
                walk(nxt)

    walk(State.initial(4))
    projective = {t.heads for t in enumerate_trees(4) if t.is_projective()}
    assert built == projective
    assert len(projective) < 64
