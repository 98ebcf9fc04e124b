"""PCFG SET's ten string functions (Hupkes et al. 2020) and a reader for their prefix form.

An input is a prefix composition such as ``reverse append A1 B2 , repeat C3``: unary functions
take the expression that follows; binary ones take two expressions separated by ``,``. A plain
argument is a run of letter tokens (``A1`` .. ``Z20``). Reference only: the learner never sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from nsr.errors import DataError

Seq = tuple[str, ...]


def _shift(x: Seq) -> Seq:
    return x[1:] + x[:1]


def _echo(x: Seq) -> Seq:
    return x + x[-1:]


def _swap_first_last(x: Seq) -> Seq:
    if len(x) < 2:
        return x
    return x[-1:] + x[1:-1] + x[:1]


UNARY: dict[str, Callable[[Seq], Seq]] = {
    "copy": lambda x: x,
    "reverse": lambda x: x[::-1],
    "shift": _shift,
    "echo": _echo,
    "swap_first_last": _swap_first_last,
    "repeat": lambda x: x + x,
}
BINARY: dict[str, Callable[[Seq, Seq], Seq]] = {
    "append": lambda x, y: x + y,
    "prepend": lambda x, y: y + x,
    "remove_first": lambda x, y: y,
    "remove_second": lambda x, y: x,
}
FUNCTIONS: frozenset[str] = frozenset(UNARY) | frozenset(BINARY)
SEPARATOR = ","
_LETTER = re.compile(r"[A-Z][0-9]+")


def is_function(token: str) -> bool:
    return token in FUNCTIONS


def function_count(source: Sequence[str]) -> int:
    """Number of function tokens in an input (PCFG's measure of length for productivity)."""
    return sum(1 for tok in source if tok in FUNCTIONS)


class _Reader:
    """Recursive descent over the token list; ``pos`` is the next unread token."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens = list(tokens)
        self.pos = 0

    def fail(self, why: str) -> DataError:
        return DataError(
            f"not a PCFG SET input ({why} at token {self.pos}): {' '.join(self.tokens)!r}"
        )

    def expression(self) -> Seq:
        if self.pos >= len(self.tokens):
            raise self.fail("missing argument")
        tok = self.tokens[self.pos]
        if tok in UNARY:
            self.pos += 1
            return UNARY[tok](self.expression())
        if tok in BINARY:
            self.pos += 1
            first = self.expression()
            if self.pos >= len(self.tokens) or self.tokens[self.pos] != SEPARATOR:
                raise self.fail(f"{tok} expects ',' between its arguments")
            self.pos += 1
            return BINARY[tok](first, self.expression())
        # A plain argument: letters up to the next ',' or the end.
        start = self.pos
        while self.pos < len(self.tokens) and self.tokens[self.pos] != SEPARATOR:
            tok = self.tokens[self.pos]
            if tok in FUNCTIONS:
                raise self.fail(f"function {tok!r} inside an argument")
            if not _LETTER.fullmatch(tok):
                raise self.fail(f"unknown token {tok!r}")
            self.pos += 1
        if self.pos == start:
            raise self.fail("empty argument")
        return tuple(self.tokens[start : self.pos])


def interpret(source: Sequence[str]) -> Seq:
    """The output sequence of a PCFG SET input."""
    reader = _Reader(source)
    result = reader.expression()
    if reader.pos != len(reader.tokens):
        raise reader.fail("unexpected ','")
    return result
