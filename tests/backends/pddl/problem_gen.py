"""Seeded problem generators for the three shipped domains, and their paths (tests only).

Each returns PDDL problem text; the same (size, seed) always gives the same problem, so a test
that fails can be replayed exactly.
"""

from __future__ import annotations

import random
from pathlib import Path

from nsr.resources import resource_path

DOMAIN_NAMES = ("blocksworld", "gripper", "logistics")


def domain_path(name: str) -> Path:
    """The shipped ``prototypes/pddl/<name>/domain.pddl``."""
    return resource_path("prototypes", "pddl", name, "domain.pddl")


def problem_path(name: str, index: int) -> Path:
    """The shipped fixed problem ``prototypes/pddl/<name>/pNN.pddl``."""
    return resource_path("prototypes", "pddl", name, f"p{index:02d}.pddl")


def _towers(blocks: list[str], rng: random.Random) -> list[list[str]]:
    order = blocks[:]
    rng.shuffle(order)
    towers: list[list[str]] = []
    for b in order:
        if towers and rng.random() < 0.6:
            rng.choice(towers).append(b)
        else:
            towers.append([b])
    return towers


def _tower_atoms(towers: list[list[str]]) -> list[str]:
    atoms = []
    for tower in towers:
        atoms.append(f"(ontable {tower[0]})")
        atoms.extend(
            f"(on {upper} {lower})" for lower, upper in zip(tower, tower[1:], strict=False)
        )
        atoms.append(f"(clear {tower[-1]})")
    return atoms


def blocksworld(n_blocks: int, seed: int) -> str:
    rng = random.Random(seed)
    blocks = [f"b{i}" for i in range(1, n_blocks + 1)]
    init = _tower_atoms(_towers(blocks, rng)) + ["(handempty)"]
    goal = [a for a in _tower_atoms(_towers(blocks, rng)) if a.startswith("(on ")]
    if not goal:
        goal = [f"(on {blocks[0]} {blocks[-1]})"] if n_blocks > 1 else [f"(ontable {blocks[0]})"]
    return (
        f"(define (problem bw-{n_blocks}-{seed}) (:domain blocksworld)\n"
        f"  (:objects {' '.join(blocks)} - block)\n"
        f"  (:init {' '.join(init)})\n"
        f"  (:goal (and {' '.join(goal)})))\n"
    )


def gripper(n_balls: int, seed: int, n_rooms: int = 2) -> str:
    rng = random.Random(seed)
    rooms = [f"room{i}" for i in range(1, n_rooms + 1)]
    balls = [f"ball{i}" for i in range(1, n_balls + 1)]
    init = [f"(at-robby {rng.choice(rooms)})"]
    init += [f"(at {b} {rng.choice(rooms)})" for b in balls]
    goal = [f"(at {b} {rng.choice(rooms)})" for b in balls]
    return (
        f"(define (problem gripper-{n_balls}-{seed}) (:domain gripper)\n"
        f"  (:objects {' '.join(rooms)} - room {' '.join(balls)} - ball left right - gripper)\n"
        f"  (:init {' '.join(init)})\n"
        f"  (:goal (and {' '.join(goal)})))\n"
    )


def logistics(n_cities: int, n_packages: int, seed: int, n_airplanes: int = 1) -> str:
    rng = random.Random(seed)
    cities = [f"city{i}" for i in range(1, n_cities + 1)]
    airports = [f"apt{i}" for i in range(1, n_cities + 1)]
    posts = [f"post{i}" for i in range(1, n_cities + 1)]
    trucks = [f"truck{i}" for i in range(1, n_cities + 1)]
    planes = [f"plane{i}" for i in range(1, n_airplanes + 1)]
    packages = [f"pkg{i}" for i in range(1, n_packages + 1)]
    places = airports + posts
    init = []
    for c, a, p, t in zip(cities, airports, posts, trucks, strict=True):
        init += [f"(in-city {a} {c})", f"(in-city {p} {c})", f"(at {t} {rng.choice([a, p])})"]
    init += [f"(at {pl} {rng.choice(airports)})" for pl in planes]
    init += [f"(at {pk} {rng.choice(places)})" for pk in packages]
    goal = [f"(at {pk} {rng.choice(places)})" for pk in packages]
    return (
        f"(define (problem logistics-{n_cities}-{n_packages}-{seed}) (:domain logistics)\n"
        f"  (:objects {' '.join(cities)} - city {' '.join(airports)} - airport\n"
        f"    {' '.join(posts)} - location {' '.join(trucks)} - truck\n"
        f"    {' '.join(planes)} - airplane {' '.join(packages)} - package)\n"
        f"  (:init {' '.join(init)})\n"
        f"  (:goal (and {' '.join(goal)})))\n"
    )
