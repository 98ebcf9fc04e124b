"""Arc-standard transitions with SWAP: shift, left-arc, right-arc, swap.

SWAP (Nivre 2009) moves the second stack item back to the buffer, which lets the parser build
non-projective trees in expected linear time. ``oracle`` turns a tree into the transitions that
build it (the parser's training targets); ``legal`` masks moves that would break a known arity
(a symbol whose program takes k arguments must end with exactly k children).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nsr.errors import DataError
from nsr.syntax.tree import Tree

SHIFT, LEFT, RIGHT, SWAP = 0, 1, 2, 3
N_TRANSITIONS = 4
NAMES = ("shift", "left-arc", "right-arc", "swap")


@dataclass
class State:
    """A parser configuration (mutable on purpose: it is the inner loop of decoding)."""

    n: int
    stack: list[int] = field(default_factory=list)
    buffer: list[int] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)
    kids: list[list[int]] = field(default_factory=list)

    @classmethod
    def initial(cls, n: int) -> State:
        return cls(n, [], list(range(n)), [-1] * n, [[] for _ in range(n)])

    def copy(self) -> State:
        return State(
            self.n, self.stack[:], self.buffer[:], self.heads[:], [k[:] for k in self.kids]
        )

    @property
    def terminal(self) -> bool:
        return not self.buffer and len(self.stack) == 1

    def apply(self, t: int) -> None:
        if t == SHIFT:
            self.stack.append(self.buffer.pop(0))
        elif t == LEFT:
            s0, s1 = self.stack[-1], self.stack[-2]
            del self.stack[-2]
            self.heads[s1] = s0
            self.kids[s0].append(s1)
        elif t == RIGHT:
            s0, s1 = self.stack.pop(), self.stack[-1]
            self.heads[s0] = s1
            self.kids[s1].append(s0)
        elif t == SWAP:
            s1 = self.stack.pop(-2)
            self.buffer.insert(0, s1)
        else:
            raise DataError(f"unknown transition {t}")

    def tree(self) -> Tree:
        return Tree(tuple(self.heads))


def legal(state: State, arities: Sequence[int], swap: bool = True) -> list[bool]:
    """Which transitions are allowed; ``arities[i]`` is -1 when position i's arity is unknown.

    ``swap=False`` forbids SWAP, so only projective trees can be built (arc-standard).
    """

    def complete(i: int) -> bool:
        return arities[i] < 0 or len(state.kids[i]) == arities[i]

    def room(i: int) -> bool:
        return arities[i] < 0 or len(state.kids[i]) < arities[i]

    ok = [False] * N_TRANSITIONS
    ok[SHIFT] = bool(state.buffer)
    if len(state.stack) >= 2:
        s0, s1 = state.stack[-1], state.stack[-2]
        ok[LEFT] = complete(s1) and room(s0)
        ok[RIGHT] = complete(s0) and room(s1)
        ok[SWAP] = swap and s1 < s0
    if not state.buffer and len(state.stack) == 1:
        return [False] * N_TRANSITIONS
    return ok


def projective_order(tree: Tree) -> list[int]:
    """Rank of each position in the in-order traversal (left dependents, head, right ones)."""
    order: list[int] = []
    # A loop with an explicit stack (trees of any depth): ``(node, True)`` emits the node,
    # ``(node, False)`` expands it into its left dependents, itself, then its right ones.
    stack: list[tuple[int, bool]] = [(tree.root, False)]
    while stack:
        node, emit = stack.pop()
        if emit:
            order.append(node)
            continue
        kids = tree.children[node]
        stack.extend((c, False) for c in reversed(kids) if c > node)
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(kids) if c < node)
    rank = [0] * len(tree)
    for r, node in enumerate(order):
        rank[node] = r
    return rank


def oracle(tree: Tree) -> list[tuple[State, int]]:
    """The (state, transition) pairs that build ``tree`` from the initial state."""
    rank = projective_order(tree)
    state = State.initial(len(tree))
    out: list[tuple[State, int]] = []
    need = [len(c) for c in tree.children]
    guard = 4 * len(tree) * len(tree) + 4
    while not state.terminal:
        guard -= 1
        if guard < 0:
            raise DataError(f"oracle did not terminate for heads {tree.heads}")
        t = SHIFT
        if len(state.stack) >= 2:
            s0, s1 = state.stack[-1], state.stack[-2]
            if tree.heads[s1] == s0 and len(state.kids[s1]) == need[s1]:
                t = LEFT
            elif tree.heads[s0] == s1 and len(state.kids[s0]) == need[s0]:
                t = RIGHT
            elif rank[s0] < rank[s1]:
                t = SWAP
        out.append((state.copy(), t))
        state.apply(t)
    return out
