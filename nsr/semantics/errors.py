"""Errors of the program DSL, each under the package root and the matching builtin."""

from __future__ import annotations

from nsr.errors import DataError, NsrError


class ProgramSyntaxError(DataError):
    """Program text does not parse; the message gives line:column and what was expected."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


class ProgramError(DataError):
    """A program is ill-formed: unknown primitive or symbol, wrong arity, unbound variable,
    a boolean where a value is needed (or the reverse)."""


class EvaluationError(NsrError, ValueError):
    """A well-formed program has no value on these inputs (e.g. ``car([])``, a type clash)."""


class BudgetExceeded(EvaluationError):
    """Evaluation ran out of steps, recursion depth or list size: probably non-terminating."""
