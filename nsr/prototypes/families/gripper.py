"""Gripper: a two-handed robot carries balls between rooms.

Difficulty: the number of balls and rooms. Constructed plan: balls that travel between the same
two rooms go in pairs (one per gripper): move, pick, pick, move, drop, drop.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from nsr.backends.pddl.plans import Step
from nsr.prototypes.families.base import PddlFamily, PddlInstance, Rejected
from nsr.prototypes.families.pddl_text import problem_text


class Gripper(PddlFamily):
    name = "gripper"
    description = "a robot with two grippers carries balls between rooms"

    def params(self, level: int) -> dict[str, Any]:
        return {"balls": (2, 4, 6, 9, 12)[level - 1], "rooms": (2, 2, 3, 3, 4)[level - 1]}

    def instance(self, rng: random.Random, level: int) -> PddlInstance:
        params = self.params(level)
        rooms = [f"room{i}" for i in range(1, params["rooms"] + 1)]
        balls = [f"ball{i}" for i in range(1, params["balls"] + 1)]
        grippers = ["left", "right"]
        where = {b: rng.choice(rooms) for b in balls}
        target = {b: rng.choice(rooms) for b in balls}
        moving = [b for b in balls if where[b] != target[b]]
        if not moving:
            raise Rejected("nothing to move")
        robot = rng.choice(rooms)
        init: list[tuple[str, ...]] = [("at-robby", robot)]
        init += [("at", b, where[b]) for b in balls]
        goal = [("at", b, target[b]) for b in moving]
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for b in moving:
            groups[(where[b], target[b])].append(b)
        plan: list[Step] = []
        here = robot
        for (src, dst), group in sorted(groups.items()):
            for i in range(0, len(group), 2):
                pair = group[i : i + 2]
                if here != src:
                    plan.append(Step("move", (here, src)))
                    here = src
                for b, g in zip(pair, grippers, strict=False):
                    plan.append(Step("pick", (b, src, g)))
                plan.append(Step("move", (src, dst)))
                here = dst
                for b, g in zip(pair, grippers, strict=False):
                    plan.append(Step("drop", (b, dst, g)))
        text = problem_text(f"gripper-{len(balls)}", "gripper",
                            {"room": rooms, "ball": balls, "gripper": grippers}, init, goal)
        description = (f"The robot is in {robot} with grippers left and right free. "
                       + " ".join(f"{b} is in {where[b]}." for b in balls)
                       + " Goal: " + ", ".join(f"{b} in {target[b]}" for b in moving) + ".")
        return PddlInstance(text, tuple(plan), description, {"level": level, **params})
