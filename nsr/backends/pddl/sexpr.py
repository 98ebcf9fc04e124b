"""A small s-expression reader for PDDL that remembers line numbers.

PDDL is case-insensitive, so every symbol is lower-cased here once; everything downstream can
compare plain strings. Each node keeps the line it starts on so that errors found later (an
undeclared predicate, a wrong arity) can still point at the right line of the right file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nsr.backends.pddl.errors import PddlSyntaxError

# One token per match: whitespace, a comment to the end of the line, a parenthesis, or a symbol.
_TOKEN = re.compile(r"\s+|;[^\n]*|\(|\)|[^\s();]+")


@dataclass(frozen=True, slots=True)
class Sym:
    """A symbol (name, variable, keyword or number), lower-cased."""

    text: str
    line: int

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class SList:
    """A parenthesised list; ``line`` is the line of its opening parenthesis."""

    items: tuple[Sym | SList, ...]
    line: int

    def __str__(self) -> str:
        return "(" + " ".join(str(item) for item in self.items) + ")"

    def head(self) -> str | None:
        """The first item when it is a symbol (``and``, ``:action``, a predicate name), else None."""
        if self.items and isinstance(self.items[0], Sym):
            return self.items[0].text
        return None


Node = Sym | SList


def read_sexprs(text: str, *, name: str) -> tuple[Node, ...]:
    """All top-level expressions of ``text``; ``name`` (a file name) prefixes every error."""
    stack: list[tuple[int, list[Node]]] = [(0, [])]
    line = 1
    pos = 0
    length = len(text)
    while pos < length:
        match = _TOKEN.match(text, pos)
        if match is None:  # pragma: no cover - the pattern matches every character class
            raise PddlSyntaxError(f"{name}:{line}: unreadable character {text[pos]!r}")
        token = match.group()
        pos = match.end()
        first = token[0]
        if first.isspace():
            line += token.count("\n")
        elif first == ";":
            continue
        elif token == "(":
            stack.append((line, []))
        elif token == ")":
            if len(stack) == 1:
                raise PddlSyntaxError(f"{name}:{line}: unexpected ')' with no matching '('")
            start, items = stack.pop()
            stack[-1][1].append(SList(tuple(items), start))
        else:
            stack[-1][1].append(Sym(token.lower(), line))
    if len(stack) > 1:
        start = stack[-1][0]
        raise PddlSyntaxError(
            f"{name}:{start}: '(' opened here is never closed (expected ')' before end of file)"
        )
    return tuple(stack[0][1])
