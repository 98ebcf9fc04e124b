"""Knights and knaves: who is a knight, given what each islander says?

Difficulty: the number of islanders (2^n candidate assignments) and how deeply statements
nest. Statements are drawn so that some hidden assignment fits them, then more are added until
only one assignment fits (checked here by brute force, only to choose the statements; the
stored answer is whatever SWI-Prolog derives, and the driver rejects a question with two).
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from nsr.prototypes.families.base import (
    PrologDraft,
    PrologFamily,
    Rejected,
    atom,
    person_names,
    plist,
)

Formula = tuple[Any, ...]


def _random_formula(rng: random.Random, people: list[str], depth: int) -> Formula:
    if depth <= 0 or rng.random() < 0.3:
        kind = rng.choice(("knight", "knave", "same"))
        if kind == "same" and len(people) > 1:
            p, q = rng.sample(people, 2)
            return ("same", p, q)
        return (kind if kind != "same" else "knight", rng.choice(people))
    op = rng.choice(("and", "or", "not"))
    if op == "not":
        return ("not", _random_formula(rng, people, depth - 1))
    return (op, _random_formula(rng, people, depth - 1), _random_formula(rng, people, depth - 1))


def _truth(f: Formula, kinds: dict[str, bool]) -> bool:
    op = f[0]
    if op == "knight":
        return kinds[f[1]]
    if op == "knave":
        return not kinds[f[1]]
    if op == "same":
        return kinds[f[1]] == kinds[f[2]]
    if op == "not":
        return not _truth(f[1], kinds)
    if op == "and":
        return _truth(f[1], kinds) and _truth(f[2], kinds)
    return _truth(f[1], kinds) or _truth(f[2], kinds)


def _prolog(f: Formula) -> str:
    if f[0] in ("knight", "knave"):
        return f"{f[0]}({atom(f[1])})"
    if f[0] == "same":
        return f"same({atom(f[1])}, {atom(f[2])})"
    return f"{f[0]}(" + ", ".join(_prolog(a) for a in f[1:]) + ")"


def _english(f: Formula) -> str:
    if f[0] in ("knight", "knave"):
        return f"{f[1].capitalize()} is a {f[0]}"
    if f[0] == "same":
        return f"{f[1].capitalize()} and {f[2].capitalize()} are of the same kind"
    if f[0] == "not":
        return f"it is not true that ({_english(f[1])})"
    return f"({_english(f[1])}) {f[0]} ({_english(f[2])})"


def _fits(statements: list[tuple[str, Formula]], kinds: dict[str, bool]) -> bool:
    return all(_truth(f, kinds) == kinds[p] for p, f in statements)


class Knights(PrologFamily):
    name = "knights"
    description = "knights-and-knaves puzzles; the unique assignment of kinds"

    def params(self, level: int) -> dict[str, Any]:
        return {"people": level + 1, "depth": 1 + level // 2}

    def draft(self, rng: random.Random, level: int) -> PrologDraft:
        params = self.params(level)
        people = person_names(rng, params["people"])
        hidden = {p: rng.random() < 0.5 for p in people}
        candidates = [dict(zip(people, bits, strict=True))
                      for bits in itertools.product((True, False), repeat=len(people))]
        statements: list[tuple[str, Formula]] = []
        for _ in range(4 * len(people)):
            speaker = rng.choice(people)
            f = _random_formula(rng, people, params["depth"])
            if _truth(f, hidden) != hidden[speaker]:
                f = ("not", f)
            statements.append((speaker, f))
            candidates = [c for c in candidates if _fits(statements, c)]
            if len(candidates) == 1 and len(statements) >= len(people) - 1:
                break
        if len(candidates) != 1:
            raise Rejected("statements do not pin down one assignment")
        lines = [f"people({plist(people)})."]
        lines += [f"says({atom(p)}, {_prolog(f)})." for p, f in statements]
        program = self.template() + "\n% Facts of this problem.\n" + "\n".join(lines) + "\n"
        said = "\n".join(f"{p.capitalize()} says: {_english(f)}." for p, f in statements)
        prompt = (
            "On an island every inhabitant is a knight, who always tells the truth, or a knave, "
            f"who always lies. You meet {', '.join(p.capitalize() for p in people)}.\n"
            f"{said}\n\nQuestion: who is a knight and who is a knave? Answer with the Prolog "
            f"list [{people[0]}-Kind, ...] in the order {', '.join(people)}, each Kind "
            "being knight or knave."
        )
        return PrologDraft(prompt, program, "solve(Answer)",
                           {"level": level, **params, "statements": len(statements)})
