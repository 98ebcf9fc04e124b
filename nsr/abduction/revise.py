"""Top-down, best-first revision search: which single change makes a tree output its target?

Starting at the root with the target value, the search either stops at a node and *revises its
value* (the node's program is wrong here, or the node's symbol has no program yet: a *hole*),
or *pushes the target down* to one child through the inverse of the node's program ("which value
of this child would make the program output the target?"). Revisions are priced by how much
they cost: filling a hole is free, contradicting a known program is expensive, and each push
down costs a little (deeper explanations are more specific). Symbol and tree revisions are the
caller's business (:mod:`nsr.abduction.candidates` proposes trees and symbols); this module
revises values within one tree.

Results are cached (LRU): across rounds of the loop the same (tree, symbols, target, programs)
comes back often.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from nsr.learning.model import execute
from nsr.semantics import ast
from nsr.semantics.errors import EvaluationError
from nsr.semantics.evaluate import compile_program
from nsr.semantics.search_primitives import Value
from nsr.syntax.tree import Tree

HOLE_COST = 0.0
VALUE_COST = 6.0
PUSH_COST = 0.5


@dataclass(frozen=True)
class Revision:
    """Node ``node`` must have value ``value``; ``kind`` is "hole" or "value"."""

    node: int
    value: Value
    kind: str
    cost: float
    args: tuple[Value, ...] | None = None

    @property
    def is_hole(self) -> bool:
        return self.kind == "hole"


def inverse_candidates(target: Value, current: Value | None) -> list[Value]:
    """Values a child might need so that its parent outputs ``target``.

    Generate-and-test: candidates are drawn from the target itself (for lists, every contiguous
    sub-list and its reverse; for numbers, the integers up to twice the target) and each is
    checked by running the parent's program forwards, so a wrong candidate costs time, never
    correctness.
    """
    if isinstance(target, tuple):
        seen: dict[tuple, None] = {}
        n = len(target)
        for i in range(n + 1):
            for j in range(i, n + 1):
                seen.setdefault(target[i:j], None)
                seen.setdefault(target[i:j][::-1], None)
        return [v for v in seen if v != current]
    if isinstance(target, int) and not isinstance(target, bool):
        hi = max(2 * target + 2, 12)
        return [v for v in range(0, hi) if v != current]
    return []


def _invert(program: ast.Program, args: Sequence[Value | None], j: int, target: Value,
            limit: int) -> list[Value]:
    if any(a is None for i, a in enumerate(args) if i != j):
        return []
    run = compile_program(program)
    found = []
    for v in inverse_candidates(target, args[j]):
        trial = tuple(v if i == j else a for i, a in enumerate(args))
        try:
            if run(trial) == target:
                found.append(v)
        except EvaluationError:
            continue
        if len(found) >= limit:
            break
    return found


#: ``inverse(symbol, args, j, target, limit)``: values of child ``j`` giving ``target``.
Inverse = Callable[[int, Sequence[Value | None], int, Value, int], list[Value]]


def revisions(tree: Tree, symbols: Sequence[int], programs: Mapping[int, ast.Program],
              target: Value, *, max_revisions: int = 8, branch: int = 3,
              inverse: Inverse | None = None) -> tuple[Revision, ...]:
    """Single-node value revisions that make the root equal ``target``, cheapest first.

    Empty when the tree already outputs the target (nothing to revise). ``inverse`` replaces
    the default generate-and-test inverse (e.g. :class:`nsr.abduction.prolog_inverse.
    PrologInverse`); only the default is cached.
    """
    if inverse is not None:
        return _search(tree, tuple(symbols), dict(programs), target, max_revisions, branch, inverse)
    key = tuple(sorted((s, p) for s, p in programs.items() if s in set(symbols)))
    return _revisions_cached(tree, tuple(symbols), key, target, max_revisions, branch)


@lru_cache(maxsize=65536)
def _revisions_cached(tree: Tree, symbols: tuple[int, ...], program_key: tuple,
                      target: Value, max_revisions: int, branch: int) -> tuple[Revision, ...]:
    programs = dict(program_key)

    def python_inverse(symbol: int, args: Sequence[Value | None], j: int, want: Value,
                       limit: int) -> list[Value]:
        return _invert(programs[symbol], args, j, want, limit)

    return _search(tree, symbols, programs, target, max_revisions, branch, python_inverse)


def _search(tree: Tree, symbols: tuple[int, ...], programs: dict[int, ast.Program],
            target: Value, max_revisions: int, branch: int, inverse: Inverse) -> tuple[Revision, ...]:
    values = execute(tree, symbols, programs)
    if values[tree.root] == target:
        return ()
    tie = itertools.count()
    heap: list[tuple[float, int, int, Value]] = [(0.0, next(tie), tree.root, target)]
    out: list[Revision] = []
    while heap and len(out) < max_revisions:
        cost, _, node, want = heapq.heappop(heap)
        kids = tree.children[node]
        args = tuple(values[k] for k in kids)
        known_args = None if any(a is None for a in args) else args
        prog = programs.get(symbols[node])
        if prog is None:
            out.append(Revision(node, want, "hole", cost + HOLE_COST, known_args))
            continue
        if known_args is not None:
            out.append(Revision(node, want, "value", cost + VALUE_COST, known_args))
        if prog.arity != len(kids):
            continue
        for j, child in enumerate(kids):
            for v in inverse(symbols[node], args, j, want, branch):
                heapq.heappush(heap, (cost + PUSH_COST, next(tie), child, v))
    out.sort(key=lambda r: r.cost)
    return tuple(out)


def clear_cache() -> None:
    _revisions_cached.cache_clear()
