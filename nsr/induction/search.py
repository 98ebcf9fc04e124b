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

Constructs beyond plain primitive calls, each switched on by the library:

- constants seen in the examples (atoms; the most frequent integer outputs);
- ``if COND then A else B`` with a bool-typed primitive call as condition (lazy, as evaluated);
- recursion: a self-call ``f(...)`` of the program's own arity whose value on a row is *looked
  up in the examples themselves* (the rows' args -> output table; unknown args -> no value), the
  "examples as oracle" trick of Escher and lambda^2. This makes a recursive body enumerable
  bottom-up like any other expression. A candidate that looks right this way is then VERIFIED by
  evaluating the real program ``let rec f(x, y) = BODY in f(x, y)`` on every row (step budget),
  so a non-terminating or merely lucky candidate never counts;
- learned programs of other symbols as extra primitives (``extra``), printed ``@symbol(...)``;
  when the full search explains too few rows, a second search over compositions of those
  learned programs alone (:func:`_search_compositions`): a new concept built from known ones
  is found at sizes the full search never reaches.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from nsr.errors import ConfigError
from nsr.induction.library import (
    LIBRARIES,
    SYMBOL_CALL_STEPS,
    Library,
    SearchPrimitive,
    symbol_primitive,
)
from nsr.semantics import ast
from nsr.semantics.ast import Value

#: Parameter names of learned programs, by position (a symbol's children, left to right).
PARAM_NAMES: tuple[str, ...] = ("x", "y", "z", "u", "v", "w")

#: Name of the self-call in recursive programs (``let rec f(x, y) = ... in f(x, y)``).
SELF = "f"

#: How many integer outputs (most frequent first) may appear as literals: enough for a constant
#: program and a base case, few enough not to flood the bank.
MAX_INT_CONSTANTS = 4

#: With fewer example groups than ``max_rows`` (a short stage of a small training file), a
#: recursive body is verified once this many groups back it through the oracle (see
#: ``search_program``), instead of half of those it may explain.
SPARSE_BACKING = 2

#: Size a literal constant counts for (a parameter or a primitive counts 1). A constant names a
#: choice from the data's alphabet, which costs more description than passing an argument's
#: content through: among programs that explain the data equally, the one that re-types a
#: value it could have taken from its arguments is the one that fails on new arguments
#: (``opposite`` seen only with ``right``: ``cons(car(x), x)``, not ``cons('I_TURN_RIGHT', x)``).
#: At equal size the constant-free program also wins: constants enter the bank after the
#: expressions of their size.
CONSTANT_SIZE = 3


@dataclass(frozen=True)
class SearchExample:
    """One row: the children's values and the node's value, tagged with the example it serves."""

    args: tuple[Value, ...]
    output: Value
    group: Hashable = None


@dataclass(frozen=True)
class SearchConfig:
    """Limits of one search. ``max_size`` counts AST nodes.

    ``max_candidates`` (candidate programs built and evaluated) is the budget that decides the
    result: counting work, not seconds, makes a search return the same program on a loaded
    machine as on an idle one. ``budget_s`` (wall time) is only a safety net on top.
    """

    library: str = "lists"
    max_size: int = 9
    # Past ``max_size`` the search goes on, up to this size, while no program explains
    # ``good_fraction`` of the groups: the rows, not a per-task setting, ask for the bigger
    # program (PCFG's swap_first_last takes 10 nodes; on short lists reverse(x) fits most rows).
    # The candidate budget still bounds the work. 0: stop at ``max_size``.
    size_limit: int = 0
    budget_s: float = 5.0
    max_candidates: int = 0  # 0: no count limit (the wall-time budget alone)
    max_rows: int = 100  # example groups (rows without a group count alone), at most
    # Rows of one group, at most: an example can offer a row from each of several trees
    # (HINT's first bracketed expressions: up to 11), and the one the right program explains
    # must not be cut for lack of room. 0: ``max_rows`` rows, cut across groups (published).
    rows_per_group: int = 0
    # Once a program explains ``good_fraction`` of the groups, sizes more than ``good_slack``
    # beyond it are not searched: the rest are likely noisy rows (abduced values), which only
    # a bigger program fits by luck, and searching on costs the whole budget (0: search on).
    good_fraction: float = 0.95
    good_slack: int = 0
    max_bank: int = 200_000
    verify_steps: int = 5_000  # evaluation steps per row when verifying a recursive candidate
    max_verify: int = 2_000  # recursive candidates verified per search, at most
    max_cond_size: int = 3  # AST nodes of an if's condition, at most
    # A one-parameter program that returns its argument on every row is a no-op: a node with
    # it can sit anywhere in a tree without changing a value, so data never teaches the parser
    # where it goes. False: such programs are not results (HINT's brackets must scope).
    identity: bool = True

    def __post_init__(self) -> None:
        if self.library not in LIBRARIES:
            raise ConfigError(
                f"unknown primitive library {self.library!r}; known: {sorted(LIBRARIES)}"
            )
        if self.size_limit and self.size_limit < self.max_size:
            raise ConfigError("size_limit must be 0 or >= max_size")
        if self.max_size < 1 or self.budget_s <= 0 or self.max_rows < 1 or \
                self.rows_per_group < 0 or self.good_slack < 0 or \
                self.max_candidates < 0:
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
    candidates: int = 0  # candidate programs tried (what ``max_candidates`` limits)

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


def _int_constants(rows: Sequence[SearchExample]) -> list[int]:
    """The most frequent integer outputs (ties: smaller first), at most MAX_INT_CONSTANTS."""
    counts = Counter(
        r.output for r in rows if isinstance(r.output, int) and not isinstance(r.output, bool)
    )
    ranked = sorted(counts, key=lambda v: (-counts[v], v))
    return ranked[:MAX_INT_CONSTANTS]


def _int_bound(rows: Sequence[SearchExample]) -> int:
    """Twice the largest integer magnitude in the examples (plus slack for small data)."""
    return 2 * _biggest(rows) + 2


def _biggest(rows: Sequence[SearchExample]) -> int:
    """The largest integer magnitude in the examples' arguments and outputs."""
    biggest = 0

    def walk(v: Value) -> None:
        nonlocal biggest
        if isinstance(v, tuple):
            for item in v:
                walk(item)
        elif isinstance(v, int) and not isinstance(v, bool):
            biggest = max(biggest, abs(v))

    for r in rows:
        walk(r.output)
        for a in r.args:
            walk(a)
    return biggest


def _type_of(v: Value) -> str:
    if isinstance(v, tuple):
        return "list"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    return "atom"


class _Bank:
    """Programs by type and size, each with its value vector over the rows (None = error).

    One program per value vector: the first found, except that with two or more parameters a
    program of the same size that uses more of them takes its place (see ``arity``).
    """

    def __init__(self, arity: int = 0) -> None:
        self.by_size: dict[tuple[str, int], list[tuple[ast.Expr, tuple]]] = {}
        self.seen: dict[str, dict[tuple, tuple[int, int]]] = {}  # values -> (size, slot)
        self.count = 0
        self.row_args: list[tuple] = []  # each row's arguments (a self-call must differ)
        # Integers beyond this have no value: far outside the examples they explain nothing,
        # and feeding them to a learned recursive program costs time linear in their size.
        self.int_bound = 1 << 62
        #: Why prefer programs using more parameters: rows where two arguments happen to be
        #: equal (``run and run``) cannot tell ``append(x, x)`` from ``append(x, y)``, and a
        #: dependent whose content a program ignores is the less likely reading.
        self.arity = arity

    def add(self, typ: str, size: int, expr: ast.Expr, values: tuple,
            force: bool = False) -> bool:
        """Bank ``expr`` unless a program with its values is banked (``force``: bank it
        anyway, for parameters: equal values in these rows do not make them the same)."""
        seen = self.seen.setdefault(typ, {})
        old = seen.get(values)
        if old is not None and not force:
            if self.arity < 2 or old[0] != size:
                return False
            slot = self.by_size[(typ, size)]
            if len(_params_in(expr)) <= len(_params_in(slot[old[1]][0])):
                return False
            slot[old[1]] = (expr, values)
            return True
        kept = self.by_size.setdefault((typ, size), [])
        if old is None:
            seen[values] = (size, len(kept))
        kept.append((expr, values))
        self.count += 1
        return True

    def get(self, typ: str, size: int) -> list[tuple[ast.Expr, tuple]]:
        return self.by_size.get((typ, size), [])


@functools.lru_cache(maxsize=1 << 18)
def _params_in(expr: ast.Expr) -> frozenset[str]:
    """The parameter names ``expr`` reads."""
    if isinstance(expr, ast.Var):
        return frozenset((expr.name,))
    if isinstance(expr, ast.Call | ast.SymbolCall):
        return frozenset().union(*(_params_in(a) for a in expr.args))
    if isinstance(expr, ast.If):
        return _params_in(expr.cond) | _params_in(expr.then) | _params_in(expr.orelse)
    return frozenset()


class _OutOfTime(Exception):
    """Raised inside a long expansion when the search's budget is spent."""


class _Budget:
    """The work a search may still do, and its wall-time safety deadline.

    Work is counted in candidates; the evaluation steps of learned programs called as
    primitives (a slow recursion such as a learned ``*`` on large numbers) are charged too, at
    :data:`STEPS_PER_CANDIDATE` steps per candidate.
    """

    def __init__(self, config: SearchConfig, start: float, extra: Sequence[SearchPrimitive],
                 rows: int) -> None:
        self.deadline = start + config.budget_s
        self.left = config.max_candidates or -1  # -1: uncounted
        # A candidate is evaluated on every row: past 100 rows it costs proportionally more
        self.per_candidate = max(rows, ROWS_PER_CANDIDATE) / ROWS_PER_CANDIDATE
        self.used = 0
        self.meters = [p.meter for p in extra if p.meter is not None]
        self.steps = self._steps()

    def _steps(self) -> int:
        return sum(m.steps for m in self.meters)

    def spend(self, n: int) -> None:
        """Account for ``n`` more candidates; raise :class:`_OutOfTime` when over budget."""
        n = int(n * self.per_candidate)
        if self.meters:
            steps = self._steps()
            n += (steps - self.steps) // STEPS_PER_CANDIDATE
            self.steps = steps
        self.used += n
        if self.left >= 0:
            self.left = max(self.left - n, 0)
            if self.left == 0:
                raise _OutOfTime
        if time.perf_counter() > self.deadline:
            raise _OutOfTime


#: Evaluation steps of a learned program that cost as much as one candidate (about the time
#: one candidate takes to build and evaluate over its rows).
STEPS_PER_CANDIDATE = 10
#: Rows a candidate is evaluated on for the price of one candidate.
ROWS_PER_CANDIDATE = 100


def _limit_rows(rows: Sequence[SearchExample], config: SearchConfig) -> list[SearchExample]:
    """The rows of the first ``max_rows`` groups, at most ``rows_per_group`` distinct rows
    each (rows without a group count as their own group); with ``rows_per_group`` 0, the first
    ``max_rows`` rows."""
    if not config.rows_per_group:
        return list(rows[:config.max_rows])
    per_group: dict[Hashable, int] = {}
    seen: set[tuple] = set()
    out = []
    for i, r in enumerate(rows):
        group = r.group if r.group is not None else ("row", i)
        key = (group, r.args, r.output)
        if key in seen:
            continue
        count = per_group.get(group)
        if count is None:
            if len(per_group) >= config.max_rows:
                continue
            count = 0
        if count >= config.rows_per_group:
            continue
        per_group[group] = count + 1
        seen.add(key)
        out.append(r)
    return out


def _contains_self(expr: ast.Expr) -> bool:
    if isinstance(expr, ast.Call):
        return expr.name == SELF or any(_contains_self(a) for a in expr.args)
    if isinstance(expr, ast.SymbolCall):
        return any(_contains_self(a) for a in expr.args)
    if isinstance(expr, ast.If):
        return any(_contains_self(e) for e in (expr.cond, expr.then, expr.orelse))
    return False


def recursive_program(params: tuple[str, ...], body: ast.Expr) -> ast.Program:
    """``lambda params: let rec f(params) = body in f(params)``: a body with self-calls made
    into a closed program."""
    call = ast.Call(SELF, tuple(ast.Var(p) for p in params))
    return ast.Program(params, ast.LetRec(SELF, params, body, call))


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
    extra: Sequence[SearchPrimitive] = (),
    symbols: Mapping[str, ast.Program] | None = None,
    oracle: Callable[[tuple[Value, ...]], Value | None] | None = None,
) -> SearchResult:
    """Smallest program of ``arity`` parameters covering the most example groups.

    Groups are ``row.group`` (rows without one count alone). Stops at the first program that
    covers every group (it is the smallest: enumeration is by size), at ``max_size`` or when
    the budget is spent (``max_candidates``, or the wall-time safety net), and then returns the
    best seen (most groups, then smallest). ``extra`` are
    additional primitives (other symbols' learned programs, see
    :func:`nsr.induction.library.symbol_primitive`); ``symbols`` resolves the
    ``@symbol`` calls they introduce when a recursive candidate is verified.

    ``oracle``: the self-call's value at arguments no row holds (None: unknown). Why: the
    self-call is looked up in the rows to tell which recursive bodies are worth verifying
    for real, and few rows hold few of the sub-calls a right body makes (``ceil(x / y)`` as
    ``inc(f(x - y, y))`` from twenty quotients of digits); a body whose sub-calls find
    nothing is never verified. A program searched again (see
    :mod:`nsr.learning.contradicted`) has its old program, right on most rows, to answer
    them; the answer only picks what is verified, never what is adopted.
    """
    config = config or SearchConfig()
    if arity > len(PARAM_NAMES):
        raise ConfigError(f"arity {arity} exceeds the supported {len(PARAM_NAMES)} parameters")
    rows = _limit_rows([r for r in rows if len(r.args) == arity], config)
    if not rows:
        return SearchResult(None, 0, 0, 0, 0, 0.0, False)
    library = LIBRARIES[config.library]
    result = _search(rows, arity, config, library, _int_bound(rows), output_type, extra,
                     symbols, oracle)
    learned = [p for p in extra if p.program is not None]
    if not learned or library.value_type is None or \
            result.covered >= config.good_fraction * result.groups:
        return result
    composed = _search_compositions(rows, arity, config, library, output_type, learned,
                                    symbols or {})
    if composed is None:
        return result
    if composed.covered >= config.good_fraction * composed.groups and \
            composed.covered > result.covered:
        result, other = composed, result
    else:
        other = composed
    return dataclasses.replace(result, seconds=result.seconds + other.seconds,
                               candidates=result.candidates + other.candidates,
                               explored=result.explored + other.explored)


#: Share of a search's candidate budget the search over compositions of learned programs
#: gets (see :func:`_search_compositions`).
COMPOSE_SHARE = 0.5
#: Evaluation steps a learned program may take per unit of the largest integer the search
#: over compositions keeps: a unary-number program that builds or consumes a value takes
#: about that many steps, so a call past this is computing a value the search would drop.
COMPOSE_STEPS_PER_UNIT = 2


def _search_compositions(rows: list[SearchExample], arity: int, config: SearchConfig,
                         library: Library, output_type: str | None,
                         learned: Sequence[SearchPrimitive],
                         symbols: Mapping[str, ast.Program]) -> SearchResult | None:
    """The smallest composition of other symbols' learned programs (with the parameters and
    the library's integer constants as leaves) that explains the rows.

    Why a second, narrower search: a new concept is most often a composition of concepts
    already learned (``ceil(2ab / (a + b))`` is ``/(*(x, +(y, y)), +(x, y))``), but at nine
    nodes it lies beyond what the full search reaches once every DSL primitive, conditionals
    and recursion fill its bank; over the learned programs alone it is a few thousand
    programs. Its intermediates may exceed the rows' values (``x * 2y`` above every
    harmonic mean), so values are kept up to twice the square of the largest one, not twice
    the largest, and a learned call may take steps only in proportion to that bound; rows
    whose bound needs more steps than one learned call may take (values past about 70) are
    not searched this way (None).
    """
    bound = 2 * (_biggest(rows) + 1) ** 2
    steps = COMPOSE_STEPS_PER_UNIT * bound
    if steps > SYMBOL_CALL_STEPS:
        # Values this large cannot pass through a learned unary-number program within one
        # call's step limit: the narrower search would spend its budget computing nothing.
        return None
    capped = [prim for p in learned
              if (prim := symbol_primitive(p.name, p.program, library, symbols,
                                           max_steps=steps)) is not None]
    narrow = Library(library.name + "-compositions", (), atom_constants=False,
                     int_constants=library.int_constants, value_type=library.value_type)
    share = dataclasses.replace(config, max_candidates=int(config.max_candidates * COMPOSE_SHARE),
                                budget_s=config.budget_s * COMPOSE_SHARE)
    return _search(rows, arity, share, narrow, bound, output_type, capped, symbols, None)


def _search(rows: list[SearchExample], arity: int, config: SearchConfig, library: Library,
            bound: int, output_type: str | None, extra: Sequence[SearchPrimitive],
            symbols: Mapping[str, ast.Program] | None,
            oracle: Callable[[tuple[Value, ...]], Value | None] | None) -> SearchResult:
    """:func:`search_program` over ``library``, integers kept within ``bound``."""
    start = time.perf_counter()
    budget = _Budget(config, start, extra, len(rows))
    groups = [r.group if r.group is not None else ("row", i) for i, r in enumerate(rows)]
    n_groups = len(set(groups))
    out_type = output_type or _type_of(rows[0].output)
    targets = tuple(r.output for r in rows)
    params = PARAM_NAMES[:arity]
    bank = _Bank(arity)
    best: tuple[int, int, ast.Expr | None, frozenset] = (-1, 0, None, frozenset())
    best_params = 0  # parameters the best program reads (more wins a tie, see _Bank)
    pending = False  # every group covered, but not by a program reading every parameter
    functions = {p.name: p for p in library.primitives}
    functions.update({"@" + p.name: p for p in extra if p.symbol})
    verifier = _Verifier(rows, params, functions, config, library, bound)
    # The identity's values: with ``config.identity`` off, a unary program is rejected when
    # the only rows it explains are ones where the value passes through unchanged (the
    # identity, but also near-identities such as inc(dec(x))).
    vacuous = tuple(r.args[0] for r in rows) if arity == 1 and not config.identity else None
    # Sparse rows (fewer groups than the row limit): the oracle table holds few of the
    # sub-calls a right body makes (20 random sums hold few (x, y - 1) pairs), so it looks
    # up little and the half-backed rule below rejects it unseen; few rows make verifying
    # cheap, so two backed groups are enough to run it for real. Dense rows keep the rule.
    backing = SPARSE_BACKING if n_groups < config.max_rows else None

    def consider(expr: ast.Expr, values: tuple, size: int) -> bool:
        nonlocal best, best_params, pending
        if verifier.enabled and _contains_self(expr):
            known = {g for g, v, t in zip(groups, values, targets, strict=True) if v == t}
            possible = known | {g for g, v in zip(groups, values, strict=True) if v is None}
            # Verify only what could beat the best and is mostly backed by known values:
            # a body whose self-calls look up nothing "fits" anything and proves nothing.
            if len(possible) <= best[0] or (2 * len(known) < len(possible) and (
                    backing is None or len(known) < backing)):
                return False
            checked = verifier.values(expr, values, targets, best[0] + 1)
            if checked is None:
                return False
            values, expr = checked, recursive_program(params, expr).body
        if vacuous is not None and all(t == a for v, t, a in zip(values, targets, vacuous,
                                                                  strict=True) if v == t):
            return False  # it explains nothing but rows where the value passes through
        hit = frozenset(g for g, v, t in zip(groups, values, targets, strict=True) if v == t)
        reads = len(_params_in(expr)) if arity > 1 else arity
        if len(hit) > best[0] or (len(hit) == best[0] == n_groups and size == best[1]
                                  and reads > best_params):
            best, best_params = (len(hit), size, expr, hit), reads
        if len(hit) < n_groups:
            return False
        # A full cover reading fewer parameters than it has waits for the rest of its size
        pending = pending or reads < arity
        return not pending or reads == arity

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
            budget.used,
        )

    later: dict[int, list[tuple[str, ast.Expr, tuple]]] = {}
    for typ, expr, vals, leaf_size in _leaves(rows, params, library):
        if leaf_size > 1:
            later.setdefault(leaf_size, []).append((typ, expr, vals))
        elif bank.add(typ, 1, expr, vals, force=isinstance(expr, ast.Var)) and \
                typ == out_type and consider(expr, vals, 1):
            return finish(False)

    prims = [p for p in (*library.primitives, *extra) if p.arg_types]
    bank.row_args = [tuple(r.args) for r in rows]
    bank.int_bound = bound
    self_call = _self_primitive(rows, params, oracle) if library.recursion and arity else None
    try:
        # With recursion the recursive case is the big part of a program and the base case a
        # leaf: an ``if`` is assembled as soon as its parts are banked (``lookahead`` sizes
        # ahead) instead of after every plain program of its size has been enumerated.
        lookahead = min(config.max_cond_size + 1, 3) if library.recursion else 0
        tried_if = 1
        top = max(config.max_size, config.size_limit)
        for size in range(2, top + 1):
            if pending:
                return finish(False)
            if config.good_slack and best[0] >= config.good_fraction * n_groups and \
                    size > best[1] + config.good_slack:
                return finish(False)
            if size > config.max_size and best[0] >= config.good_fraction * n_groups:
                return finish(False)  # explained well enough: no need to grow
            # Conditionals first: they combine smaller banked programs goal-directedly (cheap),
            # while expanding every primitive at this size is the costly part of the search.
            while library.conditionals and tried_if < min(size + lookahead, top + 1):
                tried_if += 1
                if _top_if(bank, tried_if, out_type, targets, lambda: best[0], consider,
                           config.max_cond_size):
                    return finish(False)
            for prim in (*prims, *((self_call,) if self_call else ())):
                for sizes in _compositions(size - 1, len(prim.arg_types)):
                    if _expand(prim, sizes, bank, size, out_type, consider, budget):
                        return finish(False)
                    if bank.count > config.max_bank:
                        return finish(True)
            for typ, expr, vals in later.pop(size, ()):
                if bank.add(typ, size, expr, vals) and typ == out_type and \
                        consider(expr, vals, size):
                    return finish(False)
    except _OutOfTime:
        return finish(True)
    return finish(False)


def _leaves(
    rows: Sequence[SearchExample], params: tuple[str, ...], library: Library
) -> list[tuple[str, ast.Expr, tuple, int]]:
    """Leaf programs with their sizes: parameters and nullary primitives (1), constants seen
    in the data (:data:`CONSTANT_SIZE`)."""
    leaves: list[tuple[str, ast.Expr, tuple, int]] = []
    for i, name in enumerate(params):
        vals = tuple(r.args[i] for r in rows)
        typ = _type_of(vals[0])
        if all(_type_of(v) == typ for v in vals):
            leaves.append((typ, ast.Var(name), vals, 1))
    for prim in library.primitives:
        if not prim.arg_types:
            v = prim.fn()
            leaves.append((prim.result_type, ast.Call(prim.name), (v,) * len(rows), 1))
    if library.atom_constants:
        for atom in _constants(rows):
            leaves.append(("atom", ast.Atom(atom), (atom,) * len(rows), CONSTANT_SIZE))
    if library.int_constants:
        for n in _int_constants(rows):
            leaves.append(("int", ast.Int(n), (n,) * len(rows), CONSTANT_SIZE))
    return leaves


def _self_primitive(rows: Sequence[SearchExample], params: tuple[str, ...],
                    oracle: Callable[[tuple[Value, ...]], Value | None] | None = None
                    ) -> SearchPrimitive | None:
    """The self-call as a primitive whose value is looked up in the examples (arguments no
    row holds: ``oracle``'s value, when given; see ``search_program``).

    Its argument types are the parameters'. Only calls that make progress get a value: their
    arguments must be strictly smaller (:func:`_measure`) than the row's own, the usual
    well-founded check of recursive synthesis. It rules out the self-call on the row's own
    arguments (which would "explain" every row) and most non-terminating bodies before any
    costly verification.
    """
    types = []
    for i in range(len(params)):
        typ = _type_of(rows[0].args[i])
        if any(_type_of(r.args[i]) != typ for r in rows):
            return None
        types.append(typ)
    table: dict[tuple, Value] = {}
    for r in rows:
        table.setdefault(tuple(r.args), r.output)

    def lookup(*args: Value) -> Value | None:
        if args in table:
            return table[args]
        return oracle(args) if oracle is not None else None

    return SearchPrimitive(SELF, tuple(types), _type_of(rows[0].output), lookup)


def _mentions_param(expr: ast.Expr) -> bool:
    if isinstance(expr, ast.Var):
        return True
    if isinstance(expr, ast.Call | ast.SymbolCall):
        return any(_mentions_param(a) for a in expr.args)
    return False


def _measure(values: tuple) -> int:
    """Size of an argument tuple for the progress check: ints by magnitude, lists by length."""
    total = 0
    for v in values:
        if isinstance(v, tuple):
            total += len(v)
        elif isinstance(v, int):
            total += abs(v)
        else:
            total += 1
    return total


class _Fail(Exception):
    """A verified candidate has no value here (primitive undefined, cycle, budget)."""


class _Verifier:
    """Runs candidate recursive programs for real on every row (cached, budgeted).

    Verification interprets the body directly, with the self-call memoised per argument tuple
    (the DSL is pure, so this gives exactly the evaluator's values) and a call that re-enters
    its own arguments detected as the cycle it is, instead of burning a step budget: rows share
    their sub-calls, and a non-terminating candidate is rejected at once.
    """

    def __init__(self, rows: Sequence[SearchExample], params: tuple[str, ...],
                 functions: Mapping[str, SearchPrimitive], config: SearchConfig,
                 library: Library, bound: int) -> None:
        self.rows = rows
        self.params = params
        self.functions = functions
        self.steps = config.verify_steps
        self.left = config.max_verify
        self.enabled = library.recursion
        self.cache: dict[ast.Expr, tuple | None] = {}
        self.int_bound = bound

    def values(self, body: ast.Expr, oracle: tuple, targets: tuple, need: int) -> tuple | None:
        """The real values of the program with this body (None per failing row), or None when
        it cannot cover ``need`` rows, the verification budget is spent or it is ill-formed.

        Rows the oracle values already matched go first: a correct program reproduces them, so
        once more than a tenth of those fail (slack for noisy abduced rows) it is dropped.
        """
        if body in self.cache:
            return self.cache[body]
        if self.left <= 0:
            return None
        self.left -= 1
        memo: dict[tuple, Value | None] = {}
        active: set[tuple] = set()
        budget = [self.steps]

        def call(args: tuple) -> Value:
            if args in memo:
                v = memo[args]
                if v is None:
                    raise _Fail
                return v
            if args in active:
                raise _Fail
            budget[0] -= 1
            if budget[0] < 0:
                raise _Fail
            active.add(args)
            try:
                v = self._eval(body, dict(zip(self.params, args, strict=True)), call)
            except _Fail:
                memo[args] = None
                raise
            finally:
                active.discard(args)
            memo[args] = v
            return v

        matched = [i for i, (v, t) in enumerate(zip(oracle, targets, strict=True)) if v == t]
        allowed = len(matched) // 10
        misses_allowed = len(self.rows) - need
        order = matched + [i for i in range(len(self.rows)) if oracle[i] != targets[i]]
        out: list[Value | None] = [None] * len(self.rows)
        import sys

        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20_000))
        try:
            for n, i in enumerate(order):
                try:
                    out[i] = call(tuple(self.rows[i].args))
                except (_Fail, RecursionError):
                    out[i] = None
                if out[i] != targets[i]:
                    misses_allowed -= 1
                    if n < len(matched):
                        allowed -= 1
                    if allowed < 0 or misses_allowed < 0:
                        self.cache[body] = None
                        return None
        finally:
            sys.setrecursionlimit(limit)
        result = tuple(out)
        self.cache[body] = result
        return result

    def _eval(self, e: ast.Expr, env: dict[str, Value], call) -> Value:
        if isinstance(e, ast.Var):
            return env[e.name]
        if isinstance(e, ast.Int):
            return e.value
        if isinstance(e, ast.Atom):
            return e.name
        if isinstance(e, ast.If):
            test = self._eval(e.cond, env, call)
            return self._eval(e.then if test else e.orelse, env, call)
        if isinstance(e, ast.Call | ast.SymbolCall):
            # a list, not a generator: tuple(genexpr) recurses through C and deep recursions
            # would overflow the C stack
            args = tuple([self._eval(a, env, call) for a in e.args])
            if isinstance(e, ast.Call) and e.name == SELF:
                return call(args)
            fn = self.functions.get(e.name if isinstance(e, ast.Call) else "@" + e.symbol)
            if fn is None:
                raise _Fail
            try:
                v = fn.fn(*args)
            except (IndexError, ValueError, TypeError):
                raise _Fail from None
            if v is None or (type(v) is int and not -self.int_bound <= v <= self.int_bound):
                raise _Fail
            return v
        raise _Fail


_CHECK_EVERY = 2048


def _expand(
    prim: SearchPrimitive,
    sizes: tuple[int, ...],
    bank: _Bank,
    size: int,
    out_type: str,
    consider,
    budget: _Budget,
) -> bool:
    """Apply ``prim`` to every combination of banked argument programs of the given sizes."""
    pools = [bank.get(t, s) for t, s in zip(prim.arg_types, sizes, strict=True)]
    if any(not p for p in pools):
        return False
    fn = prim.fn
    is_self = prim.name == SELF and not prim.symbol
    row_args = bank.row_args
    bound = bank.int_bound
    if len(pools) == 1:
        combos = ((a,) for a in pools[0])
    elif len(pools) == 2:
        combos = ((a, b) for a in pools[0] for b in pools[1])
    else:
        import itertools

        combos = itertools.product(*pools)
    n = 0
    for n, combo in enumerate(combos, 1):
        if n % _CHECK_EVERY == 0:
            budget.spend(_CHECK_EVERY)
        if is_self and not all(_mentions_param(c[0]) for c in combo):
            continue  # a recursive call's arguments derive from the parameters
        vectors = [c[1] for c in combo]
        values = []
        ok = False
        for i, args in enumerate(zip(*vectors, strict=True)):
            if None in args or (is_self and _measure(args) >= _measure(row_args[i])):
                values.append(None)
                continue
            try:
                v = fn(*args)
            except (IndexError, ValueError, TypeError):
                v = None
            if type(v) is int and not -bound <= v <= bound:
                v = None
            values.append(v)
            ok = ok or v is not None
        if not ok:
            continue
        vals = tuple(values)
        args_exprs = tuple(c[0] for c in combo)
        expr = (ast.SymbolCall(prim.name, args_exprs) if prim.symbol
                else ast.Call(prim.name, args_exprs))
        if (
            bank.add(prim.result_type, size, expr, vals)
            and prim.result_type == out_type
            and consider(expr, vals, size)
        ):
            return True
    budget.spend(n % _CHECK_EVERY)
    return False


def _masks(values: tuple, targets: tuple) -> tuple[int, int]:
    """Bit i of the first mask: row i is right; of the second: row i may be right (right or
    unknown: an oracle self-call may lack the row's sub-call; :func:`consider` settles it)."""
    hit = maybe = 0
    for i, (v, t) in enumerate(zip(values, targets, strict=True)):
        if v == t:
            hit |= 1 << i
            maybe |= 1 << i
        elif v is None:
            maybe |= 1 << i
    return hit, maybe


def _top_if(bank: _Bank, size: int, out_type: str, targets: tuple, best_rows: int,
            consider, max_cond_size: int, keep: int = 5) -> bool:
    """Top-level ``if c then a else b`` of total ``size`` (1 + the three parts), goal-directed.

    Rather than banking every conditional (a cubic blow-up), a condition splits the rows in
    two and each branch only has to explain its own side: the ``keep`` banked programs that
    explain most of each side are combined and judged by ``consider``. Conditions are small
    (at most ``max_cond_size``) and must vary across rows (a constant one adds nothing).
    Conditionals are therefore only outermost (which is where a recursion's base case lives).
    """
    masks: dict[int, list[tuple[tuple[int, int], ast.Expr, tuple]]] = {}

    def entries(s: int) -> list[tuple[tuple[int, int], ast.Expr, tuple]]:
        if s not in masks:
            masks[s] = [(_masks(v, targets), e, v) for e, v in bank.get(out_type, s)]
        return masks[s]

    def ranked(s: int, side: int) -> list[tuple[tuple[int, int], ast.Expr, tuple]]:
        # rows known right first, then rows that may be right
        return sorted(entries(s), key=lambda x: (-(x[0][0] & side).bit_count(),
                                                 -(x[0][1] & side).bit_count()))[:keep]

    for cs, a_s, b_s in _compositions(size - 1, 3):
        if cs > max_cond_size:
            continue
        for cond, cv in bank.get("bool", cs):
            if True not in cv or False not in cv:
                continue
            t_mask = sum(1 << i for i, c in enumerate(cv) if c is True)
            f_mask = sum(1 << i for i, c in enumerate(cv) if c is False)
            thens, elses = ranked(a_s, t_mask), ranked(b_s, f_mask)
            if not thens or not elses:
                continue
            if max((m[1] & t_mask).bit_count() for m, _, _ in thens) \
                    + max((m[1] & f_mask).bit_count() for m, _, _ in elses) <= best_rows():
                continue
            for _, then, tv in thens:
                for _, orelse, ev in elses:
                    vals = tuple(None if c is None else (t if c else e)
                                 for c, t, e in zip(cv, tv, ev, strict=True))
                    if consider(ast.If(cond, then, orelse), vals, size):
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
    if isinstance(node, ast.If):
        return 1 + sum(program_size(e) for e in (node.cond, node.then, node.orelse))
    if isinstance(node, ast.LetRec):
        return program_size(node.fbody)
    if isinstance(node, ast.Atom | ast.Int):
        return CONSTANT_SIZE
    return 1
