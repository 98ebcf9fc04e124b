"""List and string transformations: apply a pipeline of steps to a list or a word.

Difficulty: the number of steps in the pipeline and the length of the input.
"""

from __future__ import annotations

import random
from typing import Any

from nsr.prototypes.families.base import PrologDraft, PrologFamily, atom, plist

# step name -> (takes an integer argument?, English text)
_GENERIC: dict[str, tuple[bool, str]] = {
    "reverse_list": (False, "reverse it"),
    "rotate_left": (True, "rotate it left by {k} (move the first {k} elements to the end, "
                          "k taken modulo the length)"),
    "take_first": (True, "keep only the first {k} elements"),
    "drop_first": (True, "remove the first {k} elements"),
    "sort_asc": (False, "sort it in ascending order, keeping duplicates"),
    "sort_unique": (False, "sort it in ascending order, removing duplicates"),
    "swap_pairs": (False, "swap the 1st and 2nd elements, the 3rd and 4th, and so on"),
    "dedup_adjacent": (False, "collapse runs of equal adjacent elements into one"),
    "duplicate_each": (False, "write every element twice"),
}
_NUMBERS: dict[str, tuple[bool, str]] = {
    "add_each": (True, "add {k} to every number"),
    "multiply_each": (True, "multiply every number by {k}"),
    "keep_even": (False, "keep only the even numbers"),
    "keep_odd": (False, "keep only the odd numbers"),
    "prefix_sums": (False, "replace it by its running sums"),
}
_LETTERS: dict[str, tuple[bool, str]] = {
    "caesar": (True, "shift every letter {k} places forward in the alphabet (z wraps to a)"),
    "drop_vowels": (False, "remove the vowels a, e, i, o, u"),
}
_SHRINKING = {"take_first", "drop_first", "keep_even", "keep_odd", "drop_vowels", "sort_unique"}


class Lists(PrologFamily):
    name = "lists"
    description = "a pipeline of list / string transformations applied to a list or a word"

    def params(self, level: int) -> dict[str, Any]:
        return {"steps": (1, 2, 3, 5, 7)[level - 1], "length": 3 + 2 * level}

    def draft(self, rng: random.Random, level: int) -> PrologDraft:
        params = self.params(level)
        text_mode = rng.random() < 0.5
        ops = {**_GENERIC, **(_LETTERS if text_mode else _NUMBERS)}
        names = sorted(ops)
        steps: list[tuple[str, int | None]] = []
        shrinking = 0
        while len(steps) < params["steps"]:
            op = rng.choice(names)
            if op in _SHRINKING and shrinking >= 1 + params["steps"] // 3:
                continue
            shrinking += op in _SHRINKING
            k = rng.randint(1, 4) if ops[op][0] else None
            steps.append((op, k))
        n = params["length"]
        if text_mode:
            word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))
            query = f"atom_chars({atom(word)}, Cs), pipeline(Cs, Out), atom_chars(Answer, Out)"
            subject = f"the word '{word}' (as a sequence of letters)"
            answer_form = "a Prolog atom (the resulting letters joined), e.g. abc"
        else:
            values = [rng.randint(0, 9) for _ in range(n)]
            query = f"pipeline({plist(values)}, Answer)"
            subject = f"the list {plist(values)}"
            answer_form = "a Prolog list of integers, e.g. [1, 2, 3]"
        body = []
        for i, (op, k) in enumerate(steps):
            args = f"{k}, " if k is not None else ""
            body.append(f"{op}({args}X{i}, X{i + 1})")
        clause = (f"pipeline(X0, X{len(steps)}) :-\n    " + ",\n    ".join(body) + ".")
        program = self.template() + "\n% This pipeline.\n" + clause + "\n"
        english = "\n".join(f"{i + 1}. {ops[op][1].format(k=k)}"
                            for i, (op, k) in enumerate(steps))
        prompt = (f"Start from {subject} and apply these steps in order:\n{english}\n\n"
                  f"Question: what is the result? Answer with {answer_form}.")
        return PrologDraft(prompt, program, query,
                           {"level": level, **params, "mode": "text" if text_mode else "numbers"})
