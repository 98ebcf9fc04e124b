"""Leaf guesses from co-occurrence: what a word never seen alone may mean.

Abduction explains a wrong output top-down from the symbols it already knows. When every word
of the shortest examples is new (a few percent of SCAN's training file has no one- or two-word
command), the only hole it can offer is the root's, with unknown arguments, and the search then
buries whole outputs in constants (``jump := lambda x, y: cons('I_WALK', singleton('I_JUMP'))``
from ``jump after walk``). Children learn their meaning across situations: the one output
atom every example of a word holds, and that no other word predicts as well, is that word's
guess. The loop tries each guess as the smallest programs that hold the atom (a leaf, or the
atom before or after what the word governs, see ``FORMS``) and keeps the forms that fit the
stage best (see ``nsr.learning.loop``): ``walk`` is the leaf ``I_WALK``, ``left`` puts
``I_TURN_LEFT`` before the verb it governs; a guess no form fits is dropped there, by the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from nsr.induction.library import LIBRARIES
from nsr.model.model import NsrModel
from nsr.semantics import ast
from nsr.semantics.ast import Value

#: A guess needs this many examples of its word: one example cannot tell the word's own atom
#: from its neighbours'.
MIN_EXAMPLES = 2


def symbol_occurrences(model: NsrModel, inputs: Sequence[Sequence[str]]
                       ) -> list[tuple[int, ...]]:
    """The symbols perception reads in each input, in order (each distinct segment read once:
    no parsing, no execution)."""
    segmented = [model.segmenter(tokens).keys for tokens in inputs]
    distinct = sorted({k for keys in segmented for k in keys})
    read = dict(zip(distinct, model.perception.predict(distinct)[0], strict=True))
    return [tuple(read[k] for k in keys) for keys in segmented]


def can_guess(model: NsrModel) -> bool:
    """Whether the model's library can name atoms as constants of list outputs (a library
    without atom constants says outputs rearrange the input's own data: nothing to guess)."""
    library = LIBRARIES[model.library]
    return library.value_type is None and library.atom_constants


def leaf_guesses(model: NsrModel, symbols: Sequence[tuple[int, ...]],
                 targets: Sequence[Value]) -> dict[int, str]:
    """The atom co-occurrence picks for each symbol (with a program or not): the atom is in
    the output of every example the symbol occurs in (at least ``MIN_EXAMPLES``), and of the
    symbols with that property for the atom, it occurs in the largest share of the examples
    whose output holds the atom. Symbols tied there all get the atom (``jump`` and ``after``
    when every ``jump`` is in ``jump after X``: the fit tells them apart); a symbol that two
    atoms tie for gets none.

    Only for libraries that can name atoms (see :func:`can_guess`) and list outputs.
    """
    if not can_guess(model):
        return {}
    where: dict[int, set[int]] = defaultdict(set)
    holding: dict[str, set[int]] = defaultdict(set)
    for i, (syms, target) in enumerate(zip(symbols, targets, strict=True)):
        if not isinstance(target, tuple):
            return {}
        for s in syms:
            if s != model.open_symbol:
                where[s].add(i)
        for atom in target:
            if isinstance(atom, str):
                holding[atom].add(i)
    common: dict[int, set[str]] = {}
    for s, examples in where.items():
        if len(examples) >= MIN_EXAMPLES:
            atoms = set.intersection(*(set(targets[i]) for i in examples))
            common[s] = {a for a in atoms if isinstance(a, str)}
    best: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for atom, examples in holding.items():
        shares = {s: len(where[s] & examples) / len(examples)
                  for s in common if atom in common[s]}
        top = max(shares.values(), default=0.0)
        for s, share in shares.items():
            if share == top:
                best[s].append((share, atom))
    out: dict[int, str] = {}
    for s, options in best.items():
        options.sort(reverse=True)
        if len(options) > 1 and options[1][0] == options[0][0]:
            continue
        out[s] = options[0][1]
    return out


#: The smallest programs that hold an atom, by what the word does with its dependents: none
#: (the atom alone), the atom before what it governs, or after it. The loop tries them in
#: this order (a leaf first: the fewest assumptions).
FORMS = ("leaf", "before", "after")


def guess_program(atom: str, form: str) -> ast.Program:
    """The program of ``form`` (see ``FORMS``) holding ``atom``."""
    one = ast.Call("singleton", (ast.Atom(atom),))
    if form == "leaf":
        return ast.Program((), one)
    if form == "before":
        return ast.Program(("x",), ast.Call("cons", (ast.Atom(atom), ast.Var("x"))))
    if form == "after":
        return ast.Program(("x",), ast.Call("append", (ast.Var("x"), one)))
    raise ValueError(f"unknown guess form {form!r}")


#: The symbols seen just before and just after each symbol (see :func:`slot_neighbours`).
Neighbours = tuple[dict[int, set[int]], dict[int, set[int]]]


def slot_neighbours(symbols: Sequence[tuple[int, ...]]) -> Neighbours:
    """The symbols seen just before and just after each symbol (an input's edges: -1, -2):
    read once over a file, then asked by :func:`categories` as often as needed."""
    before: dict[int, set[int]] = defaultdict(set)
    after: dict[int, set[int]] = defaultdict(set)
    for syms in symbols:
        for i, s in enumerate(syms):
            before[s].add(syms[i - 1] if i else -1)
            after[s].add(syms[i + 1] if i + 1 < len(syms) else -2)
    return before, after


def _slot_mates(neighbours: Neighbours, of: int,
                among: Iterable[int]) -> set[int]:
    before, after = neighbours

    def jaccard(a: set[int], b: set[int]) -> float:
        return len(a & b) / len(a | b) if a | b else 0.0

    return {t for t in among if t == of or
            (jaccard(before[of], before[t]) + jaccard(after[of], after[t])) / 2 >= 0.5}


def same_slot_symbols(symbols: Sequence[tuple[int, ...]], of: int,
                      among: Iterable[int]) -> set[int]:
    """The symbols of ``among`` that fill the same slots as ``of``: on average over the words
    before and the words after them (an input's edge counts as a word), at least half of
    their neighbours are shared (Jaccard). Why: words of one category (``left``/``right``,
    ``twice``/``thrice``) take the same shape of meaning, and trying a shape for one alone
    fails where the two share a function over them (``thrice`` cannot take one argument
    after ``left`` and two after ``right``).
    """
    return _slot_mates(slot_neighbours(symbols), of, among)


def categories(neighbours: Neighbours, among: Iterable[int]) -> list[frozenset[int]]:
    """``among`` split into categories: the connected groups of :func:`same_slot_symbols`
    over ``neighbours`` (:func:`slot_neighbours`; a word alone is a category of one), largest
    first."""
    todo = set(among)
    out: list[frozenset[int]] = []
    while todo:
        group, frontier = set(), [min(todo)]
        while frontier:
            s = frontier.pop()
            if s in group:
                continue
            group.add(s)
            frontier.extend(_slot_mates(neighbours, s, todo - group))
        todo -= group
        out.append(frozenset(group))
    return sorted(out, key=lambda g: (-len(g), min(g)))
