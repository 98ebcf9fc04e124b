"""Folders of planning families (one folder per domain, as in ``../shared/data/ipc``).

A family folder holds a ``domain.pddl`` shared by its problems, or one domain file per problem
(``domain_<problem>.pddl``, ``domain-<problem>.pddl`` or ``<problem>-domain.pddl``, the
conventions of the IPC collections), and problem files; ``<problem>.valid.plan`` files are known
plans. This module only finds files: reading them is the reader's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nsr.errors import ResourceNotFound

__all__ = ["FamilyProblem", "domain_for", "family_problems", "list_families"]


@dataclass(frozen=True)
class FamilyProblem:
    """One problem of a family with its domain file and, when there is one, a known plan."""

    family: str
    name: str
    domain: Path
    problem: Path
    plan: Path | None


def _is_domain(path: Path) -> bool:
    stem = path.stem.lower()
    return stem == "domain" or stem.startswith(("domain_", "domain-")) or stem.endswith("-domain")


def domain_for(problem: Path) -> Path | None:
    """The domain file of ``problem``: a per-problem domain file first, else ``domain.pddl``."""
    folder, stem = problem.parent, problem.stem
    for name in (f"domain_{stem}.pddl", f"domain-{stem}.pddl", f"{stem}-domain.pddl",
                 "domain.pddl"):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def family_problems(folder: Path) -> list[FamilyProblem]:
    """The problems of one family folder (sorted), each with its domain file."""
    out = []
    for path in sorted(folder.glob("*.pddl")):
        if _is_domain(path):
            continue
        domain = domain_for(path)
        if domain is None:
            continue
        plan = path.with_suffix(".valid.plan")
        out.append(
            FamilyProblem(folder.name, path.stem, domain, path, plan if plan.is_file() else None)
        )
    return out


def list_families(root: Path) -> dict[str, list[FamilyProblem]]:
    """Family name -> its problems, for every sub-folder of ``root`` that has any."""
    if not root.is_dir():
        raise ResourceNotFound(f"folder {str(root)!r} does not exist")
    out = {}
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        problems = family_problems(sub)
        if problems:
            out[sub.name] = problems
    return out
