"""Programs the data contradicts: searched again when wrong examples keep asking to change them.

Why: a program is adopted from the rows of the stage that first meets its symbol, and short
inputs can under-determine it. ``reverse`` and ``swap_first_last`` agree on every list of up to
three items; ``append(x, cdr(x))`` and ``echo`` agree on every list of two. Such a near miss
explains all of its rows, so it counts as solved and nothing searches it again. Longer inputs
then fail wherever the word occurs, and abduction can explain them only by contradicting a
known program (a *value* revision: no hole is left), evidence that program search never sees,
since it only fills holes. The stage stalls with the wrong program for good.

What this module does with that evidence, in a round that stalls (select adopted no program;
see ``_doubt_step`` in :mod:`nsr.learning.loop`):

1. :func:`doubted_symbols`: the wrong examples that no tree explains and that offer no hole
   (every explanation contradicts some program) are covered greedily by the symbols whose
   programs their value revisions contradict: first the symbol named in the most of them, then
   the one named in the most of the rest, and so on while a symbol is named in at least
   ``min_support`` of what is left. The fewest meanings that, changed, could explain every
   stalled example: one wrong program shows up in all the examples that hold its word, and the
   words around it only in some.
2. :func:`revised_program`: the first doubted symbol's program is searched again (a little
   larger than the first search, as a near miss may sit just beyond it) from its rows in
   consistent pseudo-labels plus the value revisions at its nodes (less those that ask a new
   value for arguments a right example maps: see :func:`_fixable`; the old program answers
   the self-calls of recursive candidates that the rows do not hold, as few rows hold few
   sub-calls: ``search_program``'s ``oracle``), and replaces the old one
   only when it fixes at least ``min_support`` stalled examples and breaks no consistent
   pseudo-label: it only extends what works. Why so strict: stalled examples concentrate
   the error, and a program for another word can trade them in as well (``reverse`` searched
   on the examples that ``swap_first_last`` := reverse left wrong becomes swap_first_last
   itself, right wherever both words occur, wrong on ``reverse copy`` of four letters); a
   count of fixed against broken would take that. Whole examples are checked, not rows: a
   label may be right under the old program by accident (``swap_first_last
   swap_first_last X`` with ``reverse`` for both) and stay right under the new one.
3. The new program must also not be more permissive than the old one: it may not let more
   of the parser's other trees for right examples give their targets
   (:func:`other_trees_right`). That tells a near miss (wrong under the right tree) from
   parser noise (stalled examples whose trees are wrong, which a program can right only by
   agreeing with wrong trees).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from nsr.induction.search import SearchConfig, SearchExample, SearchResult, search_program
from nsr.learning.steps import (
    RESEARCH_EXTRA_SIZE,
    Abduction,
    Labelled,
    _label_rows,
    _learned_primitives,
    _spread,
)
from nsr.model.execute import apply_memo, execute
from nsr.model.model import NsrModel
from nsr.semantics import ast
from nsr.semantics.inline import inline_symbol_calls
from nsr.semantics.printer import to_text

#: The parser's beam width, and how many right examples, for :func:`other_trees_right`.
OTHER_TREES_BEAM = 4
OTHER_TREES_LABELS = 64


def _stalled(abductions: Iterable[Abduction]) -> Iterable[Abduction]:
    """The abduced examples no tree explains and no hole could fix."""
    for ab in abductions:
        revs = [r for h in ab.hypotheses for r in h.revisions]
        if revs and not any(h.consistent for h in ab.hypotheses) and \
                not any(r.is_hole for r in revs):
            yield ab


def _contradictions(model: NsrModel, ab: Abduction, loose: bool
                    ) -> Iterable[tuple[int, SearchExample]]:
    """(symbol, row) for each row an example's value revisions ask of a program with
    arguments (``loose``: also rows an ambiguous inverse chose, see ``Revision.loose``). A
    leaf is left alone: one constant cannot keep its old rows and take the new values at
    once."""
    for hyp in ab.hypotheses:
        for rev in hyp.revisions:
            s = ab.symbols[rev.node]
            prog = model.programs.get(s)
            if rev.kind == "value" and rev.args and prog is not None and \
                    prog.arity == len(rev.args) and (loose or not rev.loose):
                yield s, SearchExample(rev.args, rev.value, ab.index)


def doubted_symbols(model: NsrModel, abductions: Sequence[Abduction], *, min_support: int,
                    skip: Iterable[int] = (), loose: bool = False) -> list[int]:
    """Symbols whose programs the stalled examples contradict, in greedy-cover order (see the
    module docstring); ``skip``: symbols not to doubt (already searched again, noisy);
    ``loose``: see ``LearnerConfig.loose_evidence``."""
    skip = set(skip)
    against: dict[int, set[int]] = defaultdict(set)
    for ab in _stalled(abductions):
        for s, _ in _contradictions(model, ab, loose):
            if s not in skip:
                against[s].add(ab.index)
    order: list[int] = []
    left = set().union(*against.values())
    while against:
        s = max(sorted(against), key=lambda t: len(against[t] & left))
        if len(against[s] & left) < min_support:
            break
        order.append(s)
        left -= against.pop(s)
    return order


def revised_program(model: NsrModel, abductions: Sequence[Abduction],
                    labels: Sequence[Labelled], symbol: int, search: SearchConfig, *,
                    min_support: int, loose: bool = False,
                    say: Callable[[str], None] | None = None) -> SearchResult | None:
    """A new program for ``symbol`` (``program`` inlined) that rights at least
    ``min_support`` of the stalled examples whose value revisions contradict the old one and
    wrongs none of ``labels`` and lets no more of the parser's other trees for them give
    their targets (see :func:`other_trees_right`), or None. ``loose``: see
    ``LearnerConfig.loose_evidence``; ``say``: told why a program found was turned down."""
    prog = model.programs[symbol]
    kept = _label_rows(model, labels, {symbol}, len(labels)).get(symbol, [])
    wrong = _fixable([row for ab in _stalled(abductions)
                      for s, row in _contradictions(model, ab, loose) if s == symbol], kept)
    if len({r.group for r in wrong}) < min_support:
        return None  # no search: too few examples a new program could right
    pool = _spread(kept, search.max_rows // 2) + _spread(wrong, search.max_rows // 2)
    wider = dataclasses.replace(search, max_size=search.max_size + RESEARCH_EXTRA_SIZE,
                                size_limit=max(search.size_limit,
                                               search.max_size + RESEARCH_EXTRA_SIZE))
    extra, named = _learned_primitives(model, symbol, search.library, {})
    # the old program answers the self-calls the rows do not hold (see search_program)
    found = search_program(pool, prog.arity, wider, extra=extra, symbols=named,
                           oracle=lambda args: apply_memo(prog, args))
    if found.program is None:
        return None
    program = inline_symbol_calls(found.program, named)
    fixed = len(found.covered_groups - {r.group for r in kept})
    if fixed < min_support or _breaks(model, labels, symbol, program):
        return None
    old_right, new_right = other_trees_right(model, labels, symbol, program)
    if new_right > old_right:
        if say is not None:
            say(f"{model.symbol_names[symbol]}: {to_text(program)} rejected: the parser's other "
                f"trees for right examples give their target {new_right} times, "
                f"{old_right} with the old program")
        return None
    if say is not None:
        say(f"{model.symbol_names[symbol]}: other trees of right examples right "
            f"{old_right} -> {new_right}")
    return dataclasses.replace(found, program=program)


def other_trees_right(model: NsrModel, labels: Sequence[Labelled], symbol: int,
                      program: ast.Program, *, width: int = OTHER_TREES_BEAM,
                      most: int = OTHER_TREES_LABELS) -> tuple[int, int]:
    """How many of the parser's other trees for right examples holding ``symbol`` give the
    example's target: (with the old program, with ``program`` in its place).

    The parser's beam of ``width`` trees is taken for up to ``most`` pseudo-labels holding
    the symbol (spread over the list), less each label's own tree. Why: the stalled
    examples of a round can be wrong for two reasons, and only one of them is the program's
    fault. A near miss (``swap_first_last`` := reverse, adopted from three-item lists) is
    wrong wherever the word meets a longer list, under the right tree; the right program
    changes nothing else, so the parser's other trees stay as wrong as before. Parser noise
    (a misattached tree) is wrong because of the tree; a program that rights it (HINT's
    ``)`` := add(x, y), which rights trees that hang an operand under the bracket) does so
    by agreeing with more trees, and then the parser is no longer pushed to fix them and the
    error shows up on longer inputs. More of the other trees right is that tell: a revision
    may fix what its word does, not make wrong trees count as right.
    """
    holding = [lab for lab in labels if symbol in lab.symbols]
    holding = holding[::max(1, len(holding) // most)][:most]
    trial = {**model.programs, symbol: program}
    old = new = 0
    for lab in holding:
        given = model.segmenter(lab.tokens).given if model.segmenter.pattern else None
        target = execute(lab.tree, lab.symbols, model.programs, given=given,
                         memo=model.memoised)[lab.tree.root]
        for tree, _ in model.parser.parse_beam(lab.symbols, model.arities(lab.symbols),
                                               width=width):
            if tree.heads == lab.tree.heads:
                continue
            old += execute(tree, lab.symbols, model.programs, given=given,
                           memo=model.memoised)[tree.root] == target
            new += execute(tree, lab.symbols, trial, given=given,
                           memo=model.memoised)[tree.root] == target
    return old, new


def _fixable(wrong: list[SearchExample], kept: list[SearchExample]) -> list[SearchExample]:
    """The rows of ``wrong`` whose arguments no row of ``kept`` maps to another value.

    Why: a program is a function; a row that asks a new value for arguments the symbol
    already maps in a right example can be met only by breaking that example (a wrong tree's
    noise: HINT's ``3 + 4 * 2`` read as ``(3 + 4) * 2`` asks ``*`` for 11 at (7, 2)). Such
    rows are no evidence for a new program, and when too few rows are left, the search (the
    whole candidate budget, as no program fits noise) is not run at all.
    """
    known: dict[tuple, set] = {}
    for row in kept:
        known.setdefault(row.args, set()).add(row.output)
    return [r for r in wrong if known.get(r.args, {r.output}) == {r.output}]


def _breaks(model: NsrModel, labels: Sequence[Labelled], symbol: int,
            program: ast.Program) -> bool:
    """Whether some pseudo-label holding ``symbol`` would no longer give its target with
    ``program`` in place of the symbol's own."""
    trial = {**model.programs, symbol: program}
    for lab in labels:
        if symbol not in lab.symbols:
            continue
        given = model.segmenter(lab.tokens).given if model.segmenter.pattern else None
        old = execute(lab.tree, lab.symbols, model.programs, given=given,
                      memo=model.memoised)[lab.tree.root]
        new = execute(lab.tree, lab.symbols, trial, given=given,
                      memo=model.memoised)[lab.tree.root]
        if new != old:
            return True
    return False
