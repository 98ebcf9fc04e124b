"""What a prototype family is: a generator of problems at a difficulty level.

A Prolog family writes a program (its template rules from ``prototypes/prolog/<name>.pl`` plus
generated facts) and a query binding ``Answer``; it never computes the answer: SWI-Prolog does.
A PDDL family writes a problem for its domain (``prototypes/pddl/<name>/domain.pddl``) together
with a plan built by a simple constructive strategy; the plan counts only once our validator has
accepted it (see :mod:`nsr.prototypes.synth`).
"""

from __future__ import annotations

import random
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

from nsr.backends.pddl.plans import Step
from nsr.errors import ConfigError
from nsr.resources import resource_path

MAX_LEVEL = 5

#: Lower-case first names, valid Prolog atoms; ``person_names`` extends them with numbers.
NAMES: tuple[str, ...] = (
    "ada", "alan", "alice", "amir", "ana", "anna", "ari", "bea", "ben", "bob", "cara", "carl",
    "cleo", "dan", "dora", "eli", "ella", "emil", "eva", "finn", "gil", "gwen", "hana", "hugo",
    "ida", "igor", "ines", "ivan", "jan", "jill", "joe", "kai", "kim", "lea", "leo", "lina",
    "luca", "mae", "mara", "max", "mia", "nia", "nick", "nora", "olaf", "omar", "pia", "paul",
    "quinn", "rita", "rosa", "sam", "sara", "tara", "theo", "uma", "vera", "vic", "wes", "xena",
    "yara", "yuri", "zane", "zoe",
)


def person_names(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct names in random order (numbered once the pool runs out)."""
    pool = list(NAMES)
    rng.shuffle(pool)
    out = pool[:n]
    k = 2
    while len(out) < n:
        out.extend(f"{name}{k}" for name in pool[: n - len(out)])
        k += 1
    return out


def check_level(level: int) -> int:
    if not isinstance(level, int) or not 1 <= level <= MAX_LEVEL:
        raise ConfigError(f"difficulty level must be an integer from 1 to {MAX_LEVEL}, got {level!r}")
    return level


@cache
def shipped_text(*parts: str) -> str:
    """Text of a file under the shipped ``prototypes/`` folder (cached: templates are read often)."""
    return resource_path("prototypes", *parts).read_text(encoding="utf-8")


class Rejected(Exception):  # noqa: N818 - a control-flow signal, not an error for users
    """A generator gave up on one draw (e.g. a degenerate instance); the caller redraws."""


@dataclass(frozen=True)
class PrologDraft:
    """A Prolog problem before its answer is derived."""

    prompt: str
    program: str
    query: str
    difficulty: Mapping[str, Any]


@dataclass(frozen=True)
class PddlInstance:
    """A planning problem with a constructed plan (to be validated before it counts)."""

    problem: str
    plan: tuple[Step, ...]
    description: str
    difficulty: Mapping[str, Any]
    method: str = "constructed+validated"
    extra: Mapping[str, Any] = field(default_factory=dict)


class Family(ABC):
    """Common face of both kinds of family."""

    name: ClassVar[str]
    kind: ClassVar[str]
    tasks: ClassVar[tuple[str, ...]]
    description: ClassVar[str]

    @abstractmethod
    def params(self, level: int) -> dict[str, Any]:
        """The knobs a difficulty level sets (recorded in every item's ``difficulty``)."""


class PrologFamily(Family):
    kind: ClassVar[str] = "prolog"
    tasks: ClassVar[tuple[str, ...]] = ("query_answer",)

    def template(self) -> str:
        """The family's rules, shipped as ``prototypes/prolog/<name>.pl``."""
        return shipped_text("prolog", f"{self.name}.pl")

    @abstractmethod
    def draft(self, rng: random.Random, level: int) -> PrologDraft:
        """One problem at ``level``; may raise :class:`Rejected` to ask for a redraw."""


class PddlFamily(Family):
    kind: ClassVar[str] = "pddl"
    tasks: ClassVar[tuple[str, ...]] = ("plan_generation", "plan_completion", "plan_reordering")

    def domain(self) -> str:
        """The domain, shipped as ``prototypes/pddl/<name>/domain.pddl``."""
        return shipped_text("pddl", self.name, "domain.pddl")

    @abstractmethod
    def instance(self, rng: random.Random, level: int) -> PddlInstance:
        """One problem at ``level`` with a constructed plan; may raise :class:`Rejected`."""


def facts(name: str, rows: Sequence[Sequence[str]]) -> str:
    """Prolog facts ``name(a, b).`` one per line (arguments must already be Prolog text)."""
    return "\n".join(f"{name}({', '.join(row)})." for row in rows)


_PLAIN_ATOM = re.compile(r"^[a-z][a-zA-Z0-9_]*$")


def atom(value: Any) -> str:
    """Prolog text of an integer or an atom, quoted when it needs to be."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if _PLAIN_ATOM.match(text):
        return text
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def plist(items: Sequence[Any]) -> str:
    """A Prolog list of atoms / integers (each quoted by :func:`atom`)."""
    return "[" + ", ".join(atom(x) for x in items) + "]"
