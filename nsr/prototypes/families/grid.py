"""Grid navigation: a robot on a grid with walls visits waypoints and stops on a goal cell.

Difficulty: grid size, wall density and the number of waypoints. Constructed plan: shortest
(BFS) routes between consecutive waypoints, in the order the problem lists them.
"""

from __future__ import annotations

import random
from collections import deque
from typing import Any

from nsr.backends.pddl.plans import Step
from nsr.prototypes.families.base import PddlFamily, PddlInstance, Rejected
from nsr.prototypes.families.pddl_text import problem_text

Cell = tuple[int, int]


def _name(c: Cell) -> str:
    return f"c{c[0]}-{c[1]}"


def _route(free: set[Cell], a: Cell, b: Cell) -> list[Cell] | None:
    prev: dict[Cell, Cell | None] = {a: None}
    queue = deque([a])
    while queue:
        x = queue.popleft()
        if x == b:
            path = [x]
            while prev[path[-1]] is not None:
                path.append(prev[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            y = (x[0] + dx, x[1] + dy)
            if y in free and y not in prev:
                prev[y] = x
                queue.append(y)
    return None


class Grid(PddlFamily):
    name = "grid"
    description = "a robot on a grid with walls visits waypoints, then stops on a goal cell"

    def params(self, level: int) -> dict[str, Any]:
        return {"size": (3, 4, 5, 7, 9)[level - 1], "walls": (0.0, 0.1, 0.15, 0.2, 0.25)[level - 1],
                "waypoints": (0, 1, 1, 2, 3)[level - 1]}

    def instance(self, rng: random.Random, level: int) -> PddlInstance:
        p = self.params(level)
        n = p["size"]
        cells = [(x, y) for x in range(n) for y in range(n)]
        free = {c for c in cells if rng.random() >= p["walls"]}
        if len(free) < 2 + p["waypoints"]:
            raise Rejected("too many walls")
        stops = rng.sample(sorted(free), 2 + p["waypoints"])
        start, goal, waypoints = stops[0], stops[1], stops[2:]
        plan: list[Step] = []
        here = start
        for target in [*waypoints, goal]:
            route = _route(free, here, target)
            if route is None:
                raise Rejected("unreachable stop")
            plan += [Step("move", (_name(a), _name(b))) for a, b in zip(route, route[1:], strict=False)]
            here = target
        if not plan:
            raise Rejected("empty plan")
        order = sorted(free)
        init: list[tuple[str, ...]] = [("at", _name(start))]
        for a in order:
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                b = (a[0] + dx, a[1] + dy)
                if b in free:
                    init.append(("adj", _name(a), _name(b)))
        goals = [("visited", _name(w)) for w in waypoints] + [("at", _name(goal))]
        text = problem_text(f"grid-{n}", "grid", {"cell": [_name(c) for c in order]}, init, goals)
        walls = sorted(set(cells) - free)
        description = (
            f"A {n}x{n} grid; cell cX-Y is column X, row Y. "
            + (f"Walls (not passable): {', '.join(_name(w) for w in walls)}. " if walls else "")
            + f"The robot starts on {_name(start)}; it moves one step up, down, left or right. "
            + (f"It must visit {', '.join(_name(w) for w in waypoints)} and " if waypoints else "")
            + f"end on {_name(goal)}."
        )
        return PddlInstance(text, tuple(plan), description, {"level": level, **p})
