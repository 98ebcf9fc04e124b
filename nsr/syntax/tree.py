"""Dependency trees over the positions of an input: one head per position, -1 for the root.

Trees may be non-projective (an arc may cross another): the transition system has a SWAP
move for that, so the learner is free to find whichever tree lets the smallest programs explain
the data, not only the trees a projective parser could build.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
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
            raise DataError(f"a tree needs exactly one root, got heads {self.heads}")
        for i, h in enumerate(self.heads):
            if h == i or h < -1 or h >= n:
                raise DataError(f"invalid head {h} for position {i} in {self.heads}")
        for i in range(n):  # every node must reach the root: no cycles
            seen, j = set(), i
            while j != -1:
                if j in seen:
                    raise DataError(f"cycle through position {j} in heads {self.heads}")
                seen.add(j)
                j = self.heads[j]

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

    def render(self, labels: list[str] | None = None) -> str:
        """Indented text, one node per line: ``position label``."""
        labels = labels or [str(i) for i in range(len(self))]
        lines: list[str] = []

        def walk(node: int, depth: int) -> None:
            lines.append("  " * depth + labels[node])
            for c in self.children[node]:
                walk(c, depth + 1)

        walk(self.root, 0)
        return "\n".join(lines)


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
    n = len(heads)
    state = [0] * n  # 0 unknown, 1 reaches root
    for i in range(n):
        path, j = [], i
        while j != -1 and state[j] == 0:
            if j in path:
                return False
            path.append(j)
            j = heads[j]
        for p in path:
            state[p] = 1
    return True
