"""Integer leaf values by joint abduction: what numerals mean when no example shows one alone.

Abduction explains a wrong output top-down from the symbols it knows. In an integer task whose
shortest examples are ``a op b`` with all three words new (a small training file holds few or
no one-word examples), the root's hole has unknown arguments and no row: nothing is learned,
and the untrained parser's trees make the leaves heads of junk programs (``5 := lambda x, y:
35``). Lists have co-occurrence to guess a word's atom (:mod:`nsr.abduction.lexicon`);
integers have nothing alike, so the leaf values and the heads' programs are solved together:

- **roles** (:func:`roles`): the fewest new words that can head every multi-word example,
  each with one arity (a word's syntax is the same in every example), the rest leaves (a word
  seen alone is a leaf); an example with one head over leaves is *flat*: its tree is known;
- **values** (:func:`solve_leaves`): a world gives each new leaf a small integer; the heads'
  programs are searched on the flat examples' rows under it, and the world is scored by the
  examples those programs explain, then by their size (description length); worlds are
  improved by abduction (each leaf takes the value the found programs ask for most) and by
  trying each value of each leaf, from a few starting worlds, within a budget of worlds.

Only the leaves are returned: the heads are learned by the ordinary rounds, from the rows the
leaves now give.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from nsr.induction.library import LIBRARIES, symbol_primitive
from nsr.induction.search import SearchConfig, SearchExample, search_program
from nsr.model.execute import apply_memo
from nsr.semantics import ast

#: At most this many words tried as the heads of a stage (the roles' search is exhaustive).
MAX_HEADS = 6
#: A world's head programs count as solved (offered to the others' search) at this fit.
SOLVED = 0.95
#: Worlds evaluated per solve, at most (each costs one program search per head).
MAX_WORLDS = 400
#: Starting worlds: the abductive one (heads read as projections) and random ones.
STARTS = 4
#: A world explaining this share of the flat examples ends the solve (no further start).
GOOD = 0.9


@dataclass(frozen=True)
class Flat:
    """An example whose tree is known: ``head`` over ``leaves`` (left to right) -> ``target``."""

    head: int
    leaves: tuple[int, ...]
    target: int


@dataclass(frozen=True)
class LeafSolution:
    """The values chosen for the new leaves, and how well the best world explained the flat
    examples (``explained`` of ``total``)."""

    values: dict[int, int]
    explained: int
    total: int
    worlds: int


def roles(examples: Sequence[tuple[int, ...]], known_arity: Mapping[int, int]
          ) -> tuple[dict[int, int], list[int]] | None:
    """(head -> arity, new leaves) for the symbol sequences ``examples``, or None.

    ``known_arity``: the symbols that have a program (arity 0 for a leaf). Heads are the
    smallest set of new symbols such that each multi-symbol example holds exactly one head or
    known function and the others are leaves, with each head's arity the same in all its
    examples (an example it heads has that many leaves); a symbol seen alone is never a head.
    Ties: the set whose examples are most often flat, then the smallest symbols.
    """
    alone = {syms[0] for syms in examples if len(syms) == 1}
    multi = [syms for syms in examples if len(syms) > 1]
    new = sorted({s for syms in multi for s in syms if s not in known_arity} - alone)
    if not multi or not new:
        return None
    functions = {s for s, a in known_arity.items() if a > 0}
    for size in range(1, min(MAX_HEADS, len(new)) + 1):
        best: tuple[int, tuple[int, ...], dict[int, int]] | None = None
        for heads in itertools.combinations(new, size):
            chosen = set(heads)
            arity: dict[int, int] = {}
            ok = True
            flat = 0
            for syms in multi:
                held = [s for s in syms if s in chosen or s in functions]
                if not held:
                    ok = False
                    break
                if len(held) == 1 and held[0] in chosen:
                    n = len(syms) - 1
                    if arity.setdefault(held[0], n) != n:
                        ok = False
                        break
                    flat += 1
            if ok and arity and (best is None or flat > best[0]):
                best = (flat, heads, arity)
        if best is not None:
            leaves = sorted((set(new) - set(best[1])) | (alone - set(known_arity)))
            return best[2], leaves
    return None


def flat_examples(examples: Sequence[tuple[tuple[int, ...], int]], heads: Mapping[int, int],
                  leaf_symbols: set[int]) -> list[Flat]:
    """The examples one head of ``heads`` spans over leaves only (its arity's worth)."""
    out = []
    for syms, target in examples:
        held = [i for i, s in enumerate(syms) if s in heads]
        if len(held) != 1 or len(syms) - 1 != heads[syms[held[0]]]:
            continue
        others = syms[:held[0]] + syms[held[0] + 1:]
        if all(s in leaf_symbols for s in others):
            out.append(Flat(syms[held[0]], others, target))
    return out


class _Worlds:
    """Scores worlds (leaf values) by the heads' programs searched on the flat rows."""

    def __init__(self, flats: Sequence[Flat], fixed: Mapping[int, int],
                 search: SearchConfig) -> None:
        self.flats = list(flats)
        self.fixed = dict(fixed)
        self.search = search
        self.lib = LIBRARIES[search.library]
        self.cache: dict[tuple, tuple[tuple[int, int], dict[int, ast.Program]]] = {}
        self.heads = sorted({f.head for f in flats})
        #: Every program a head got in any world, with the most rows it explained there
        self.pool: dict[int, dict[ast.Program, int]] = defaultdict(dict)

    def pooled(self) -> dict[int, ast.Program]:
        """Each head's program that explained the most rows in any world so far."""
        return {h: max(progs, key=lambda p: (progs[p], -len(str(p))))
                for h, progs in self.pool.items() if progs}

    def score(self, world: Mapping[int, int]) -> tuple[tuple[int, int], dict[int, ast.Program]]:
        """((examples explained, -program nodes), head -> program found)."""
        key = tuple(sorted(world.items()))
        if key in self.cache:
            return self.cache[key]
        values = {**self.fixed, **world}
        solved: dict[str, ast.Program] = {}
        found: dict[int, tuple[int, int, ast.Program]] = {}
        # Twice: a head solved first is offered to the others (a product over a sum)
        for _ in range(2):
            grew = False
            for head in self.heads:
                if str(head) in solved:
                    continue
                rows = [SearchExample(tuple(values[s] for s in f.leaves), f.target, i)
                        for i, f in enumerate(self.flats) if f.head == head]
                extra = [p for name, prog in solved.items()
                         if (p := symbol_primitive(name, prog, self.lib, solved)) is not None]
                result = search_program(rows, len(rows[0].args), self.search, extra=extra,
                                        symbols=solved)
                if result.program is None:
                    continue
                found[head] = (result.covered, result.size, result.program)
                if result.covered >= SOLVED * len(rows):
                    solved[str(head)] = result.program
                    grew = True
            if not grew:
                break
        from nsr.semantics.inline import inline_symbol_calls

        programs = {h: inline_symbol_calls(p, solved) for h, (_, _, p) in found.items()}
        for h, (covered, _, _) in found.items():
            known = self.pool[h].get(programs[h], -1)
            self.pool[h][programs[h]] = max(known, covered)
        out = ((sum(c for c, _, _ in found.values()), -sum(n for _, n, _ in found.values())),
               programs)
        self.cache[key] = out
        return out


def _revised(world: dict[int, int], programs: Mapping[int, ast.Program], flats: Sequence[Flat],
             fixed: Mapping[int, int], domain: range) -> dict[int, int]:
    """Abduction over a world: each leaf takes the value of ``domain`` under which the found
    programs explain the most of its examples (the others' values held); ties keep it."""
    out = dict(world)
    for leaf in sorted(world):
        mine = [f for f in flats if leaf in f.leaves and f.head in programs]
        if not mine:
            continue

        def explained(value: int, mine: list[Flat] = mine, leaf: int = leaf) -> int:
            values = {**fixed, **out, leaf: value}
            return sum(apply_memo(programs[f.head], tuple(values[s] for s in f.leaves))
                       == f.target for f in mine)

        now = explained(out[leaf])
        top = max(domain, key=lambda v: (explained(v), v == out[leaf], -v))
        if explained(top) > now:
            out[leaf] = top
    return out


def _settled(world: dict[int, int], programs: Mapping[int, ast.Program],
             flats: Sequence[Flat], fixed: Mapping[int, int], domain: range) -> dict[int, int]:
    """:func:`_revised` until nothing changes (no search: the programs are held)."""
    for _ in range(len(world) + 1):
        revised = _revised(world, programs, flats, fixed, domain)
        if revised == world:
            break
        world = revised
    return world


def _projection_world(flats: Sequence[Flat], leaves: Sequence[int], fixed: Mapping[int, int],
                      domain: range) -> dict[int, int]:
    """A start: each head read as its most self-consistent projection (the smallest programs:
    the operand whose values its targets repeat most steadily), each leaf taking the in-domain
    value those readings ask of it most often (0 when none)."""
    chosen: dict[int, int] = {}
    for head in sorted({f.head for f in flats}):
        mine = [f for f in flats if f.head == head]
        best = (-1.0, 0)
        for j in range(len(mine[0].leaves)):
            votes: dict[int, Counter] = defaultdict(Counter)
            for f in mine:
                if f.leaves[j] not in fixed and f.target in domain:
                    votes[f.leaves[j]][f.target] += 1
            steady = sum(c.most_common(1)[0][1] for c in votes.values()) / len(mine)
            best = max(best, (steady, -j))
        chosen[head] = -best[1]
    tally: dict[int, Counter] = defaultdict(Counter)
    for f in flats:
        leaf = f.leaves[chosen[f.head]]
        if leaf not in fixed and f.target in domain:
            tally[leaf][f.target] += 1
    return {s: (tally[s].most_common(1)[0][0] if tally[s] else 0) for s in leaves}


def solve_leaves(flats: Sequence[Flat], leaves: Sequence[int], fixed: Mapping[int, int],
                 search: SearchConfig, *, seed: int = 0, max_worlds: int = MAX_WORLDS,
                 log: Callable[[str], None] | None = None) -> LeafSolution:
    """The values of ``leaves`` (small integers) that let the smallest head programs explain
    the most flat examples; ``fixed``: leaves whose values are known.

    The domain is 0..n-1 for n leaf symbols (new and known; wider to hold a known value): n
    symbols of one kind need n values at least, and the smallest are the cheapest to state.
    """
    n = len(set(leaves) | set(fixed))
    domain = range(max(n, max(fixed.values(), default=0) + 1))
    worlds = _Worlds(flats, fixed, search)
    rng = random.Random(seed)
    starts = [_projection_world(flats, leaves, fixed, domain)]
    starts += [{s: rng.choice(domain) for s in leaves} for _ in range(STARTS - 1)]
    best: tuple[tuple[int, int], dict[int, int]] = ((-1, 0), starts[0])
    for k, world in enumerate(starts):
        score, programs = worlds.score(world)
        improved = True
        while improved and len(worlds.cache) < max_worlds:
            improved = False
            revised = _revised(world, programs, flats, fixed, domain)
            if revised != world:
                trial, trial_programs = worlds.score(revised)
                if trial > score:
                    world, score, programs, improved = revised, trial, trial_programs, True
                    continue
            # Abduction under the best program each head got in any world: a head's right
            # program shows up where its own leaves are right, whatever the others'
            pooled = worlds.pooled()
            revised = _settled(world, pooled, flats, fixed, domain)
            if revised != world and tuple(sorted(revised.items())) not in worlds.cache:
                trial, trial_programs = worlds.score(revised)
                if trial > score:
                    world, score, programs, improved = revised, trial, trial_programs, True
                    continue
            for leaf, value in itertools.product(sorted(leaves), domain):
                if len(worlds.cache) >= max_worlds:
                    break
                if value == world[leaf]:
                    continue
                moved = {**world, leaf: value}
                trial, trial_programs = worlds.score(moved)
                if trial > score:
                    world, score, programs, improved = moved, trial, trial_programs, True
                    break
        if score > best[0]:
            best = (score, world)
        if log is not None:
            log(f"leaf values: start {k} ended at {score[0]}/{len(flats)} explained "
                f"after {len(worlds.cache)} worlds")
        if best[0][0] >= GOOD * len(flats) or len(worlds.cache) >= max_worlds:
            break
    return LeafSolution(dict(best[1]), best[0][0], len(flats), len(worlds.cache))


def search_for_leaves(search: SearchConfig) -> SearchConfig:
    """The budget of one world's searches: a 50th of a stage's candidates (hundreds of worlds
    are scored; HINT's + and - take well under it), no growth past the stage's program size,
    the stage's row limits."""
    return replace(search, max_candidates=max(1, search.max_candidates // 50),
                   size_limit=0, budget_s=min(search.budget_s, 10.0))
