"""Writing PDDL problem files from Python data (objects by type, init atoms, goal atoms)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Atom = tuple[str, ...]


def atom_text(atom: Atom) -> str:
    return "(" + " ".join(atom) + ")"


def problem_text(name: str, domain: str, objects: Mapping[str, Sequence[str]],
                 init: Sequence[Atom], goal: Sequence[Atom]) -> str:
    """A problem file; ``objects`` maps a type to its objects (in order)."""
    obj_lines = [f"    {' '.join(objs)} - {typ}" for typ, objs in objects.items() if objs]
    init_lines = [f"    {atom_text(a)}" for a in init]
    goal_lines = [f"      {atom_text(a)}" for a in goal]
    return (
        f"(define (problem {name})\n  (:domain {domain})\n  (:objects\n"
        + "\n".join(obj_lines)
        + ")\n  (:init\n"
        + "\n".join(init_lines)
        + ")\n  (:goal\n    (and\n"
        + "\n".join(goal_lines)
        + ")))\n"
    )
