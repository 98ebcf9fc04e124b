"""The four named steps of deduction-abduction: deduce, abduce, select, learn.

Each step is a function that takes values and returns values; the loop in
:mod:`nsr.learning.loop` strings them together. Only :func:`learn` changes the model.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from nsr.abduction.candidates import candidate_trees
from nsr.abduction.revise import Revision, revisions
from nsr.learning.model import NsrModel, Parse, execute
from nsr.semantics import ast
from nsr.semantics.inline import inline_symbol_calls
from nsr.semantics.search import SearchConfig, SearchExample, search_program
from nsr.semantics.search_primitives import LIBRARIES, Value, symbol_primitive
from nsr.syntax.tree import Tree


@dataclass(frozen=True)
class Labelled:
    """A pseudo-label: the symbols and tree under which an input yields its target."""

    tokens: tuple[str, ...]
    symbols: tuple[int, ...]
    tree: Tree


@dataclass(frozen=True)
class Hypothesis:
    """A tree for a wrong example, and the value revisions that would make it right."""

    tree: Tree
    revisions: tuple[Revision, ...]
    consistent: bool


@dataclass(frozen=True)
class Abduction:
    """Every hypothesis abduction found for one example (index into the abduced batch)."""

    index: int
    tokens: tuple[str, ...]
    symbols: tuple[int, ...]
    target: Value
    hypotheses: tuple[Hypothesis, ...]


@dataclass(frozen=True)
class Selection:
    """What the select step decided: new pseudo-labels and newly induced programs."""

    labels: tuple[Labelled, ...]
    programs: dict[int, ast.Program] = field(default_factory=dict)
    search_seconds: float = 0.0


def deduce(model: NsrModel, inputs: Sequence[Sequence[str]]) -> list[Parse]:
    """Perceive, parse and execute every input with the current model."""
    return model.run(inputs)


def abduce(model: NsrModel, wrong: Sequence[tuple[Parse, Value]], *, enumerate_up_to: int,
           beam: int, samples: int, seed: int, inverse: str = "python") -> list[Abduction]:
    """Tree hypotheses and value revisions for each wrong (parse, target) pair.

    ``inverse`` is "python" (generate-and-test, cached) or "prolog" (the compiled programs run
    backwards in SWI-Prolog).
    """
    if inverse == "prolog" and model.programs:
        from nsr.abduction.prolog_inverse import PrologInverse

        with PrologInverse(model.programs, model.symbol_names) as backwards:
            return _abduce(model, wrong, enumerate_up_to, beam, samples, seed, backwards)
    return _abduce(model, wrong, enumerate_up_to, beam, samples, seed, None)


def _abduce(model: NsrModel, wrong: Sequence[tuple[Parse, Value]], enumerate_up_to: int,
            beam: int, samples: int, seed: int, backwards) -> list[Abduction]:
    rng = random.Random(seed)
    out = []
    for i, (parse, target) in enumerate(wrong):
        symbols = parse.symbols
        arities = model.arities(symbols)
        trees = candidate_trees(model.parser, symbols, arities, enumerate_up_to=enumerate_up_to,
                                beam=beam, samples=samples, rng=rng)
        hyps = []
        for tree in trees:
            revs = revisions(tree, symbols, model.programs, target, inverse=backwards)
            consistent = not revs and execute(tree, symbols, model.programs)[tree.root] == target
            if not consistent and any(r.is_hole and r.args is None for r in revs):
                revs = _guess_lower_holes(tree, symbols, model.programs, target) or revs
            if consistent or revs:
                hyps.append(Hypothesis(tree, revs, consistent))
        out.append(Abduction(i, parse.tokens, symbols, target, tuple(hyps)))
    return out


def _guess_lower_holes(tree: Tree, symbols: Sequence[int], programs: dict[int, ast.Program],
                       target: Value) -> tuple[Revision, ...]:
    """Two holes in one tree: guess that one-child holes pass their child's value up.

    A hole above another hole gets no example row (its argument is unknown), so a tree like
    ``) -> ( -> +`` (parentheses heading the expression they enclose) could never teach either
    parenthesis. Guessing the identity for every one-child node without a program fills the
    lower holes; the guess is offered as rows of its own (child value -> same value), and the
    program search, as MDL judge, decides whether identity is what those symbols mean.
    Empty when the guess does not help.
    """
    identity = ast.Program(("x",), ast.Var("x"))
    guessed = {symbols[n]: identity for n in tree.postorder()
               if symbols[n] not in programs and len(tree.children[n]) == 1}
    if not guessed:
        return ()
    trial = {**programs, **guessed}
    values = execute(tree, symbols, trial)
    rows = tuple(Revision(n, values[n], "hole", 0.0, (values[tree.children[n][0]],))
                 for n in tree.postorder()
                 if symbols[n] in guessed and values[n] is not None)
    if values[tree.root] == target:
        return rows
    # the Python inverse: the guessed programs exist only here, not in a Prolog engine
    more = revisions(tree, symbols, trial, target)
    if not any(r.is_hole and r.args is not None for r in more):
        return ()
    # a revision at a guessed node means the guess is wrong there: drop the guessed rows
    return tuple(r for r in rows if all(m.node != r.node for m in more)) + more


def select(model: NsrModel, abductions: Sequence[Abduction], search: SearchConfig, *,
           adopt_fraction: float, min_support: int) -> Selection:
    """Pick pseudo-labels and induce programs for holes (the MDL judge).

    A consistent hypothesis becomes a pseudo-label at once (the most probable tree under the
    parser when there are several). Otherwise every hole revision is a candidate example for
    its symbol's program; the program search picks, per symbol, the smallest program that
    explains the most examples, which at the same time picks the tree hypotheses it agrees with.
    A program is adopted when it explains at least ``adopt_fraction`` of the examples that
    offered rows for its symbol, and at least ``min_support`` of them.
    """
    labels: list[Labelled] = []
    rows: dict[int, dict[int, list[SearchExample]]] = defaultdict(lambda: defaultdict(list))
    groups: dict[int, set[int]] = defaultdict(set)
    for ab in abductions:
        consistent = [h for h in ab.hypotheses if h.consistent]
        if consistent:
            labels.append(Labelled(ab.tokens, ab.symbols, _most_probable(model, ab, consistent)))
            continue
        for hyp in ab.hypotheses:
            for rev in hyp.revisions:
                if not rev.is_hole or rev.args is None:
                    continue
                symbol = ab.symbols[rev.node]
                rows[symbol][len(rev.args)].append(SearchExample(rev.args, rev.value, ab.index))
                groups[symbol].add(ab.index)
    programs: dict[int, ast.Program] = {}
    solved: dict[int, ast.Program] = {}  # explain >= SOLVED of their rows: safe to reuse
    seconds = 0.0
    todo = sorted(rows)
    reusable = LIBRARIES[search.library].value_type is not None
    # Pass 2 re-searches what pass 1 left unsolved, now with the programs pass 1 solved as
    # extra primitives (HINT's * and / need + and -, all first seen in the same stage).
    for _ in range(2 if reusable else 1):
        newly_solved = False
        for symbol in todo:
            if symbol in solved:
                continue
            extra, named = _learned_primitives(model, symbol, search.library, solved)
            best = None
            for arity, examples in sorted(rows[symbol].items()):
                result = search_program(_spread(examples, search.max_rows), arity, search,
                                        extra=extra, symbols=named)
                seconds += result.seconds
                if result.program is not None and (best is None or result.covered > best.covered):
                    best = result
            total = len(groups[symbol])
            if best is not None and best.covered >= min(min_support, total) and \
                    best.covered >= adopt_fraction * min(total, search.max_rows) and best.covered >= 1:
                programs[symbol] = inline_symbol_calls(best.program, named)
                if best.fraction >= SOLVED:
                    solved[symbol] = programs[symbol]
                    newly_solved = True
        if not newly_solved:
            break
    return Selection(tuple(labels), programs, seconds)


#: Fraction of its rows a program must explain to count as solved (published: 95%).
SOLVED = 0.95


def _learned_primitives(model: NsrModel, symbol: int, library: str,
                        fresh: dict[int, ast.Program]):
    """Other symbols' programs as extra search primitives (name -> program too).

    Offered: every adopted program with arguments (adoption already required it to explain
    most of its rows) and those solved earlier in this select (``fresh``); the library decides
    whether it can type them (see :func:`nsr.semantics.search_primitives.symbol_primitive`).
    Programs are stored inlined, so they need no symbol table to run.
    """
    lib = LIBRARIES[library]
    named = {model.symbol_names[s]: p for s, p in sorted({**model.programs, **fresh}.items())
             if s != symbol and p.arity > 0}
    extra = [prim for name, p in named.items()
             if (prim := symbol_primitive(name, p, lib, named)) is not None]
    return extra, named


def _spread(rows: list[SearchExample], limit: int) -> list[SearchExample]:
    """At most ``limit`` rows, taken from as many different groups as possible."""
    if len(rows) <= limit:
        return rows
    by_group: dict[object, list[SearchExample]] = defaultdict(list)
    for r in rows:
        by_group[r.group].append(r)
    out: list[SearchExample] = []
    lists = list(by_group.values())
    depth = 0
    while len(out) < limit and any(len(g) > depth for g in lists):
        for g in lists:
            if len(g) > depth and len(out) < limit:
                out.append(g[depth])
        depth += 1
    return out


def _most_probable(model: NsrModel, ab: Abduction, hyps: Sequence[Hypothesis]) -> Tree:
    if len(hyps) == 1:
        return hyps[0].tree
    arities = model.arities(ab.symbols)
    return max(hyps, key=lambda h: (model.parser.score(ab.symbols, arities, h.tree)
                                    - 0.5 * h.tree.crossing_arcs())).tree


def learn(model: NsrModel, programs: dict[int, ast.Program], new: Sequence[Labelled],
          replay: Sequence[Labelled], *, seed: int, parser_epochs: int, max_trees: int) -> float:
    """Adopt new programs, then train the parser (and perception) on pseudo-labels.

    Every new pseudo-label is used, topped up with a random replay of older ones (up to
    ``max_trees``) so that the parser does not forget what it already parses right.
    """
    model.programs.update(programs)
    rng = random.Random(seed)
    pool = list(new)[:max_trees]
    fresh = {lab.tokens for lab in pool}
    # sorted: the replay sample must not depend on the order labels were found in (resume)
    older = sorted((lab for lab in replay if lab.tokens not in fresh), key=lambda lab: lab.tokens)
    pool += rng.sample(older, min(len(older), max_trees - len(pool)))
    data = [(lab.symbols, model.arities(lab.symbols), lab.tree) for lab in pool]
    loss = model.parser.fit(data, seed=seed, epochs=parser_epochs)
    tokens = [t for lab in pool for t in lab.tokens]
    symbols = [s for lab in pool for s in lab.symbols]
    # Tokens without a pseudo-label yet keep their current symbol: otherwise fitting the others
    # lets the shared classifier drift and a word silently changes meaning.
    unlabelled = sorted(set(model.perception.cfg.vocab) - set(tokens))
    if unlabelled:
        tokens += unlabelled
        symbols += model.perception.predict(unlabelled)[0]
    model.perception.fit(tokens, symbols, seed=seed)
    return loss
