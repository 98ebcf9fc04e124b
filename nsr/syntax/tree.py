"""Dependency trees over the positions of an input: one head per position, -1 for the root.

This is the one tree the learner has: the parser predicts it, abduction revises it,
:func:`nsr.model.execute.execute` runs it in Python and :func:`nsr.model.prolog_export.postfix`
hands it to SWI-Prolog (the symbols of its positions travel beside it, in a ``Parse``).

Trees may be non-projective (an arc may cross another): the transition system has a SWAP
move for that, so the learner is free to find whichever tree lets the smallest programs explain
the data, not only the trees a projective parser could build.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from nsr.errors import DataError


@dataclass(frozen=True)
class Tree:
    """``heads[i]`` is the head position of position ``i`` (-1: the root)."""

    heads: tuple[int, ...]

    def __post_init__(self) -> None:
        n = len(self.heads)
        if n == 0:
            raise DataError("a tree needs at least one node")
        if sum(1 for h in self.heads if h == -1) != 1:
            raise DataError(f"a tree needs exactly one root, got heads {_excerpt(self.heads)}")
        for i, h in enumerate(self.heads):
            if h == i or h < -1 or h >= n:
                raise DataError(f"invalid head {h} for position {i} in {_excerpt(self.heads)}")
        cycle = _cycle_position(self.heads)  # every node must reach the root
        if cycle is not None:
            raise DataError(f"cycle through position {cycle} in heads {_excerpt(self.heads)}")

    @cached_property
    def root(self) -> int:
        return self.heads.index(-1)

    @cached_property
    def children(self) -> tuple[tuple[int, ...], ...]:
        """Children of each position, left to right (the order of a program's arguments)."""
        kids: list[list[int]] = [[] for _ in self.heads]
        for i, h in enumerate(self.heads):
            if h >= 0:
                kids[h].append(i)
        return tuple(tuple(k) for k in kids)

    def __len__(self) -> int:
        return len(self.heads)

    def is_projective(self) -> bool:
        for d, h in enumerate(self.heads):
            if h < 0:
                continue
            lo, hi = min(d, h), max(d, h)
            for k in range(lo + 1, hi):
                j = k
                while j not in (-1, h):
                    j = self.heads[j]
                if j != h:
                    return False
        return True

    def crossing_arcs(self) -> int:
        """How many arcs are crossed (0 for projective trees): a tie-break towards simple trees."""
        arcs = [(min(d, h), max(d, h)) for d, h in enumerate(self.heads) if h >= 0]
        return sum(
            1
            for (a, b), (c, d) in itertools.combinations(arcs, 2)
            if a < c < b < d or c < a < d < b
        )

    def postorder(self) -> list[int]:
        """Positions with every child before its head (evaluation order)."""
        out: list[int] = []
        stack: list[tuple[int, bool]] = [(self.root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                out.append(node)
                continue
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(self.children[node]))
        return out

    def preorder(self) -> list[tuple[int, int]]:
        """``(position, depth)`` with every head before its children, children left to right
        (the order of :meth:`render`). A loop, not recursion: trees of any depth."""
        out: list[tuple[int, int]] = []
        stack = [(self.root, 0)]
        while stack:
            node, depth = stack.pop()
            out.append((node, depth))
            stack.extend((c, depth + 1) for c in reversed(self.children[node]))
        return out

    def render(self, labels: list[str] | None = None) -> str:
        """Indented text, one node per line: ``position label``."""
        labels = labels or [str(i) for i in range(len(self))]
        return "\n".join("  " * depth + labels[node] for node, depth in self.preorder())


def enumerate_trees(n: int, arities: Mapping[int, int] | None = None) -> Iterator[Tree]:
    """Every dependency tree over ``n`` positions (projective or not).

    ``arities`` pins the number of children of some positions (symbols whose program is already
    known). There are at most n^(n-1) trees, so callers keep ``n`` small (the curriculum's
    exhaustive syntax abduction uses it for short inputs only).
    """
    arities = arities or {}
    choices = [[h for h in range(-1, n) if h != i] for i in range(n)]
    for heads in itertools.product(*choices):
        if heads.count(-1) != 1:
            continue
        if arities:
            counts = [0] * n
            for h in heads:
                if h >= 0:
                    counts[h] += 1
            if any(counts[i] != a for i, a in arities.items()):
                continue
        if _acyclic(heads):
            yield Tree(tuple(heads))


def _acyclic(heads: tuple[int, ...]) -> bool:
    return _cycle_position(heads) is None


def _cycle_position(heads: Sequence[int]) -> int | None:
    """A position on a cycle of ``heads``, or None when every position reaches the root.

    Linear time whatever the depth: each walk up stops at the first position already known to
    reach the root, and marks the positions it passed (a chain 10,000 deep costs 10,000 steps,
    not 50 million).
    """
    reaches = [False] * len(heads)
    for i in range(len(heads)):
        if reaches[i]:
            continue
        path: list[int] = []
        on_path: set[int] = set()
        j = i
        while j != -1 and not reaches[j]:
            if j in on_path:
                return j
            path.append(j)
            on_path.add(j)
            j = heads[j]
        for p in path:
            reaches[p] = True
    return None


def _excerpt(heads: Sequence[int], limit: int = 40) -> str:
    """``heads`` for an error message, cut short when long (one line, even for huge inputs)."""
    if len(heads) <= limit:
        return str(tuple(heads))
    return f"{tuple(heads[:limit])} ... ({len(heads)} positions)"


class TooManyTrees(Exception):
    """Raised by :func:`projective_trees` when there are more trees than its ``limit``."""


def projective_trees(n: int, arities: Mapping[int, int] | None = None, *,
                     limit: int = 1000) -> list[Tree]:
    """Every projective tree over ``n`` positions whose pinned nodes have their arity.

    Built span by span (a subtree covers a contiguous span: its head, the subtrees to the head's
    left and those to its right), so the cost follows the number of trees that respect the
    arities, not n^(n-1): with most arities known (operators binary, digits leaves) a
    15-token expression has a few hundred. Raises :class:`TooManyTrees` past ``limit`` (checked
    on every partial list too, so a hopeless enumeration stops early).
    """
    arities = arities or {}
    # A span's analyses: (roots attached to the enclosing head, heads of the span's other
    # positions as (position, head) pairs).
    Analyses = list[tuple[tuple[int, ...], tuple[tuple[int, int], ...]]]
    subtrees: dict[tuple[int, int], Analyses] = {}
    sequences: dict[tuple[int, int], Analyses] = {}

    def check(items: list) -> list:
        if len(items) > limit:
            raise TooManyTrees(f"more than {limit} projective trees over {n} positions")
        return items

    def subtree(i: int, j: int) -> Analyses:
        """One subtree covering [i, j): its root and the heads inside."""
        if (i, j) not in subtrees:
            out: Analyses = []
            for h in range(i, j):
                want = arities.get(h, -1)
                for left_roots, left in sequence(i, h):
                    if want >= 0 and len(left_roots) > want:
                        continue
                    for right_roots, right in sequence(h + 1, j):
                        if want >= 0 and len(left_roots) + len(right_roots) != want:
                            continue
                        arcs = tuple((r, h) for r in (*left_roots, *right_roots))
                        out.append(((h,), left + right + arcs))
            subtrees[i, j] = check(out)
        return subtrees[i, j]

    def sequence(i: int, j: int) -> Analyses:
        """Consecutive sibling subtrees covering [i, j) exactly (empty when i == j)."""
        if i == j:
            return [((), ())]
        if (i, j) not in sequences:
            out: Analyses = []
            for k in range(i + 1, j + 1):
                for first_root, first in subtree(i, k):
                    for rest_roots, rest in sequence(k, j):
                        out.append((first_root + rest_roots, first + rest))
            sequences[i, j] = check(out)
        return sequences[i, j]

    trees = []
    for _, arcs in subtree(0, n):
        heads = [-1] * n
        for d, h in arcs:
            heads[d] = h
        trees.append(Tree(tuple(heads)))
    return trees
