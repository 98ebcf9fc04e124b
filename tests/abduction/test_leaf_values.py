"""Joint abduction of integer leaf values (nsr.abduction.leaf_values): roles, flat examples
and the world search, on small synthetic data where no leaf is ever seen alone."""

from __future__ import annotations

import itertools

from nsr.abduction.leaf_values import flat_examples, roles, search_for_leaves, solve_leaves
from nsr.induction.search import SearchConfig

#: Five leaf symbols (10..14) whose values are a shuffle of 0..4, two heads (20, 21).
VALUES = {10: 3, 11: 0, 12: 4, 13: 1, 14: 2}
LEFT, AFTER = 20, 21  # LEFT := x (its left operand), AFTER := inc(y) (one past its right one)


def _examples() -> list[tuple[tuple[int, ...], int]]:
    out = []
    for a, b in itertools.product(sorted(VALUES), repeat=2):
        out.append(((a, LEFT, b), VALUES[a]))
        out.append(((a, AFTER, b), VALUES[b] + 1))
    return out


def test_roles_pick_the_fewest_heads_with_one_arity_each() -> None:
    found = roles([s for s, _ in _examples()], {})
    assert found is not None
    heads, leaves = found
    assert heads == {LEFT: 2, AFTER: 2}
    assert leaves == sorted(VALUES)


def test_a_word_seen_alone_is_a_leaf_and_known_functions_head_their_examples() -> None:
    # 10 alone: a leaf, whatever else; 30 is a known binary function: its examples need no head
    found = roles([(10,), (10, 30, 11), (11, 31, 12), (12, 31, 10), (11, 31, 10)], {30: 2})
    assert found is not None
    heads, leaves = found
    assert heads == {31: 2}
    assert 10 in leaves and 31 not in leaves


def test_only_examples_one_head_spans_over_leaves_are_flat() -> None:
    heads = {LEFT: 2}
    flats = flat_examples([((10, LEFT, 11), 3), ((10, LEFT, 11, LEFT, 12), 3), ((10, 11), 0)],
                          heads, {10, 11, 12})
    assert [(f.head, f.leaves, f.target) for f in flats] == [(LEFT, (10, 11), 3)]


def test_leaf_values_are_solved_with_the_heads_programs() -> None:
    """One leaf known (seen alone, as a stage before would teach it) anchors the others: the
    other values and the heads' programs are found together."""
    examples = _examples()
    heads, leaves = roles([s for s, _ in examples], {10: 0})  # type: ignore[misc]
    assert 10 not in leaves
    flats = flat_examples(examples, heads, set(leaves) | {10})
    search = search_for_leaves(SearchConfig(library="numbers", max_candidates=1_500_000))
    solution = solve_leaves(flats, leaves, {10: 3}, search, seed=0)
    assert solution.values == {s: v for s, v in VALUES.items() if s != 10}
    assert solution.explained == solution.total == len(examples)


def test_without_an_anchor_every_example_is_still_explained() -> None:
    """With no leaf known, values shifted together with the programs explain the data too
    (the data cannot tell them apart): the solution explains every example."""
    examples = _examples()
    heads, leaves = roles([s for s, _ in examples], {})  # type: ignore[misc]
    flats = flat_examples(examples, heads, set(leaves))
    search = search_for_leaves(SearchConfig(library="numbers", max_candidates=1_500_000))
    solution = solve_leaves(flats, leaves, {}, search, seed=0)
    assert solution.explained == solution.total == len(examples)
    assert set(solution.values) == set(VALUES)
