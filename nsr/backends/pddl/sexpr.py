"""A small s-expression reader for PDDL that remembers line numbers.

PDDL is case-insensitive, so every symbol is lower-cased here once; everything downstream can
compare plain strings. Each node keeps the line it starts on so that errors found later (an
undeclared predicate, a wrong arity) can still point at the right line of the right file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from nsr.backends.pddl.errors import PddlSyntaxError

# Tokens: a newline (counted for line numbers), a comment to the end of the line, a parenthesis,
# or a symbol; other whitespace is skipped by findall. A '?' always starts a variable, as in VAL's
# lexer: "(aircraft?a)" (seen in IPC files) is the predicate "aircraft" applied to "?a".
# (a run of newlines is one token: a domain whose actions were cut out keeps their lines)
_TOKEN = re.compile(r"\n+|;[^\n]*|\(|\)|\?[^\s();?]*|[^\s();?]+")


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


def read_sexprs(text: str, *, name: str, first_line: int = 1) -> tuple[Node, ...]:
    """All top-level expressions of ``text``; ``name`` (a file name) prefixes every error;
    ``first_line`` is the line ``text`` starts on (when it is a piece of a file)."""
    stack: list[tuple[int, list[Node]]] = [(0, [])]
    items = stack[0][1]
    line = first_line
    for token in _TOKEN.findall(text.lower()):
        if token[0] == "\n":
            line += len(token)
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


def read_lists(text: str) -> list[Any] | None:
    """The expressions of ``text`` as nested lists of lower-cased strings, read by ``json`` (C
    speed, no line numbers, comments dropped); None when the text has a quote or a backslash,
    or does not read (then :func:`read_sexprs` reads it and says what is wrong, and where).

    Symbols are split as :func:`read_sexprs` splits them: a '?' always starts a variable.
    Every step is a string method: tokens are quoted and joined with commas, then a quoted
    '(' with its comma becomes '[' and a quoted ')' (with the comma before it) becomes ']'.
    """
    if ";" in text:
        text = _COMMENT.sub("", text)
    if '"' in text or "\\" in text:
        return None
    tokens = text.lower().replace("?", " ?").replace("(", " ( ").replace(")", " ) ").split()
    if not tokens:
        return []
    body = ('"' + '","'.join(tokens) + '"').replace('"(",', "[").replace(',")"', "]")
    try:
        found = json.loads("[" + body.replace('")"', "]") + "]")
    except (ValueError, RecursionError):
        return None
    return found if isinstance(found, list) else None


_SECTION_START = re.compile(r"\(\s*:")
# every section start, an action's with its name: one pass over a big domain finds both
_SECTION_OR_ACTION = re.compile(r"\(\s*:(?:action\s+([^\s();]+))?", re.IGNORECASE)
_NAME = itemgetter(1)  # an action's name (None for another section)
_START = re.Match.start
_DERIVED_START = re.compile(r"\(\s*:derived\b", re.IGNORECASE)
_PARENS = re.compile(r";[^\n]*|\(|\)")


def split_actions(
    text: str, *, keep_lines: bool = True
) -> tuple[str, list[tuple[str, int, int]]] | None:
    """Cut the ``(:action ...)`` sections out of a domain's text, unread.

    Returns the rest of the text (the actions replaced by as many newlines, so line numbers
    stay right; by one newline unless ``keep_lines``: a reader of lists needs no line numbers,
    and counting them costs a pass over most of a big domain) and, per action, (lower-cased name, start, end): its text is ``text[start:end]``
    and its first line ``line_of(text, start)``, both taken only when the action is read (a
    domain of hundreds of actions costs little more than finding them); or None when the file
    does not have the plain layout this needs (every action after the other sections, none but
    derived rules between them, no '(:action' in a comment), and must be read whole.
    """
    found = list(_SECTION_OR_ACTION.finditer(text))
    starts = list(filter(_NAME, found))  # the actions' (their name is never empty)
    if not starts:
        return None
    first = starts[0].start()
    last = starts[-1].start()
    end = _balanced_end(text, last)
    if end is None:
        return None
    line_start = text.rfind("\n", 0, first) + 1
    if text.find(";", line_start, end) >= 0:  # comments among the actions: check each start
        for m in starts:
            line_start = text.rfind("\n", 0, m.start()) + 1
            if text.find(";", line_start, m.start()) >= 0:
                return None
        sections = [m.start() for m in _sections(text, first, end)]
    else:  # no comment there: every '(:' is a section (those from the first action on)
        sections = list(map(_START, found[found.index(starts[0]):]))
        while sections[-1] >= end:
            sections.pop()
    names = list(map(_NAME, starts))
    if not "".join(names).islower():
        names = [n.lower() for n in names]
    if len(sections) == len(starts):  # the actions only
        bounds = list(map(_START, starts))
        bounds.append(end)
        gap = "\n" * text.count("\n", first, end) if keep_lines else "\n"
        rest = text[:first] + gap + text[end:]
        return rest, list(zip(names, bounds, bounds[1:], strict=False))
    # derived rules among the actions stay in the rest (any other section: read whole)
    actions = {m.start() for m in starts}
    if any(p not in actions and _DERIVED_START.match(text, p) is None for p in sections):
        return None
    sections.append(end)
    chunks = []
    parts = [text[:first]]
    found = iter(names)
    for a, b in zip(sections, sections[1:], strict=False):
        if a in actions:
            chunks.append((next(found), a, b))
            parts.append("\n" * text.count("\n", a, b) if keep_lines else "\n")
        else:
            parts.append(text[a:b])
    parts.append(text[end:])
    return "".join(parts), chunks


def line_of(text: str, offset: int) -> int:
    """The line (1-based) of ``text`` that ``offset`` is on."""
    return text.count("\n", 0, offset) + 1


def _sections(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Every '(:' from ``start`` to ``end`` outside comments."""
    for m in _SECTION_START.finditer(text, start, end):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if ";" not in text[line_start : m.start()]:
            yield m


def _balanced_end(text: str, start: int) -> int | None:
    """The index just after the ')' closing the '(' at ``start`` (None if never closed)."""
    depth = 0
    for m in _PARENS.finditer(text, start):
        token = m.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth == 0:
                return m.end()
    return None


_INIT_START = re.compile(r"\(\s*:init\b", re.IGNORECASE)
_COMMENT = re.compile(r";[^\n]*")
# a numeric value "(= (f a b) 3)" of a plain :init (the rest are flat atoms "(p a b)")
_INIT_VALUE = re.compile(r"\(\s*=\s*\(([^();]*)\)\s*([^\s();]+)\s*\)")
# a whole plain :init body up to its closing parenthesis: blanks, comments, values and atoms
# (the commonest alternative first, blanks a run at a time: the match is a good part of the cost)
_INIT_BODY = re.compile(
    r"(?:\([^();]*\)|\s+|\(\s*=\s*\([^();]*\)\s*[^\s();]+\s*\)|;[^\n]*)*+\)"
)


def split_init(
    text: str, *, keep_lines: bool = True
) -> tuple[str, list[tuple[str, ...]], list[tuple[list[str], str]], int] | None:
    """A problem's ``:init`` read the quick way when it is a plain list of entries.

    Returns the text with the section emptied (line numbers kept unless ``keep_lines`` is
    False: a reader of lists needs none, and counting them costs a pass over the section), the
    ground atoms as
    lower-cased token tuples, the numeric values as (``[function, arg, ...]``, number text), and
    the section's first line; None when the section holds anything but flat ``(p a b)`` atoms,
    ``(= (f a b) N)`` values and comments (then the whole file is read the usual way).
    """
    m = _INIT_START.search(text)
    if m is None:
        return None
    line_start = text.rfind("\n", 0, m.start()) + 1
    if ";" in text[line_start : m.start()]:
        return None
    # C calls first; with comments or anything unusual, a regex walk decides
    found = _flat_init(text, m.end()) or _walked_init(text, m.end())
    if found is None:
        return None
    end, raw, pieces, values = found
    atoms = list(map(tuple, map(str.split, pieces[1::2])))
    gap = "\n" * raw.count("\n") if keep_lines else "\n"
    rest = text[: m.start()] + "(:init)" + gap + text[end:]
    return rest, atoms, values, text.count("\n", 0, m.start()) + 1


InitBody = tuple[int, str, list[str], list[tuple[list[str], str]]]


def _walked_init(text: str, start: int) -> InitBody | None:
    """The plain ``:init`` body starting at ``start`` as :func:`_flat_init` gives it, checked
    by the ``_INIT_BODY`` regex walk (comments allowed); None when it is not plain."""
    plain = _INIT_BODY.match(text, start)
    if plain is None:
        return None
    end = plain.end()
    raw = text[start : end - 1]
    body = _COMMENT.sub("", raw) if ";" in raw else raw
    body = body.lower()
    values: list[tuple[list[str], str]] = []
    if "=" in body:
        values = [(target.split(), number) for target, number in _INIT_VALUE.findall(body)]
        body = _INIT_VALUE.sub(" ", body)
    # flat atoms and blanks only now (checked above): cut at the parentheses
    return end, raw, body.replace(")", "(").split("("), values


# the end of a plain :init: its last entry's ')' and its own (nothing but blanks between)
_INIT_END = re.compile(r"\)\s*\)")
# every byte of an ASCII text but the parentheses (deleted to see the nesting alone)
_NOT_PARENS = bytes(b for b in range(128) if b not in b"()")


def _flat_init(text: str, start: int) -> InitBody | None:
    """The plain ``:init`` body starting at ``start`` checked by C calls instead of the
    regex walk of :func:`_walked_init` (a big :init is most of a problem's text; the walk
    costs ~20% of reading one): (end of the section, its raw text, its lower-cased text cut
    at the parentheses, its numeric values); None for a body with a comment, a non-ASCII
    character or anything but flat atoms, ``(= (f a) N)`` values and blanks (the walk then
    decides).

    The section ends at the first ')' followed by blanks and ')': in a plain body only the
    last entry's ')' and the section's own are. Checked then: with every value replaced by
    '()', the parentheses alone read '()()...()' (flat entries, none nested, values not
    inside an atom), and between the entries there are blanks only."""
    # where the section likely ends: the last ')' before the goal that follows it (a find,
    # not a regex step at every ')' of a big :init); confirmed by the checks below, which a
    # body ending anywhere else fails, or else found by the regex
    goal = text.find("(:goal", start)
    if goal > 0:
        guess = text.rfind(")", start, goal)
        if guess > 0:
            found = _flat_body(text, start, guess + 1)
            if found is not None:
                return found
    m = _INIT_END.search(text, start)
    if m is None:
        return None
    return _flat_body(text, start, m.end())


def _flat_body(text: str, start: int, end: int) -> InitBody | None:
    """:func:`_flat_init` of the section ending just before ``end`` (its ')' at
    ``end - 1``): None unless it holds flat entries and blanks only (at least one entry: an
    empty :init is left to the walk)."""
    raw = text[start : end - 1]
    if ";" in raw or "(" not in raw or not raw.isascii():
        return None
    body = raw.lower()
    values: list[tuple[list[str], str]] = []
    shape = body
    if "=" in body:
        values = [(target.split(), number) for target, number in _INIT_VALUE.findall(body)]
        shape = _INIT_VALUE.sub("()", body)
        # the values out of the atoms' text: each '()' the regex left, when the body had none
        # of its own (an empty atom, which the check below and _quick_init must see)
        body = _INIT_VALUE.sub(" ", body) if "()" in body else shape.replace("()", " ")
    parens = shape.encode().translate(None, _NOT_PARENS)
    if parens != b"()" * (len(parens) // 2):
        return None
    pieces = body.replace(")", "(").split("(")
    between = "".join(pieces[0::2])
    if between and not between.isspace():
        return None
    return end, raw, pieces, values
