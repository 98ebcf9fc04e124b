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

from nsr.model.execute import apply_memo, execute
from nsr.semantics import ast
from nsr.semantics.ast import Value
from nsr.semantics.errors import EvaluationError
from nsr.semantics.evaluate import compile_program
from nsr.syntax.tree import Tree

HOLE_COST = 0.0
VALUE_COST = 6.0
PUSH_COST = 0.5
GUESS_COST = 1.0  # a hole whose arguments rest on a guessed program below it
MAX_GUESSES = 16


@dataclass(frozen=True)
class Revision:
    """Node ``node`` must have value ``value``; ``kind`` is "hole" or "value"."""

    node: int
    value: Value
    kind: str
    cost: float
    args: tuple[Value, ...] | None = None
    #: The guesses ``args`` rest on (see ``guess_lower``): one ``(symbol, children, choice)``
    #: per hole below, ``choice`` indexing its candidate programs (projections, else nullary
    #: constants). Empty for an ordinary revision.
    assumption: tuple[tuple[int, int, int], ...] = ()
    #: ``value`` came through an inverse that had ``branch`` or more answers on the way down
    #: (``( 6 + 6 ) * 0``: the bracket may be anything): weak evidence about the node.
    loose: bool = False

    @property
    def guessed(self) -> bool:
        return bool(self.assumption)

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
            limit: int, memo: bool = False) -> list[Value]:
    if any(a is None for i, a in enumerate(args) if i != j):
        return []
    run = compile_program(program)
    if memo:
        def run(trial: tuple[Value, ...], _program: ast.Program = program) -> Value:
            out = apply_memo(_program, trial)
            if out is None:
                raise EvaluationError("program failed")
            return out
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
              inverse: Inverse | None = None,
              given: Mapping[int, Value] | None = None,
              guess_lower: bool = False, memo: bool = False) -> tuple[Revision, ...]:
    """Single-node value revisions that make the root equal ``target``, cheapest first.

    Empty when the tree already outputs the target (nothing to revise). ``inverse`` replaces
    the default generate-and-test inverse (e.g. :class:`nsr.abduction.prolog_inverse.
    PrologInverse`); only the default is cached. ``given`` are node values the input supplies
    (open-class segments): they are facts, never revised.

    ``guess_lower``: a hole whose arguments are unknown because holes sit below it (two new
    symbols in one tree, e.g. a separator under a binary function) still gets revisions: each
    lower hole's program is guessed among the cheapest candidates (a projection of one of its
    arguments, or for a leaf a nullary constant of the libraries), and the upper hole's
    arguments are computed under that guess. Such revisions are marked ``guessed``; once the
    upper program is learned, the next round revises the lower hole on its own.

    ``memo``: the default inverse remembers each program application (see :func:`nsr.model.execute.apply_memo`);
    same revisions, less time when programs are slow recursions over small values.
    """
    given_key = tuple(sorted((given or {}).items()))
    if inverse is not None:
        return _search(tree, tuple(symbols), dict(programs), target, max_revisions, branch,
                       inverse, dict(given_key), guess_lower)
    key = tuple(sorted((s, p) for s, p in programs.items() if s in set(symbols)))
    return _revisions_cached(tree, tuple(symbols), key, target, max_revisions, branch, given_key,
                             guess_lower, memo)


@lru_cache(maxsize=65536)
def _revisions_cached(tree: Tree, symbols: tuple[int, ...], program_key: tuple,
                      target: Value, max_revisions: int, branch: int,
                      given_key: tuple = (), guess_lower: bool = False,
                      memo: bool = False) -> tuple[Revision, ...]:
    programs = dict(program_key)

    def python_inverse(symbol: int, args: Sequence[Value | None], j: int, want: Value,
                       limit: int) -> list[Value]:
        return _invert(programs[symbol], args, j, want, limit, memo)

    return _search(tree, symbols, programs, target, max_revisions, branch, python_inverse,
                   dict(given_key), guess_lower, memo)


def _search(tree: Tree, symbols: tuple[int, ...], programs: dict[int, ast.Program],
            target: Value, max_revisions: int, branch: int, inverse: Inverse,
            given: Mapping[int, Value], guess_lower: bool = False,
            memo: bool = False) -> tuple[Revision, ...]:
    values = execute(tree, symbols, programs, given=given, memo=memo)
    if values[tree.root] == target:
        return ()
    tie = itertools.count()
    heap: list[tuple[float, int, int, Value, bool]] = [(0.0, next(tie), tree.root, target, False)]
    out: list[Revision] = []
    while heap and len(out) < max_revisions:
        cost, _, node, want, loose = heapq.heappop(heap)
        if node in given:  # the input's own data: a fact, not a hypothesis
            continue
        kids = tree.children[node]
        args = tuple(values[k] for k in kids)
        known_args = None if any(a is None for a in args) else args
        prog = programs.get(symbols[node])
        if prog is None:
            if known_args is None and guess_lower:
                for guessed, assumed in _guessed_args(tree, symbols, programs, given, values,
                                                      node, memo):
                    out.append(Revision(node, want, "hole", cost + GUESS_COST, guessed, assumed,
                                        loose))
            else:
                out.append(Revision(node, want, "hole", cost + HOLE_COST, known_args,
                                    loose=loose))
            continue
        if known_args is not None:
            out.append(Revision(node, want, "value", cost + VALUE_COST, known_args, loose=loose))
        if prog.arity != len(kids):
            continue
        for j, child in enumerate(kids):
            wants = inverse(symbols[node], args, j, want, branch)
            for v in wants:
                heapq.heappush(heap, (cost + PUSH_COST, next(tie), child, v,
                                      loose or len(wants) >= branch))
    out.sort(key=lambda r: r.cost)
    return tuple(out)


def nullary_values() -> tuple[Value, ...]:
    """The values of every library's nullary primitives (``empty``, ``zero``...)."""
    from nsr.induction.library import LIBRARIES

    out: dict[Value, None] = {}
    for lib in LIBRARIES.values():
        for prim in lib.primitives:
            if not prim.arg_types:
                out.setdefault(prim.fn(), None)
    return tuple(out)


def _guessed_args(tree: Tree, symbols: Sequence[int], programs: Mapping[int, ast.Program],
                  given: Mapping[int, Value], values: Sequence[Value | None],
                  node: int, memo: bool = False
                  ) -> list[tuple[tuple[Value, ...], tuple[tuple[int, int, int], ...]]]:
    """Arguments of hole ``node`` under each cheap guess of the holes below it.

    Only holes whose own arguments are known are guessed (one level down); when a guess still
    leaves an argument unknown (a failing program, a deeper hole) it yields nothing. ``memo``:
    program applications are remembered (see :func:`revisions`).
    """
    lower: list[int] = []
    stack = list(tree.children[node])
    while stack:
        d = stack.pop()
        if values[d] is not None:
            continue
        kids = tree.children[d]
        if symbols[d] not in programs and d not in given and \
                all(values[k] is not None for k in kids):
            lower.append(d)
        else:
            stack.extend(kids)
    if not lower:
        return []
    options = []
    for d in lower:
        kids = tree.children[d]
        choices = [values[k] for k in kids] if kids else list(nullary_values())
        options.append([((symbols[d], len(kids), j), v) for j, v in enumerate(choices)])
    out: dict[tuple[Value, ...], tuple[tuple[int, int, int], ...]] = {}
    for combo in itertools.islice(itertools.product(*options), MAX_GUESSES):
        forced = {d: v for d, (_, v) in zip(lower, combo, strict=True)}
        vals = execute(tree, symbols, programs, overrides=forced, given=given, memo=memo)
        args = tuple(vals[k] for k in tree.children[node])
        if all(a is not None for a in args):
            out.setdefault(args, tuple(sorted(key for key, _ in combo)))
    return list(out.items())


def clear_cache() -> None:
    _revisions_cached.cache_clear()
    apply_memo.cache_clear()
