"""Logistics: trucks move packages within a city, airplanes between cities' airports.

Difficulty: cities, locations per city and packages. Constructed plan, package by package:
truck to the package, to the airport, airplane to the destination city, truck to the goal
location (legs that are not needed are skipped).
"""

from __future__ import annotations

import random
from typing import Any

from nsr.backends.pddl.plans import Step
from nsr.prototypes.families.base import PddlFamily, PddlInstance, Rejected
from nsr.prototypes.families.pddl_text import problem_text


class Logistics(PddlFamily):
    name = "logistics"
    description = "packages delivered by trucks (within a city) and airplanes (between cities)"

    def params(self, level: int) -> dict[str, Any]:
        return {"cities": (1, 2, 2, 3, 4)[level - 1], "locations": (2, 2, 3, 3, 3)[level - 1],
                "packages": (1, 2, 3, 4, 6)[level - 1], "airplanes": 1 if level < 5 else 2}

    def instance(self, rng: random.Random, level: int) -> PddlInstance:
        p = self.params(level)
        cities = [f"city{i}" for i in range(1, p["cities"] + 1)]
        airports = {c: f"{c}-airport" for c in cities}
        places = {c: [airports[c]] + [f"{c}-loc{j}" for j in range(1, p["locations"])]
                  for c in cities}
        city_of = {loc: c for c, locs in places.items() for loc in locs}
        trucks = {c: f"truck{i}" for i, c in enumerate(cities, start=1)}
        planes = [f"plane{i}" for i in range(1, p["airplanes"] + 1)]
        packages = [f"pkg{i}" for i in range(1, p["packages"] + 1)]
        all_locs = [loc for c in cities for loc in places[c]]
        pos = {trucks[c]: rng.choice(places[c]) for c in cities}
        pos.update({a: airports[rng.choice(cities)] for a in planes})
        start = {k: rng.choice(all_locs) for k in packages}
        goal = {k: rng.choice([loc for loc in all_locs if loc != start[k]]) for k in packages}
        if not packages or len(all_locs) < 2:
            raise Rejected("degenerate")
        init: list[tuple[str, ...]] = [("in-city", loc, city_of[loc]) for loc in all_locs]
        init += [("at", v, loc) for v, loc in pos.items()]
        init += [("at", k, start[k]) for k in packages]
        start_pos = dict(pos)
        plan: list[Step] = []

        def drive(city: str, to: str) -> None:
            truck = trucks[city]
            if pos[truck] != to:
                plan.append(Step("drive-truck", (truck, pos[truck], to, city)))
                pos[truck] = to

        def by_truck(pkg: str, src: str, dst: str) -> None:
            if src == dst:
                return
            city = city_of[src]
            drive(city, src)
            plan.append(Step("load-truck", (pkg, trucks[city], src)))
            drive(city, dst)
            plan.append(Step("unload-truck", (pkg, trucks[city], dst)))

        for k in packages:
            src, dst = start[k], goal[k]
            if city_of[src] == city_of[dst]:
                by_truck(k, src, dst)
                continue
            a_src, a_dst = airports[city_of[src]], airports[city_of[dst]]
            by_truck(k, src, a_src)
            plane = rng.choice(planes)
            if pos[plane] != a_src:
                plan.append(Step("fly-airplane", (plane, pos[plane], a_src)))
            plan.append(Step("load-airplane", (k, plane, a_src)))
            plan.append(Step("fly-airplane", (plane, a_src, a_dst)))
            plan.append(Step("unload-airplane", (k, plane, a_dst)))
            pos[plane] = a_dst
            by_truck(k, a_dst, dst)
        objects = {"city": cities, "airport": list(airports.values()),
                   "location": [loc for loc in all_locs if loc not in airports.values()],
                   "truck": list(trucks.values()), "airplane": planes, "package": packages}
        text = problem_text(f"logistics-{len(cities)}-{len(packages)}", "logistics", objects,
                            init, [("at", k, goal[k]) for k in packages])
        description = (
            " ".join(f"{c} has locations {', '.join(places[c])} (the airport is "
                     f"{airports[c]}) and truck {trucks[c]}." for c in cities)
            + f" Airplanes: {', '.join(planes)}. Vehicles start at: "
            + ", ".join(f"{v} at {loc}" for v, loc in sorted(start_pos.items()))
            + ". Packages: " + ", ".join(f"{k} from {start[k]} to {goal[k]}" for k in packages)
            + "."
        )
        return PddlInstance(text, tuple(plan), description, {"level": level, **p})
