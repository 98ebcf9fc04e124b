"""Fixtures for the Prolog backend tests: the process's engine and a fresh module per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from nsr.backends.prolog import PrologEngine

_counter = itertools.count()


@pytest.fixture(scope="session")
def engine() -> PrologEngine:
    """The process's engine (created here, so a missing SWI-Prolog skips via the marker)."""
    from nsr.backends.prolog import get_engine

    return get_engine()


@pytest.fixture
def module(engine: PrologEngine) -> Iterator[str]:
    """A module name no other test uses, wiped afterwards."""
    name = f"t{next(_counter)}"
    yield name
    engine.wipe_module(name)
