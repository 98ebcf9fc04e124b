"""Blocksworld: rearrange stacks of blocks with a one-block gripper.

Difficulty: the number of blocks (and so the number of towers to take apart and rebuild).
Constructed plan: put every block that sits on another block down on the table, then build
each goal tower bottom-up; our validator must accept it before it is used.
"""

from __future__ import annotations

import random
from typing import Any

from nsr.backends.pddl.plans import Step
from nsr.prototypes.families.base import PddlFamily, PddlInstance, Rejected
from nsr.prototypes.families.pddl_text import problem_text


def _random_towers(rng: random.Random, blocks: list[str]) -> list[list[str]]:
    order = list(blocks)
    rng.shuffle(order)
    towers: list[list[str]] = []
    for b in order:
        if towers and rng.random() < 0.6:
            rng.choice(towers).append(b)
        else:
            towers.append([b])
    return towers


def _describe(towers: list[list[str]]) -> str:
    parts = []
    for t in towers:
        if len(t) == 1:
            parts.append(f"{t[0]} alone on the table")
        else:
            parts.append(" on ".join(reversed(t)) + " (bottom " + t[0] + ")")
    return "; ".join(parts)


class Blocksworld(PddlFamily):
    name = "blocksworld"
    description = "stacks of blocks rearranged by a one-block gripper (4 operators)"

    def params(self, level: int) -> dict[str, Any]:
        return {"blocks": (3, 5, 7, 9, 12)[level - 1]}

    def instance(self, rng: random.Random, level: int) -> PddlInstance:
        params = self.params(level)
        blocks = [f"b{i}" for i in range(1, params["blocks"] + 1)]
        start = _random_towers(rng, blocks)
        goal = _random_towers(rng, blocks)
        goal_on = [("on", t[i], t[i - 1]) for t in goal for i in range(1, len(t))]
        start_on = {(t[i], t[i - 1]) for t in start for i in range(1, len(t))}
        if not goal_on or all((a, b) in start_on for _, a, b in goal_on):
            raise Rejected("goal already true or empty")
        init: list[tuple[str, ...]] = [("handempty",)]
        for t in start:
            init.append(("ontable", t[0]))
            init += [("on", t[i], t[i - 1]) for i in range(1, len(t))]
            init.append(("clear", t[-1]))
        plan: list[Step] = []
        for t in start:  # take every tower apart, top first
            for i in range(len(t) - 1, 0, -1):
                plan += [Step("unstack", (t[i], t[i - 1])), Step("put-down", (t[i],))]
        for t in goal:  # build the goal towers bottom-up
            for i in range(1, len(t)):
                plan += [Step("pick-up", (t[i],)), Step("stack", (t[i], t[i - 1]))]
        text = problem_text(f"blocks-{len(blocks)}", "blocksworld", {"block": blocks}, init,
                            goal_on)
        description = (f"Blocks {', '.join(blocks)}. Now: {_describe(start)}. "
                       f"Goal: {', '.join(f'{a} on {b}' for _, a, b in goal_on)}.")
        return PddlInstance(text, tuple(plan), description, {"level": level, **params})
