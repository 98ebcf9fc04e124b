"""The cyclic garbage collector paused while big acyclic structures are built or used.

Why: reading a domain, problem or plan, or validating plans, allocates many small
containers (tuples, lists, formula nodes) that reference each other only as trees; reference
counting frees them. The cyclic collector still walks the young objects every few hundred
allocations, and now and then everything older (the parsed domains and problems a verifier
worker keeps), finding nothing. Pausing it for the duration of such a call (as parsers of big
acyclic data commonly do) removes that work; it is restored afterwards, also after an error,
and a collector already paused by the caller stays paused.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

__all__ = ["collector_paused", "without_collector"]

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block (no effect if already paused)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def without_collector(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` run with the cyclic collector paused (see :func:`collector_paused`)."""

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return run
