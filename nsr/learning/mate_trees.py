"""Pseudo-label trees that do not depend on which mate a word is.

A right answer can come from more than one tree: in HINT ``1 / 2 / 6`` is 1 read either way
(division rounds up), as is any ``1 / a / b``: an operand's value hides the difference. The parser's own tree then becomes the pseudo-label, whichever it is, and the
parser learns from it; trained on enough such ties it learns a syntax that depends on the
digits (``1 / a / b`` grouped to the right, ``3 / a / b`` to the left). That costs nothing
on the old operators, whose answers hide it, but a new word that takes the old one's syntax
inherits it (few-shot ``avg`` parsed like ``/``: ``1 avg 2 avg 6`` read as ``1 avg (2 avg
6)``, 3 instead of 4).

The rule: a word's syntax follows from the shape of its meaning, not from which constant it
carries (see :func:`nsr.learning.steps.interchangeable_symbols`), so the tree of an input is
the tree the parser gives the same input with its words swapped for their mates. When a
right example's own tree differs from the tree every swapped copy gets, and that tree also
gives the example's answer, the swapped copies' tree is its pseudo-label. Only ties move: an
example whose answer needs its own tree keeps it.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Collection, Mapping, Sequence
from itertools import pairwise

from nsr.model.execute import execute
from nsr.model.model import NsrModel, Parse
from nsr.syntax.tree import Tree

#: Swapped copies per example, all different; they must agree on the tree that replaces its own.
COPIES = 2
#: Draws per example to find copies whose every pair of neighbours occurs in the data.
DRAWS = 8


def mate_trees(model: NsrModel, parses: Sequence[Parse], targets: Sequence[object],
               mates: Mapping[int, list[int]], settled: Sequence[bool] | None = None,
               seen: Collection[tuple[int, int]] | None = None,
               arcs: Collection[Arc] | None = None) -> dict[int, Tree]:
    """Index -> tree, for the right ``parses`` whose tree is to be replaced (module doc).

    ``settled[i]``: parse i's tree is already its pseudo-label, checked when it became one;
    skipped (the whole pool is parsed again after every new program: checking it all again
    would double the cost of deduction for nothing new).
    ``seen``: the pairs of neighbouring symbols the training inputs hold; a copy with another
    pair is not drawn (a word may keep its own symbol in a copy, so that the others still
    move). Why: the parser's tree for an input unlike any it was trained on is a guess, not
    the syntax the mates share; SCAN's ``walk opposite right`` copied as ``walk opposite
    left``, a phrase the held-out split never shows, took the guess and taught it.
    ``arcs``: the arcs (head symbol, dependent symbol, side) of the trees already labelled; a
    tree with another arc is not taught. Why: the copies' tree is the parser's reading of
    inputs it may never have seen; where it reads them with an attachment no labelled tree
    has (SCAN's ``X after turn opposite left`` read with ``after`` under ``opposite``, which
    ties only because ``turn`` repeats its own first action), it is guessing, and a guess
    taught spreads to inputs where it is wrong.
    Deterministic (the copies are drawn from a generator seeded by the input), and without
    side effects: with no such example the caller's run is exactly what it was without it.
    """
    if not mates:
        return {}
    # The copies are parsed in rounds, one copy per candidate a round, and a candidate whose
    # copy keeps its own tree (most of them) is dropped at once: the same answer as parsing
    # every copy, for about half the parses.
    candidates: dict[int, list[tuple[int, ...]]] = {}
    for i, (p, target) in enumerate(zip(parses, targets, strict=True)):
        if p.tree is None or p.rescued or len(p.symbols) < 3 or p.output != target or \
                (settled is not None and settled[i]) or not any(s in mates for s in p.symbols):
            continue
        rng = random.Random(zlib.crc32(" ".join(p.segment_keys).encode()))
        copies = _copies(p.symbols, mates, rng, seen)
        if len(copies) == COPIES:  # copies that are one sequence would agree by themselves
            candidates[i] = sorted(copies)
    agreed: dict[int, Tree] = {}
    for n in range(COPIES):
        if not candidates:
            break
        order = list(candidates)
        trees = model.parser.parse_greedy(
            [(candidates[i][n], model.arities(parses[i].symbols)) for i in order])
        for i, tree in zip(order, trees, strict=True):
            p = parses[i]
            if tree is None or tree == p.tree or agreed.get(i, tree) != tree or (
                    n == 0 and not _explains(model, p, tree, targets[i], arcs)):
                del candidates[i]
            else:
                agreed[i] = tree
    return {i: agreed[i] for i in candidates}


def _explains(model: NsrModel, p: Parse, tree: Tree, target: object,
              arcs: Collection[Arc] | None) -> bool:
    """Whether ``tree`` over ``p``'s symbols makes only known ``arcs`` and gives ``target``."""
    if arcs is not None and any(arc not in arcs for arc in tree_arcs(p.symbols, tree)):
        return False
    values = execute(tree, p.symbols, model.programs, given=p.given, memo=model.memoised)
    return values[tree.root] == target


#: (head symbol, dependent symbol, whether the dependent stands left of its head).
Arc = tuple[int, int, bool]


def tree_arcs(symbols: Sequence[int], tree: Tree) -> list[Arc]:
    """The arcs of ``tree`` over ``symbols``, named by symbol rather than position."""
    return [(symbols[h], symbols[d], d < h) for d, h in enumerate(tree.heads) if h >= 0]


def _copies(symbols: tuple[int, ...], mates: Mapping[int, list[int]], rng: random.Random,
            seen: Collection[tuple[int, int]] | None) -> set[tuple[int, ...]]:
    """Up to ``COPIES`` different copies of ``symbols`` with words swapped for mates; with
    ``seen``, only copies whose neighbour pairs all occur in it (after a first draw where
    every word moves, a word may keep its own symbol)."""
    out: set[tuple[int, ...]] = set()
    for draw in range(DRAWS if seen is not None else COPIES):
        copy = tuple(rng.choice(mates[s] if draw == 0 or seen is None else [*mates[s], s])
                     if s in mates else s for s in symbols)
        if copy != symbols and (seen is None or all(pair in seen for pair in pairwise(copy))):
            out.add(copy)
            if len(out) == COPIES:
                break
    return out
