"""Kinship: a generated family tree, a question about one relation of one person.

Difficulty: the number of generations (how long ``ancestor`` chains get) and the number of
children per couple (how many people each relation has to sift through).
"""

from __future__ import annotations

import random
from typing import Any

from nsr.prototypes.families.base import PrologDraft, PrologFamily, Rejected, atom, person_names

_RELATIONS: dict[str, str] = {
    "ancestor": "all the ancestors of {p}",
    "descendant": "all the descendants of {p}",
    "grandparent": "all the grandparents of {p}",
    "sibling": "all the siblings of {p}",
    "cousin": "all the cousins of {p}",
    "uncle": "all the uncles of {p}",
    "aunt": "all the aunts of {p}",
    "child": "all the children of {p}",
}
_DEEP = ("ancestor", "descendant")


class Kinship(PrologFamily):
    name = "kinship"
    description = "family-tree facts + kinship rules; who are all the <relation> of a person"

    def params(self, level: int) -> dict[str, Any]:
        return {"generations": level + 1, "max_children": 2 + (level + 1) // 2}

    def draft(self, rng: random.Random, level: int) -> PrologDraft:
        params = self.params(level)
        names = iter(person_names(rng, 200))
        sex: dict[str, str] = {}
        parents: list[tuple[str, str]] = []

        def person() -> str:
            p = next(names)
            sex[p] = rng.choice(("male", "female"))
            return p

        generation = [person()]
        for _ in range(params["generations"] - 1):
            nxt: list[str] = []
            for p in generation:
                if len(sex) > 60:
                    break
                partner = person()
                for _ in range(rng.randint(1, params["max_children"])):
                    c = person()
                    parents += [(p, c), (partner, c)]
                    nxt.append(c)
            generation = nxt or generation
        if not parents:
            raise Rejected("empty family")
        # Two generations have no grandparents, uncles or cousins: ask what the tree can answer.
        pool = (("ancestor", "descendant", "child", "sibling") if params["generations"] == 2
                else tuple(_RELATIONS))
        rel = rng.choice(_DEEP if rng.random() < 0.1 * level else pool)
        who = rng.choice(sorted({p for p, _ in parents} if rel in ("descendant", "child")
                                else {c for _, c in parents}))
        rng.shuffle(parents)
        lines = [f"parent({atom(p)}, {atom(c)})." for p, c in parents]
        lines += [f"{sex[p]}({atom(p)})." for p in sorted(sex)]
        program = self.template() + "\n% Facts of this problem.\n" + "\n".join(lines) + "\n"
        query = f"setof(X, {rel}(X, {atom(who)}), Answer)"
        said = [f"{p.capitalize()} is a parent of {c.capitalize()}." for p, c in parents]
        said += [f"{p.capitalize()} is {sex[p]}." for p in sorted(sex)]
        prompt = (
            "Facts about a family:\n" + "\n".join(said) + "\n\n"
            f"Question: who are {_RELATIONS[rel].format(p=who.capitalize())}? "
            "(A sibling shares a parent; an uncle or aunt is a sibling of a parent; cousins "
            "are children of siblings.) Answer with the alphabetically sorted Prolog list of "
            "lower-case names, e.g. [ann, bob]."
        )
        return PrologDraft(prompt, program, query, {"level": level, **params, "relation": rel})
