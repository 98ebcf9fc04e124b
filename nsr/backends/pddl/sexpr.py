"""A small s-expression reader for PDDL that remembers line numbers.

PDDL is case-insensitive, so every symbol is lower-cased here once; everything downstream can
compare plain strings. Each node keeps the line it starts on so that errors found later (an
undeclared predicate, a wrong arity) can still point at the right line of the right file.
"""

from __future__ import annotations

import re

from nsr.backends.pddl.errors import PddlSyntaxError

# Tokens: a newline (counted for line numbers), a comment to the end of the line, a parenthesis,
# or a symbol; other whitespace is skipped by findall. A '?' always starts a variable, as in VAL's
# lexer: "(aircraft?a)" (seen in IPC files) is the predicate "aircraft" applied to "?a".
_TOKEN = re.compile(r"\n|;[^\n]*|\(|\)|\?[^\s();?]*|[^\s();?]+")


class Sym:
    """A symbol (name, variable, keyword or number), lower-cased.

    Plain slotted classes rather than frozen dataclasses: a big domain has ~50k nodes, and a
    frozen dataclass's constructor is several times slower. Treat them as immutable.
    """

    __slots__ = ("text", "line")

    def __init__(self, text: str, line: int) -> None:
        self.text = text
        self.line = line

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Sym({self.text!r}, {self.line})"


class SList:
    """A parenthesised list; ``line`` is the line of its opening parenthesis."""

    __slots__ = ("items", "line")

    def __init__(self, items: tuple[Sym | SList, ...], line: int) -> None:
        self.items = items
        self.line = line

    def __str__(self) -> str:
        return "(" + " ".join(str(item) for item in self.items) + ")"

    def __repr__(self) -> str:
        return f"SList({self.items!r}, {self.line})"

    def head(self) -> str | None:
        """The first item when it is a symbol (``and``, ``:action``, a predicate name), else None."""
        if self.items and isinstance(self.items[0], Sym):
            return self.items[0].text
        return None


Node = Sym | SList


def read_sexprs(text: str, *, name: str) -> tuple[Node, ...]:
    """All top-level expressions of ``text``; ``name`` (a file name) prefixes every error."""
    stack: list[tuple[int, list[Node]]] = [(0, [])]
    items = stack[0][1]
    line = 1
    for token in _TOKEN.findall(text.lower()):
        if token == "\n":
            line += 1
        elif token == "(":
            items = []
            stack.append((line, items))
        elif token == ")":
            if len(stack) == 1:
                raise PddlSyntaxError(f"{name}:{line}: unexpected ')' with no matching '('")
            start, done = stack.pop()
            items = stack[-1][1]
            items.append(SList(tuple(done), start))
        elif token[0] != ";":
            items.append(Sym(token, line))
    if len(stack) > 1:
        start = stack[-1][0]
        raise PddlSyntaxError(
            f"{name}:{start}: '(' opened here is never closed (expected ')' before end of file)"
        )
    return tuple(stack[0][1])
