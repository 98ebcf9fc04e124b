"""Program induction: the smallest DSL program consistent with a symbol's examples.

The learner collects, for each symbol, examples ``(children values) -> node value`` (from
consistent trees and from abduction). This module searches the typed DSL bottom-up, in order of
program size, for the smallest program that explains the most examples. Two programs that give
the same values on every example are observationally equivalent: only the first (smallest) is
kept, which keeps the search space small enough to enumerate in Python in well under a second
for the programs a task like SCAN needs.

Examples may be *alternatives*: one training example can offer several candidate rows (one per
tree hypothesis); a program covers the example when it matches any of them. That is how the
search doubles as the MDL judge of abduction: the tree hypotheses that let the fewest, smallest
programs explain the most examples win.

The search runs on values, not on program text (that is what makes it fast); the winner is
returned as a :class:`nsr.semantics.ast.Program`, which prints as DSL text and compiles to Prolog.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from nsr.errors import ConfigError
from nsr.semantics import ast
from nsr.semantics.search_primitives import LIBRARIES, Primitive, Value

#: Parameter names of learned programs, by position (a symbol's children, left to right).
PARAM_NAMES: tuple[str, ...] = ("x", "y", "z", "u", "v", "w")


@dataclass(frozen=True)
class SearchExample:
    """One row: the children's values and the node's value, tagged with the example it serves."""

    args: tuple[Value, ...]
    output: Value
    group: Hashable = None


@dataclass(frozen=True)
class SearchConfig:
    """Limits of one search. ``max_size`` counts AST nodes; ``budget_s`` is wall time."""

    library: str = "lists"
    max_size: int = 9
    budget_s: float = 5.0
    max_rows: int = 100
    max_bank: int = 200_000

    def __post_init__(self) -> None:
        if self.library not in LIBRARIES:
            raise ConfigError(
                f"unknown primitive library {self.library!r}; known: {sorted(LIBRARIES)}"
            )
        if self.max_size < 1 or self.budget_s <= 0 or self.max_rows < 1:
            raise ConfigError("search limits must be positive")


@dataclass(frozen=True)
class SearchResult:
    """The best program found, how many example groups it covers and how hard the search was."""

    program: ast.Program | None
    covered: int
    groups: int
    size: int
    explored: int
    seconds: float
    timed_out: bool
    covered_groups: frozenset = field(default_factory=frozenset)

    @property
    def fraction(self) -> float:
        return self.covered / self.groups if self.groups else 0.0


def _constants(rows: Sequence[SearchExample]) -> list[str]:
    """Atoms seen in the examples' outputs and inputs: the only constants a program may name.

    Why from the data: the learner is told no output alphabet; any atom it can print must have
    been observed.
    """
    seen: set[str] = set()

    def walk(v: Value) -> None:
        if isinstance(v, str):
            seen.add(v)
        elif isinstance(v, tuple):
            for item in v:
                walk(item)

    for row in rows:
        walk(row.output)
        for a in row.args:
            walk(a)
    return sorted(seen)


def _type_of(v: Value) -> str:
    if isinstance(v, tuple):
        return "list"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    return "atom"


class _Bank:
    """Programs by type and size, each with its value vector over the rows (None = error)."""

    def __init__(self) -> None:
        self.by_size: dict[tuple[str, int], list[tuple[ast.Expr, tuple]]] = {}
        self.seen: dict[str, set[tuple]] = {}
        self.count = 0

    def add(self, typ: str, size: int, expr: ast.Expr, values: tuple) -> bool:
        seen = self.seen.setdefault(typ, set())
        if values in seen:
            return False
        seen.add(values)
        self.by_size.setdefault((typ, size), []).append((expr, values))
        self.count += 1
        return True

    def get(self, typ: str, size: int) -> list[tuple[ast.Expr, tuple]]:
        return self.by_size.get((typ, size), [])


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    """Ordered ways to write ``total`` as ``parts`` positive sizes."""
    if parts == 0:
        return [()] if total == 0 else []
    if parts == 1:
        return [(total,)] if total >= 1 else []
    out = []
    for first in range(1, total - parts + 2):
        out.extend((first, *rest) for rest in _compositions(total - first, parts - 1))
    return out


def search_program(
    rows: Sequence[SearchExample],
    arity: int,
    config: SearchConfig | None = None,
    *,
    output_type: str | None = None,
) -> SearchResult:
    """Smallest program of ``arity`` parameters covering the most example groups.

    Groups are ``row.group`` (rows without one count alone). Stops at the first program that
    covers every group (it is the smallest: enumeration is by size), at ``max_size`` or at the
    time budget, and then returns the best seen (most groups, then smallest).
    """
    config = config or SearchConfig()
    if arity > len(PARAM_NAMES):
        raise ConfigError(f"arity {arity} exceeds the supported {len(PARAM_NAMES)} parameters")
    rows = [r for r in rows if len(r.args) == arity][: config.max_rows]
    start = time.perf_counter()
    groups = [r.group if r.group is not None else ("row", i) for i, r in enumerate(rows)]
    n_groups = len(set(groups))
    if not rows:
        return SearchResult(None, 0, 0, 0, 0, 0.0, False)
    out_type = output_type or _type_of(rows[0].output)
    targets = tuple(r.output for r in rows)
    params = PARAM_NAMES[:arity]
    library = LIBRARIES[config.library]
    bank = _Bank()
    best: tuple[int, int, ast.Expr | None, frozenset] = (-1, 0, None, frozenset())

    def consider(expr: ast.Expr, values: tuple, size: int) -> bool:
        nonlocal best
        hit = frozenset(g for g, v, t in zip(groups, values, targets, strict=True) if v == t)
        if len(hit) > best[0]:
            best = (len(hit), size, expr, hit)
        return len(hit) == n_groups

    def finish(timed_out: bool) -> SearchResult:
        covered, size, expr, hit = best
        program = ast.Program(params, expr) if expr is not None and covered > 0 else None
        return SearchResult(
            program,
            max(covered, 0),
            n_groups,
            size if program else 0,
            bank.count,
            time.perf_counter() - start,
            timed_out,
            hit if program else frozenset(),
        )

    # Size 1: parameters and nullary primitives and constants.
    leaves: list[tuple[str, ast.Expr, tuple]] = []
    for i, name in enumerate(params):
        vals = tuple(r.args[i] for r in rows)
        typ = _type_of(vals[0])
        if all(_type_of(v) == typ for v in vals):
            leaves.append((typ, ast.Var(name), vals))
    for prim in library.primitives:
        if not prim.arg_types:
            v = prim.fn()
            leaves.append((prim.result_type, ast.Call(prim.name), (v,) * len(rows)))
    if library.atom_constants:
        for atom in _constants(rows):
            leaves.append(("atom", ast.Atom(atom), (atom,) * len(rows)))
    for typ, expr, vals in leaves:
        if bank.add(typ, 1, expr, vals) and typ == out_type and consider(expr, vals, 1):
            return finish(False)

    for size in range(2, config.max_size + 1):
        for prim in library.primitives:
            if not prim.arg_types:
                continue
            for sizes in _compositions(size - 1, len(prim.arg_types)):
                if _expand(prim, sizes, bank, size, out_type, consider):
                    return finish(False)
                if time.perf_counter() - start > config.budget_s or bank.count > config.max_bank:
                    return finish(True)
    return finish(False)


def _expand(
    prim: Primitive, sizes: tuple[int, ...], bank: _Bank, size: int, out_type: str, consider
) -> bool:
    """Apply ``prim`` to every combination of banked argument programs of the given sizes."""
    pools = [bank.get(t, s) for t, s in zip(prim.arg_types, sizes, strict=True)]
    if any(not p for p in pools):
        return False
    fn = prim.fn
    if len(pools) == 1:
        combos = ((a,) for a in pools[0])
    elif len(pools) == 2:
        combos = ((a, b) for a in pools[0] for b in pools[1])
    else:
        import itertools

        combos = itertools.product(*pools)
    for combo in combos:
        vectors = [c[1] for c in combo]
        values = []
        ok = False
        for args in zip(*vectors, strict=True):
            if None in args:
                values.append(None)
                continue
            try:
                v = fn(*args)
            except (IndexError, ValueError, TypeError):
                v = None
            values.append(v)
            ok = ok or v is not None
        if not ok:
            continue
        vals = tuple(values)
        expr = ast.Call(prim.name, tuple(c[0] for c in combo))
        if (
            bank.add(prim.result_type, size, expr, vals)
            and prim.result_type == out_type
            and consider(expr, vals, size)
        ):
            return True
    return False


def program_size(node: ast.Node) -> int:
    """Number of AST nodes: the description length the search minimises."""
    if isinstance(node, ast.Program):
        return program_size(node.body)
    if isinstance(node, ast.Call | ast.SymbolCall):
        return 1 + sum(program_size(a) for a in node.args)
    if isinstance(node, ast.ListLit):
        return 1 + sum(program_size(a) for a in node.items)
    return 1
