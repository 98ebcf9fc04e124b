"""Errors of the PDDL backend.

All of them are :class:`~nsr.errors.DataError` (and so ``ValueError``): they describe bad input
(a malformed domain, problem or plan), name the file and line, and say what was expected, so the
CLI can print them as one line and exit with status 2.
"""

from __future__ import annotations

from nsr.errors import DataError


class PddlSyntaxError(DataError):
    """A domain or problem file is malformed or refers to something it never declared."""


class PddlUnsupported(DataError):
    """The PDDL uses a feature the grounded validator does not implement (named in the message).

    The unified-planning side (``nsr.backends.pddl.up_engine``) handles a larger fragment.
    """


class PlanSyntaxError(DataError):
    """A plan file has a line that is not an ``(action arg ...)`` step."""
