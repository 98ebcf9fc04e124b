"""The registry of prototype families, by name (lazy ``module:Class`` strings)."""

from __future__ import annotations

import importlib
from functools import cache

from nsr.errors import ConfigError
from nsr.prototypes.families.base import Family, PddlFamily, PrologFamily

FAMILIES: dict[str, str] = {
    "kinship": "nsr.prototypes.families.kinship:Kinship",
    "graphs": "nsr.prototypes.families.graphs:Graphs",
    "knights": "nsr.prototypes.families.knights:Knights",
    "zebra": "nsr.prototypes.families.zebra:Zebra",
    "lists": "nsr.prototypes.families.lists:Lists",
    "scheduling": "nsr.prototypes.families.scheduling:Scheduling",
    "blocksworld": "nsr.prototypes.families.blocksworld:Blocksworld",
    "gripper": "nsr.prototypes.families.gripper:Gripper",
    "logistics": "nsr.prototypes.families.logistics:Logistics",
    "grid": "nsr.prototypes.families.grid:Grid",
}


def family_names() -> tuple[str, ...]:
    return tuple(FAMILIES)


@cache
def get_family(name: str) -> Family:
    """The family called ``name``; raises :class:`ConfigError` listing the known ones."""
    if name not in FAMILIES:
        raise ConfigError(f"unknown prototype family {name!r}; known: {', '.join(FAMILIES)}")
    module, _, cls = FAMILIES[name].partition(":")
    return getattr(importlib.import_module(module), cls)()


__all__ = ["FAMILIES", "Family", "PddlFamily", "PrologFamily", "family_names", "get_family"]
