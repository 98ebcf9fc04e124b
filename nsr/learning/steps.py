"""The four named steps of deduction-abduction: deduce, abduce, select, learn.

Each step is a function that takes values and returns values; the loop in
:mod:`nsr.learning.loop` strings them together. Only :func:`learn` changes the model.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from nsr.abduction.candidates import candidate_trees
from nsr.abduction.revise import Revision, revisions
from nsr.induction.library import LIBRARIES, symbol_primitive
from nsr.induction.search import (
    PARAM_NAMES,
    SearchConfig,
    SearchExample,
    SearchResult,
    program_size,
    search_program,
)
from nsr.model.execute import apply_memo, execute
from nsr.model.model import NsrModel, Parse
from nsr.semantics import ast
from nsr.semantics.ast import Value
from nsr.semantics.inline import inline_symbol_calls
from nsr.syntax.tree import Tree

#: Re-searching an unsolved program looks this much further than the first search.
RESEARCH_EXTRA_SIZE = 2
#: How many different guesses (see ``guess_lower``) select tries per round, most common first.
MAX_GUESS_WORLDS = 3


@dataclass(frozen=True)
class Labelled:
    """A pseudo-label: the symbols and tree under which an input yields its target.

    ``keys`` are the perception keys of the tree's nodes (segments); empty means the tokens.
    """

    tokens: tuple[str, ...]
    symbols: tuple[int, ...]
    tree: Tree
    keys: tuple[str, ...] = ()

    @property
    def segment_keys(self) -> tuple[str, ...]:
        return self.keys or self.tokens


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
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Selection:
    """What the select step decided: new pseudo-labels and newly induced programs."""

    labels: tuple[Labelled, ...]
    programs: dict[int, ast.Program] = field(default_factory=dict)
    search_seconds: float = 0.0
    #: Fraction of its rows each new program explained when adopted (< SOLVED: re-search it).
    fits: dict[int, float] = field(default_factory=dict)
    #: Symbols offered ordinary rows that got no program (see ``identity_for`` in select).
    unexplained: frozenset[int] = frozenset()


def deduce(model: NsrModel, inputs: Sequence[Sequence[str]]) -> list[Parse]:
    """Perceive, parse and execute every input with the current model (training: the target,
    not the liveness prior, judges the trees)."""
    return model.run(inputs, answering=False)


def abduce(model: NsrModel, wrong: Sequence[tuple[Parse, Value]], *, enumerate_up_to: int,
           beam: int, samples: int, seed: int, inverse: str = "python",
           guess_lower: bool = False, memo: bool = False,
           enumerate_new: int = 0) -> list[Abduction]:
    """Tree hypotheses and value revisions for each wrong (parse, target) pair.

    ``inverse`` is "python" (generate-and-test, cached) or "prolog" (the compiled programs run
    backwards in SWI-Prolog). ``guess_lower`` and ``memo``: see
    :func:`nsr.abduction.revise.revisions`; ``memo`` also skips revising the trees of an
    example that some tree already explains (select labels it from those alone).
    ``enumerate_new``: see :func:`nsr.abduction.candidates.candidate_trees`.
    """
    if inverse == "prolog" and model.programs:
        from nsr.abduction.prolog_inverse import PrologInverse

        with PrologInverse(model.programs, model.symbol_names) as backwards:
            return _abduce(model, wrong, enumerate_up_to, beam, samples, seed, backwards,
                           guess_lower, enumerate_new=enumerate_new)
    return _abduce(model, wrong, enumerate_up_to, beam, samples, seed, None, guess_lower, memo,
                   enumerate_new)


def _abduce(model: NsrModel, wrong: Sequence[tuple[Parse, Value]], enumerate_up_to: int,
            beam: int, samples: int, seed: int, backwards, guess_lower: bool,
            memo: bool = False, enumerate_new: int = 0) -> list[Abduction]:
    rng = random.Random(seed)
    out = []
    for i, (parse, target) in enumerate(wrong):
        symbols = parse.symbols
        arities = model.arities(symbols)
        trees = candidate_trees(model.parser, symbols, arities, enumerate_up_to=enumerate_up_to,
                                beam=beam, samples=samples, rng=rng,
                                enumerate_new=enumerate_new)
        hyps = []
        if memo:
            # select uses only the consistent trees of an example that has some: revising the
            # others would be wasted (and costs most of the time with recursive programs).
            hyps = [Hypothesis(tree, (), True) for tree in trees
                    if execute(tree, symbols, model.programs, given=parse.given,
                               memo=True)[tree.root] == target]
        for tree in trees if not hyps else ():
            revs = revisions(tree, symbols, model.programs, target, inverse=backwards,
                             given=parse.given, guess_lower=guess_lower, memo=memo)
            consistent = not revs and \
                execute(tree, symbols, model.programs, given=parse.given)[tree.root] == target
            if consistent or revs:
                hyps.append(Hypothesis(tree, revs, consistent))
        out.append(Abduction(i, parse.tokens, symbols, target, tuple(hyps), parse.keys))
    return out


def select(model: NsrModel, abductions: Sequence[Abduction], search: SearchConfig, *,
           adopt_fraction: float, min_support: int,
           unsolved_rows: dict[int, list[SearchExample]] | None = None,
           loose_evidence: bool = True, key_share: float = 0.0,
           inventory: dict[int, int] | None = None,
           consistent_guesses: bool = False,
           identity_for: frozenset[int] = frozenset(),
           thresholds: Callable[[int], tuple[float, int]] | None = None) -> Selection:
    """Pick pseudo-labels and induce programs for holes (the MDL judge).

    A consistent hypothesis becomes a pseudo-label at once (the most probable tree under the
    parser when there are several). Otherwise every hole revision is a candidate example for
    its symbol's program; the program search picks, per symbol, the smallest program that
    explains the most examples, which at the same time picks the tree hypotheses it agrees with.
    A program is adopted when it explains at least ``adopt_fraction`` of the examples that
    offered rows for its symbol, and at least ``min_support`` of them. An example whose rows
    for a symbol all rest on guesses (see ``guess_lower``) counts only when it is explained:
    a wrong guess is no evidence against a program.
    Guessed rows reach the search only for symbols with no ordinary (unguessed) row in this
    round: a guess is the evidence of last resort. Why: merged with real rows, a wrong guess
    buys a bigger program that fits both (SCAN, ``run left`` with ``run`` never seen alone:
    ``run`` guessed ``empty()`` made ``left`` := cons('I_TURN_LEFT', singleton(last(cons(
    'I_RUN', x)))) where ``walk left``'s own rows ask for cons('I_TURN_LEFT', x)).

    ``unsolved_rows``: for adopted programs that explained too few rows to count as solved,
    rows from examples they already get right (see :func:`unsolved_symbol_rows`). Their value
    revisions in wrong examples are added and the search re-run; a program replaces the old
    one when it explains more of these rows (the old one explains exactly the kept rows).

    ``loose_evidence`` False: a hole's row whose value an ambiguous inverse chose (see
    ``Revision.loose``) is left out of the search; otherwise the search, which counts the
    examples a program explains, pays for fitting such noise with a bigger program.

    ``key_share`` with ``inventory`` (symbol -> how many known segments perception reads as
    it, see :func:`symbol_inventory`): a program is adopted only when the rows offered for its
    symbol come from at least this share of those segments. Why: an image cluster that is
    mostly one symbol (")") can hold a few images of another ("/"); before the cluster's own
    symbol is ever seen, those few images alone would pick its program (a junk one that fits
    them), and the cluster's real images would then be read as something else. Constants are
    exempt: a leaf's row is its own value (a single digit), whatever else its cluster holds.
    With tokens a symbol is one segment, so any row satisfies the rule.

    ``consistent_guesses``: programs are adopted most explaining first, and one is skipped
    when it contradicts the shape another adopted program's evidence guessed for a symbol
    (a hole guessed as a constant leaf cannot at the same time get a program with arguments,
    and vice versa). Why: a bracket pair can be read two ways, ``(`` over the enclosed
    expression and ``)``, or ``)`` over ``(`` and the expression; each reading's rows guess
    the other bracket a constant, so adopting both readings at once leaves no bracket a leaf,
    and the images of the ignored one end up read as random digits.

    ``thresholds``: symbol -> (adopt_fraction, min_support) in place of the two flat ones
    (stricter for noisy symbols, see :mod:`nsr.learning.noise`).

    ``identity_for``: symbols that may mean the identity (see :func:`_search_symbol`): those
    an earlier round searched and left without a program (``Selection.unexplained``).
    """
    labels: list[Labelled] = []
    rows: dict[int, dict[int, list[SearchExample]]] = defaultdict(lambda: defaultdict(list))
    groups: dict[int, set[int]] = defaultdict(set)
    keys: dict[int, set[str]] = defaultdict(set)  # segments that offered rows, per symbol
    # Rows that rest on a guess below, by the guess: one guess must hold across all examples.
    guessed: dict[tuple, dict[int, dict[int, list[SearchExample]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list)))
    for ab in abductions:
        consistent = [h for h in ab.hypotheses if h.consistent]
        if consistent:
            labels.append(Labelled(ab.tokens, ab.symbols, _most_probable(model, ab, consistent),
                                   ab.keys))
            continue
        for hyp in ab.hypotheses:
            for rev in hyp.revisions:
                if not rev.is_hole or rev.args is None or (rev.loose and not loose_evidence):
                    continue
                symbol = ab.symbols[rev.node]
                row = SearchExample(rev.args, rev.value, ab.index)
                keys[symbol].add((ab.keys or ab.tokens)[rev.node])
                if rev.guessed:
                    guessed[rev.assumption][symbol][len(rev.args)].append(row)
                else:
                    rows[symbol][len(rev.args)].append(row)
                    groups[symbol].add(ab.index)
    seconds = 0.0
    best: dict[int, SearchResult] = {}
    solved: dict[int, ast.Program] = {}  # explain >= SOLVED of their rows: safe to reuse
    reusable = LIBRARIES[search.library].value_type is not None
    # Pass 2 re-searches what pass 1 left unsolved, now with the programs pass 1 solved as
    # extra primitives (HINT's * and / need + and -, all first seen in the same stage).
    for _ in range(2 if reusable else 1):
        newly_solved = False
        for symbol, by_arity in sorted(rows.items()):
            if symbol in solved:
                continue
            found, spent = _search_symbol(by_arity, search, model, symbol, solved,
                                          identity=symbol in identity_for)
            seconds += spent
            if found is not None:
                best[symbol] = found
                if found.fraction >= SOLVED:
                    solved[symbol] = found.program
                    newly_solved = True
        if not newly_solved:
            break
    # Guessed rows: try the most common guesses, keep the one whose programs explain the most.
    # A guess speaks only for symbols nothing else speaks for (see above).
    # A guess's rows for a symbol that has its own (unguessed) program are evidence for the
    # guess where that program explains them: ``turn := empty()`` guessed under ``thrice`` in
    # ``turn left thrice``, with ``thrice`` known from ``walk left thrice``.
    usable = {world: {s: by for s, by in by_symbol.items() if not rows.get(s)}
              for world, by_symbol in guessed.items()}
    known = {s: inline_symbol_calls(b.program,
                                    _learned_primitives(model, s, search.library, solved)[1])
             for s, b in best.items() if any(s in by for by in guessed.values())}
    confirmed = {world: _confirmed(by_symbol, known) for world, by_symbol in guessed.items()}
    worlds = sorted((w for w in usable if usable[w] or confirmed[w]),
                    key=lambda a: (-len(confirmed[a] | {r.group for by in usable[a].values()
                                                        for rs in by.values() for r in rs}), a))
    chosen: dict[int, SearchResult] = {}
    chosen_world: tuple = ()
    # A world must explain more than the rows without guesses; of worlds that explain as
    # much, the smallest programs win (each guess below counts as a leaf): the data cannot
    # tell them apart, and the simpler meaning is the one that generalizes
    unguessed = sum(b.covered for b in best.values())
    chosen_score: tuple[int, int] | None = None
    for world in worlds[:MAX_GUESS_WORLDS]:
        trial: dict[int, SearchResult] = {}
        for symbol, by_arity in sorted(usable[world].items()):
            found, spent = _search_symbol(dict(by_arity), search, model, symbol, solved,
                                          identity=symbol in identity_for)
            seconds += spent
            if found is not None:
                trial[symbol] = found
        score = (sum(b.covered for s, b in {**best, **trial}.items()) + len(confirmed[world]),
                 -sum(program_size(b.program) for b in trial.values()) - len(world))
        if score[0] > unguessed and (chosen_score is None or score > chosen_score):
            chosen, chosen_world, chosen_score = trial, world, score
    best.update(chosen)
    # What the guessed rows' programs assume about other symbols' shapes (guessed lower holes)
    world_shapes = {(t, n) for t, n, _ in chosen_world}
    programs: dict[int, ast.Program] = {}
    fits: dict[int, float] = {}
    for symbol, kept in sorted((unsolved_rows or {}).items()):
        prog = model.programs[symbol]
        wrong = [SearchExample(rev.args, rev.value, ab.index) for ab in abductions
                 if not any(h.consistent for h in ab.hypotheses)
                 for hyp in ab.hypotheses for rev in hyp.revisions
                 if rev.kind == "value" and ab.symbols[rev.node] == symbol
                 and rev.args is not None and len(rev.args) == prog.arity]
        if not wrong:
            continue
        pool = _spread(kept, search.max_rows // 2) + _spread(wrong, search.max_rows // 2)
        # A near miss may sit just beyond the size limit it was first found under.
        wider = dataclasses.replace(search, max_size=search.max_size + RESEARCH_EXTRA_SIZE)
        extra, named = _learned_primitives(model, symbol, search.library, solved)
        found = search_program(pool, prog.arity, wider, extra=extra, symbols=named)
        seconds += found.seconds
        old_cover = len({r.group for r in pool if r in kept})
        if found.program is not None and found.covered > old_cover:
            programs[symbol], fits[symbol] = inline_symbol_calls(found.program, named), \
                found.fraction
    shapes: dict[int, int] = {}  # arity of each program adopted below
    claims: set[tuple[int, int]] = set()  # (symbol, arity) the adopted programs' guesses assume
    order = sorted(best, key=lambda s: (-best[s].covered, s)) if consistent_guesses else list(best)
    for symbol in order:
        found = best[symbol]
        if consistent_guesses:
            arity, assumed = found.program.arity, world_shapes if symbol in chosen else set()
            if any(t in shapes and shapes[t] != n for t, n in assumed) or \
                    any(t == symbol and n != arity for t, n in claims):
                continue  # see consistent_guesses
        if inventory and found.program.arity and \
                len(keys[symbol]) < key_share * inventory.get(symbol, 0):
            continue  # too narrow a base: see key_share
        # An example offering only guessed rows counts when explained: a wrong guess is no
        # evidence against a program.
        total = len(groups[symbol] | set(found.covered_groups))
        adopt, support = (adopt_fraction, min_support) if thresholds is None \
            else thresholds(symbol)
        if found.covered >= min(support, total) and \
                found.covered >= adopt * min(total, search.max_rows) and found.covered >= 1:
            _, named = _learned_primitives(model, symbol, search.library, solved)
            programs[symbol] = inline_symbol_calls(found.program, named)
            fits[symbol] = found.fraction
            shapes[symbol] = found.program.arity
            if symbol in chosen:
                claims |= world_shapes
    if any(s in programs for s in chosen) or confirmed.get(chosen_world):
        for symbol, prog in _guessed_leaves(chosen_world, search.library).items():
            if symbol not in model.programs and symbol not in programs and \
                    not rows.get(symbol):
                programs[symbol], fits[symbol] = prog, 1.0
    return Selection(tuple(labels), programs, seconds, fits,
                     frozenset(s for s in rows if rows[s] and s not in programs))


def _confirmed(by_symbol: dict[int, dict[int, list[SearchExample]]],
               known: dict[int, ast.Program]) -> set:
    """The examples whose guessed rows, for symbols with a program found from unguessed rows
    (``known``, inlined), that program explains."""
    return {r.group for symbol, by_arity in by_symbol.items() if symbol in known
            for r in by_arity.get(known[symbol].arity, ())
            if apply_memo(known[symbol], r.args) == r.output}


def _guessed_leaves(world: tuple[tuple[int, int, int], ...],
                    library: str) -> dict[int, ast.Program]:
    """The library nullaries a world guessed for its lower leaf holes (see ``guess_lower``).

    Why adopt them: the programs the world explained rest on these guesses exactly as much as
    on their own rows, and a leaf whose parent ignores it (a separator: ``append A , B`` read
    as append over A, `,` and B) gets no row of its own: every value of it fits, so abduction
    pins nothing down. Adopted with the programs, the guess makes such trees run.
    """
    from nsr.abduction.revise import nullary_values
    from nsr.semantics.parser import parse_program

    values = nullary_values()
    own = {p.fn(): p.name for p in LIBRARIES[library].primitives if not p.arg_types}
    out: dict[int, ast.Program] = {}
    for symbol, kids, choice in world:
        if kids == 0 and values[choice] in own:
            out[symbol] = parse_program(f"lambda: {own[values[choice]]}()")
    return out


def symbol_inventory(model: NsrModel) -> dict[int, int]:
    """How many of the segments perception knows (training images, or tokens) it reads as each
    symbol (see ``key_share`` in :func:`select`)."""
    segments = list(model.perception.segments)
    if not segments:
        return {}
    symbols, _ = model.perception.predict(segments)
    return dict(Counter(symbols))


def unsolved_symbol_rows(model: NsrModel, labels: Sequence[Labelled], solved: float,
                         limit: int) -> dict[int, list[SearchExample]]:
    """(children values -> value) rows, from consistent pseudo-labels, of unsolved programs.

    A program adopted on more than ``adopt_fraction`` but fewer than ``solved`` of its rows
    may be a near miss (swap_first_last adopted as reverse fits most short rows); the rows it
    already gets right keep a re-search from trading them for the wrong ones.
    """
    unsolved = {s for s, f in model.fits.items() if f < solved and s in model.programs}
    return _label_rows(model, labels, unsolved, limit)


def _label_rows(model: NsrModel, labels: Sequence[Labelled], symbols: set[int],
                limit: int) -> dict[int, list[SearchExample]]:
    """Up to ``limit`` (children values -> value) rows per symbol in ``symbols``, read off the
    pseudo-labels' trees under the current programs (group ``("kept", label index)``)."""
    out: dict[int, list[SearchExample]] = {s: [] for s in symbols}
    if not symbols:
        return {}
    hungry = set(symbols)
    for i, lab in enumerate(labels):
        if not hungry:
            break
        if not hungry & set(lab.symbols):
            continue
        given = model.segmenter(lab.tokens).given if model.segmenter.pattern else None
        values = execute(lab.tree, lab.symbols, model.programs, given=given,
                         memo=model.memoised)
        for node, sym in enumerate(lab.symbols):
            kids = lab.tree.children[node]
            if sym in hungry and values[node] is not None and \
                    all(values[k] is not None for k in kids):
                out[sym].append(SearchExample(tuple(values[k] for k in kids), values[node],
                                              ("kept", i)))
                if len(out[sym]) >= limit:
                    hungry.discard(sym)
    return {s: rows for s, rows in out.items() if rows}


def borrowed_programs(model: NsrModel, abductions: Sequence[Abduction],
                      labels: Sequence[Labelled], *, min_support: int,
                      limit: int) -> dict[int, ast.Program]:
    """Programs that another symbol already has, taken over by a symbol whose own program
    abduction keeps asking to change.

    Why: one meaning can be learned by several symbols (HINT's "-" images fall into three
    clusters), each from its own rows. A cluster whose rows never had ``b = 0`` may adopt a
    near miss (``a - b`` as ``a - 1`` at ``b = 0``) that agrees with a sibling's correct
    program everywhere it was checked; longer inputs then fail wherever its images appear,
    and a search from scratch need not find a fix within its budget. A candidate replaces a
    program when the examples it newly explains (value revisions at the symbol's nodes in
    ``min_support`` or more wrong examples) outnumber, by ``min_support``, the rows it breaks
    among the symbol's ``limit`` rows in consistent pseudo-labels. No search runs: only the
    other symbols' programs of the same arity are tried, so this is cheap enough for every
    round.
    """
    wrong: dict[int, list[SearchExample]] = defaultdict(list)
    for ab in abductions:
        if any(h.consistent for h in ab.hypotheses):
            continue
        for hyp in ab.hypotheses:
            for rev in hyp.revisions:
                prog = model.programs.get(ab.symbols[rev.node])
                if rev.kind == "value" and rev.args is not None and prog is not None \
                        and prog.arity == len(rev.args) > 0:
                    wrong[ab.symbols[rev.node]].append(SearchExample(rev.args, rev.value,
                                                                     ab.index))
    suspects = {s for s, rows in wrong.items() if len({r.group for r in rows}) >= min_support}
    if not suspects:
        return {}
    kept = _label_rows(model, labels, suspects, limit)
    lib = LIBRARIES[model.library]
    out: dict[int, ast.Program] = {}
    for symbol in sorted(suspects):
        own = model.programs[symbol]
        others = {model.symbol_names[s]: p for s, p in sorted(model.programs.items())
                  if s != symbol and p.arity == own.arity}
        # Small rows first: a candidate of another meaning fails at once and is dropped
        # before it runs on big values (HINT's recursive programs are slow there).
        rows = sorted(kept.get(symbol, []), key=lambda r: _size(r.args))
        groups = len({r.group for r in wrong[symbol]})
        best, best_gain = None, min_support - 1
        for prog in _distinct(others, lib.value_type).values():
            broken = 0
            for r in rows:
                broken += not _fits(prog, r)
                if groups - broken <= best_gain:
                    break
            else:
                fixed = {r.group for r in wrong[symbol] if _fits(prog, r)}
                if len(fixed) - broken > best_gain:
                    best, best_gain = prog, len(fixed) - broken
        if best is not None:
            out[symbol] = best
    return out


def _size(args: tuple[Value, ...]) -> int:
    return sum(a if isinstance(a, int) else len(a) if isinstance(a, (list, tuple, str)) else 0
               for a in args)


def _fits(prog: ast.Program, row: SearchExample) -> bool:
    return apply_memo(prog, row.args) == row.output


def _search_symbol(by_arity: dict[int, list[SearchExample]], search: SearchConfig,
                   model: NsrModel, symbol: int, solved: dict[int, ast.Program],
                   identity: bool = False) -> tuple[SearchResult | None, float]:
    """The best program over every arity a symbol was offered rows for (most covered), with
    the other symbols' programs offered as primitives where the library can type them.

    The identity (a unary program that passes its argument through unchanged) is the reading
    of last resort (see ``SearchConfig.identity``): it is taken only when ``identity`` (the
    caller's: the symbol was searched in an earlier round and nothing else explained it), only
    for a symbol no tree gave two or more children, and only when it explains more examples
    than every other program found. Why: an identity fits wherever its word attaches, so where the word may also head
    several parts (a bracket over what it encloses and its partner) the identity teaches the
    parser nothing about scope, and its fit, which may beat a projection's in one round, is no
    evidence (HINT seed 1 read both brackets as identities: long inputs 49%); a word that only
    ever takes one argument and passes it through (`copy`) does mean the identity.
    """
    extra, named = _learned_primitives(model, symbol, search.library, solved)
    best = None
    seconds = 0.0
    unary: list[SearchExample] | None = None
    strict = dataclasses.replace(search, identity=False)
    for arity, examples in sorted(by_arity.items()):
        if arity > len(PARAM_NAMES):
            continue  # a node with more children than any program may take
        pool = examples if search.rows_per_group else _spread(examples, search.max_rows)
        unary = pool if arity == 1 else unary
        result = search_program(pool, arity, strict, extra=extra, symbols=named)
        seconds += result.seconds
        if result.program is not None and (best is None or result.covered > best.covered):
            best = result
    if search.identity and identity and unary is not None and max(by_arity) <= 1:
        result = search_program(unary, 1, search, extra=extra, symbols=named)
        seconds += result.seconds
        if result.program is not None and (best is None or result.covered > best.covered):
            best = result
    return best, seconds


#: Fraction of its rows a program must explain to count as solved (published: 95%).
SOLVED = 0.95


def _learned_primitives(model: NsrModel, symbol: int, library: str,
                        fresh: dict[int, ast.Program]):
    """Other symbols' programs as extra search primitives (name -> program too).

    Offered: every adopted program with arguments (adoption already required it to explain
    most of its rows) and those solved earlier in this select (``fresh``); the library decides
    whether it can type them (see :func:`nsr.induction.library.symbol_primitive`).
    Programs are stored inlined, so they need no symbol table to run.
    """
    lib = LIBRARIES[library]
    named = {model.symbol_names[s]: p for s, p in sorted({**model.programs, **fresh}.items())
             if s != symbol and p.arity > 0}
    extra = [prim for name, p in _distinct(named, lib.value_type).items()
             if (prim := symbol_primitive(name, p, lib, named)) is not None]
    return extra, named


def _distinct(named: dict[str, ast.Program], value_type: str | None) -> dict[str, ast.Program]:
    """One program of each behaviour (integers: :mod:`nsr.induction.behaviour`), the first in
    symbol order: a symbol learned twice (two image clusters of "+") is offered once."""
    if value_type != "int":
        return named
    from nsr.induction.behaviour import int_signature

    seen: set[tuple] = set()
    out = {}
    for name, prog in named.items():
        key = (prog.arity, int_signature(prog))
        if key not in seen:
            seen.add(key)
            out[name] = prog
    return out


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


def interchangeable_symbols(model: NsrModel,
                            inputs: Iterable[Sequence[int]] | None = None) -> dict[int, list[int]]:
    """Each symbol's mates: the other symbols whose programs differ from its own only in
    their constants (``left`` := cons('I_TURN_LEFT', x) and ``right``; the digits), and the
    number constants the search wrote another way (``0`` as ``zero()``, ``1`` as
    ``inc(zero())``, beside ``7``) where the training ``inputs`` show them standing alike:
    beside a common neighbour on each side.

    Why: a word's syntax follows from the shape of its meaning, not from which atom it
    carries, so a tree over one is a tree over the others; the parser meets ``opposite
    right thrice`` through ``opposite left thrice`` even when the data never shows it. A
    number is a number however it is written, but a value alone does not make a word a
    digit: HINT's ``(`` is learned as zero() too, yet operands follow it, never operators.
    Only the constants written differently are judged by their neighbours: words whose
    programs read alike are mates on that evidence alone, which sparse data needs (with 4%
    of SCAN, ``walk`` and ``jump`` may share no neighbour yet).
    """
    def text_shape(symbol: int) -> str | None:
        text = model.program_text(symbol)
        return None if text is None else re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "A", text))

    def is_number(symbol: int) -> bool:
        program = model.programs[symbol]
        value = apply_memo(program, ()) if not program.params else None
        return isinstance(value, int) and not isinstance(value, bool)

    shapes = {symbol: text_shape(symbol) for symbol in sorted(model.programs)}
    groups: dict[str, list[int]] = defaultdict(list)
    for symbol, text in shapes.items():
        if text is not None:
            groups["number" if is_number(symbol) else text].append(symbol)
    near = None if inputs is None else neighbours(inputs)
    out: dict[int, list[int]] = {}
    for group in groups.values():
        for s in group:
            mates = [t for t in group if t != s and (
                near is None or shapes[s] == shapes[t] or
                _share_neighbours(near.get(s), near.get(t)))]
            if mates:
                out[s] = mates
    return out


#: Stands for the start and the end of an input among a symbol's neighbours.
EDGE = -1


def neighbours(inputs: Iterable[Sequence[int]]) -> dict[int, tuple[set[int], set[int]]]:
    """Symbol -> (the symbols seen right before it, right after it; ``EDGE`` at an end)."""
    out: dict[int, tuple[set[int], set[int]]] = {}
    for symbols in inputs:
        padded = (EDGE, *symbols, EDGE)
        for i in range(1, len(padded) - 1):
            before, after = out.setdefault(padded[i], (set(), set()))
            before.add(padded[i - 1])
            after.add(padded[i + 1])
    return out


def _share_neighbours(a: tuple[set[int], set[int]] | None,
                      b: tuple[set[int], set[int]] | None) -> bool:
    """Whether two symbols have a common neighbour on the left and one on the right (a
    symbol the inputs never hold has no neighbours to judge by: it shares nothing)."""
    return a is not None and b is not None and bool(a[0] & b[0]) and bool(a[1] & b[1])


def _with_mates(data: list[tuple], mates: dict[int, list[int]], rng: random.Random
                ) -> list[tuple]:
    """One more parser example per example holding a symbol with mates (see
    :func:`interchangeable_symbols`): the same tree, each such symbol drawn among its mates."""
    out = []
    for symbols, arities, tree in data:
        if len(tree) > 1 and any(s in mates for s in symbols):
            swapped = tuple(rng.choice(mates[s]) if s in mates else s for s in symbols)
            out.append((swapped, arities, tree))
    return out


def learn(model: NsrModel, programs: dict[int, ast.Program], new: Sequence[Labelled],
          replay: Sequence[Labelled], *, seed: int, parser_epochs: int, max_trees: int,
          fits: dict[int, float] | None = None) -> float:
    """Adopt new programs, then train the parser (and perception) on pseudo-labels.

    Every new pseudo-label is used, topped up with a random replay of older ones (up to
    ``max_trees``) so that the parser does not forget what it already parses right.
    """
    model.programs.update(programs)
    if fits:
        model.fits.update(fits)
    rng = random.Random(seed)
    pool = list(new)[:max_trees]
    fresh = {lab.tokens for lab in pool}
    # sorted: the replay sample must not depend on the order labels were found in (resume)
    older = sorted((lab for lab in replay if lab.tokens not in fresh), key=lambda lab: lab.tokens)
    pool += rng.sample(older, min(len(older), max_trees - len(pool)))
    data = [(lab.symbols, model.arities(lab.symbols), lab.tree) for lab in pool]
    data += _with_mates(data, interchangeable_symbols(model, [d[0] for d in data]), rng)
    loss = model.parser.fit(data, seed=seed, epochs=parser_epochs)
    tokens = [t for lab in pool for t in lab.segment_keys]
    symbols = [s for lab in pool for s in lab.symbols]
    # Tokens without a pseudo-label yet keep their current symbol: otherwise fitting the others
    # lets the shared classifier drift and a word silently changes meaning.
    unlabelled = sorted(set(model.perception.segments) - set(tokens))
    if unlabelled:
        tokens += unlabelled
        symbols += model.perception.predict(unlabelled)[0]
    model.perception.fit(tokens, symbols, seed=seed)
    return loss
