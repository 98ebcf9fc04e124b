"""Errors of the Prolog backend.

SWI-Prolog reports problems as exception terms (``error(existence_error(procedure, f/2), _)``,
``time_limit_exceeded``, ...). The engine maps each to one of these classes with a readable
one-line message, so callers can catch the case they care about (a verifier treats a time limit
differently from an undefined predicate) and the CLI can print the message as it is.
"""

from __future__ import annotations

from nsr.errors import DataError, EngineError, MissingDependency, NsrError


class PrologNotInstalled(MissingDependency):
    """SWI-Prolog (libswipl, library(time)) or pyswip is missing; the message names the fix."""


class PrologError(EngineError):
    """A Prolog goal raised an error. ``term`` holds the (truncated) error term as Prolog text."""

    def __init__(self, message: str, *, term: str = "") -> None:
        super().__init__(message)
        self.term = term


class PrologSyntaxError(PrologError, DataError):
    """Program or goal text does not parse.

    ``source`` is the file name (or the name given to ``consult_text``; ``<goal>`` for a query),
    ``line`` and ``column`` are 1-based.
    """

    def __init__(
        self, message: str, *, source: str, line: int, column: int, term: str = ""
    ) -> None:
        super().__init__(message, term=term)
        self.source = source
        self.line = line
        self.column = column


class PrologExistenceError(PrologError):
    """An undefined predicate was called; ``predicate`` is its indicator, e.g. ``"foo/2"``."""

    def __init__(self, message: str, *, predicate: str, term: str = "") -> None:
        super().__init__(message, term=term)
        self.predicate = predicate


class PrologTimeLimit(PrologError):
    """The goal ran longer than its time limit (the engine stays usable)."""


class PrologInferenceLimit(PrologError):
    """The goal used more inferences than its inference limit (the engine stays usable)."""


class PrologResourceError(PrologError):
    """The goal exhausted a resource, usually the stack limit (the engine stays usable)."""


class UnsupportedValue(NsrError, TypeError):
    """A Python value has no Prolog term equivalent (e.g. None, a set, a dict)."""
