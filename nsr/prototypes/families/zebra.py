"""Zebra-style (Einstein) puzzles solved with CLP(FD).

Difficulty: houses x attributes (the size of the search space) and hence the number of clues
needed. Clues are drawn true of a hidden solution and added until exactly one solution is
left (a small backtracking counter here, only to choose the clues; the stored answer is the
one CLP(FD) derives, and the driver rejects a puzzle with two solutions).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from typing import Any

from nsr.prototypes.families.base import PrologDraft, PrologFamily, Rejected

_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "colour": ("red", "green", "blue", "yellow", "white"),
    "pet": ("dog", "cat", "fish", "bird", "horse"),
    "drink": ("tea", "coffee", "milk", "juice", "water"),
    "nation": ("brit", "swede", "dane", "german", "norwegian"),
}
_LEVELS = {1: (3, 2), 2: (3, 3), 3: (4, 3), 4: (4, 4), 5: (5, 4)}

Clue = tuple[str, tuple[int, str], Any]  # (kind, (attr index, value), other item or house)


def _holds(kind: str, a: int, b: int) -> bool:
    if kind == "same_house":
        return a == b
    if kind == "other_house":
        return a != b
    if kind == "next_to":
        return abs(a - b) == 1
    if kind == "right_of":
        return a == b + 1
    if kind == "somewhere_left":
        return a < b
    return a == b  # in_house


def _count(n: int, attrs: Sequence[Sequence[str]], clues: Sequence[Clue], limit: int = 2) -> int:
    """Number of solutions (stopping at ``limit``): permutations per attribute + clue checks.

    Clues that mention one attribute only filter that attribute's permutations once, up front;
    the others are checked as soon as both their attributes have been placed.
    """
    perms = list(itertools.permutations(range(1, n + 1)))
    local: list[list[Clue]] = [[] for _ in attrs]
    cross: list[list[Clue]] = [[] for _ in attrs]
    for clue in clues:
        kind, x, y = clue
        if kind == "in_house" or x[0] == y[0]:
            local[x[0]].append(clue)
        else:
            cross[max(x[0], y[0])].append(clue)
    options: list[list[dict[tuple[int, str], int]]] = []
    for i, values in enumerate(attrs):
        keep = []
        for perm in perms:
            at = {(i, v): h for v, h in zip(values, perm, strict=True)}
            if all(_holds(k, at[x], y if k == "in_house" else at[y]) for k, x, y in local[i]):
                keep.append(at)
        options.append(keep)
    pos: dict[tuple[int, str], int] = {}

    def rec(i: int) -> int:
        if i == len(attrs):
            return 1
        total = 0
        checks = cross[i]
        for at in options[i]:
            pos.update(at)
            if all(_holds(k, pos[x], pos[y]) for k, x, y in checks):
                total += rec(i + 1)
                if total >= limit:
                    return total
        return total

    return rec(0)


def _var(value: str) -> str:
    return value.capitalize()


def _english(clue: Clue, names: Sequence[str]) -> str:
    kind, (ai, av), other = clue

    def thing(i: int, v: str) -> str:
        return f"the {v} {names[i]}" if names[i] in ("drink",) else f"the {names[i]} {v}"

    a = thing(ai, av)
    if kind == "in_house":
        return f"{a.capitalize()} is in house {other}."
    b = thing(*other)
    text = {
        "same_house": "is in the same house as",
        "other_house": "is not in the same house as",
        "next_to": "is in a house next to",
        "right_of": "is in the house immediately to the right of",
        "somewhere_left": "is somewhere to the left of",
    }[kind]
    return f"{a.capitalize()} {text} {b}."


class Zebra(PrologFamily):
    name = "zebra"
    description = "zebra-style house puzzles in CLP(FD); the unique table of houses"

    def params(self, level: int) -> dict[str, Any]:
        houses, attributes = _LEVELS[level]
        return {"houses": houses, "attributes": attributes}

    def draft(self, rng: random.Random, level: int) -> PrologDraft:
        params = self.params(level)
        n, k = params["houses"], params["attributes"]
        names = sorted(rng.sample(sorted(_ATTRIBUTES), k))
        attrs = [sorted(rng.sample(_ATTRIBUTES[a], n)) for a in names]
        hidden = {(i, v): h for i, vals in enumerate(attrs)
                  for v, h in zip(vals, rng.sample(range(1, n + 1), n), strict=True)}
        items = sorted(hidden)
        clues: list[Clue] = []
        while len(clues) < 4 * n * k:
            x, y = rng.sample(items, 2)
            kinds = [kd for kd in ("next_to", "right_of", "somewhere_left", "same_house",
                                   "other_house")
                     if _holds(kd, hidden[x], hidden[y])
                     and (kd not in ("same_house", "other_house") or x[0] != y[0])]
            if rng.random() < 0.12 or not kinds:
                clue: Clue = ("in_house", x, hidden[x])
            else:
                clue = (rng.choice(kinds), x, y)
            if clue not in clues:
                clues.append(clue)
        if _count(n, attrs, clues) != 1:
            raise Rejected("clues never pinned down one solution")
        # Fewer clues leave more solutions (monotone), so the shortest unique prefix is found
        # by bisection: a handful of counts instead of one per added clue.
        lo, hi = 1, len(clues)
        while lo < hi:
            mid = (lo + hi) // 2
            if _count(n, attrs, clues[:mid]) == 1:
                hi = mid
            else:
                lo = mid + 1
        clues = clues[:lo]
        lines = ["solve(Houses) :-"]
        for i, vals in enumerate(attrs):
            pairs = ", ".join(f"{v}-{_var(v)}" for v in vals)
            lines.append(f"    A{i} = [{pairs}], attribute({n}, A{i}),")
        for kind, (_, av), other in clues:
            rhs = str(other) if kind == "in_house" else _var(other[1])
            lines.append(f"    {kind}({_var(av)}, {rhs}),")
        lines.append(f"    houses({n}, [{', '.join(f'A{i}' for i in range(k))}], Houses).")
        program = self.template() + "\n% This puzzle.\n" + "\n".join(lines) + "\n"
        listing = "\n".join(f"{i + 1}. {_english(c, names)}" for i, c in enumerate(clues))
        domains = "; ".join(f"{names[i]}: {', '.join(vals)}" for i, vals in enumerate(attrs))
        prompt = (
            f"There are {n} houses in a row, numbered 1 to {n} from left to right. Each house "
            f"has exactly one value of each attribute and no two houses share a value "
            f"({domains}).\nClues:\n{listing}\n\nQuestion: what is in each house? Answer with "
            f"the Prolog list [house(1, [V1, ...]), ...] giving for each house its values in "
            f"the attribute order {', '.join(names)}."
        )
        return PrologDraft(prompt, program, "solve(Answer)",
                           {"level": level, **params, "clues": len(clues)})
