"""Fixtures for the verifier tests: small, fast limits so hostile samples fail quickly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nsr.verify import Verifier

from .samples import FAST_LIMITS


@pytest.fixture(scope="session")
def verifier() -> Iterator[Verifier]:
    """Two workers, fast limits, shared by the functional tests."""
    with Verifier(workers=2, **FAST_LIMITS) as v:
        yield v
