"""Python values for Prolog terms, and exact Prolog text for Python values.

Answers come back as plain Python values: int, float, ``str`` for atoms, :class:`PlString` for
Prolog strings, ``list`` for lists, :class:`Compound` and :class:`Var`. Goals are built with
:func:`goal` / :func:`to_text`, which quote atoms properly: pasting ``repr()`` into a goal
breaks on atoms such as ``'I_WALK'``, ``'+'`` or ``'it''s'``.

Mapping from Python to Prolog text:
    bool -> true/false       int -> integer           float -> float (1.0Inf, 1.5NaN too)
    str, Atom -> atom        PlString -> "string"     list, tuple -> list
    Compound -> name(args)   Var -> variable          Fraction -> rational (1r3)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from nsr.backends.prolog.errors import UnsupportedValue

__all__ = ["Atom", "Compound", "PlString", "Term", "Var", "goal", "quote_atom", "to_text"]


class Atom(str):
    """An atom, when a caller wants to say so explicitly (any ``str`` is written as an atom)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Atom({str.__repr__(self)})"


class PlString(str):
    """A Prolog string (``"text"``), kept apart from atoms so answers round-trip exactly."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"PlString({str.__repr__(self)})"


@dataclass(frozen=True)
class Var:
    """An unbound variable. In answers, ``name`` is the query variable it is shared with, or
    ``_G1``, ``_G2``, ... for fresh ones."""

    name: str

    def __post_init__(self) -> None:
        if not _VAR_RE.fullmatch(self.name):
            raise UnsupportedValue(f"not a Prolog variable name: {self.name!r}")

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Compound:
    """A compound term ``name(args...)``. Lists are Python lists, not ``'[|]'`` compounds."""

    name: str
    args: tuple[Any, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise UnsupportedValue(f"compound name must be a str, got {self.name!r}")
        if not isinstance(self.args, tuple):
            object.__setattr__(self, "args", tuple(self.args))

    @property
    def arity(self) -> int:
        return len(self.args)

    def __str__(self) -> str:
        return to_text(self)


#: Any Python value :func:`to_text` can write (and the engine returns).
Term = int | float | str | PlString | Atom | list | tuple | Compound | Var | Fraction

_PLAIN_ATOM_RE = re.compile(r"[a-z][a-zA-Z0-9_]*")
_VAR_RE = re.compile(r"[A-Z_][a-zA-Z0-9_]*")
# Alphanumeric atoms that are standard operators; quoting them keeps them plain operands
# in every position (SWI never treats a quoted atom as an operator when reading an operand).
_WORD_OPERATORS = frozenset(
    {
        "is", "as", "mod", "rem", "div", "rdiv", "xor", "dynamic", "discontiguous",
        "initialization", "meta_predicate", "module_transparent", "multifile", "public",
        "thread_local", "thread_initialization", "volatile", "table", "tnot",
    }
)  # fmt: skip
_ESCAPES = {
    "\\": "\\\\",
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
    "\0": "\\x0\\",
}


def _escape(text: str, quote: str) -> str:
    out = []
    for ch in text:
        if ch == quote:
            out.append(quote + quote)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):x}\\")
        else:
            out.append(ch)
    return "".join(out)


def quote_atom(name: str) -> str:
    """``name`` as atom text: bare when it is a plain lowercase word, else single-quoted."""
    if _PLAIN_ATOM_RE.fullmatch(name) and name not in _WORD_OPERATORS:
        return name
    return "'" + _escape(name, "'") + "'"


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "1.5NaN"
    if math.isinf(value):
        return "1.0Inf" if value > 0 else "-1.0Inf"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{int(exponent)}"
    return text


class _Text(str):
    """Literal output text on :func:`to_text`'s work stack (a bracket, comma or functor)."""

    __slots__ = ()


def to_text(value: Any) -> str:
    """Prolog text that reads back as ``value`` (see the module docstring for the mapping).

    A loop with an explicit work stack, not recursion, so terms nested thousands deep are
    written without hitting Python's recursion limit.

    >>> to_text(Compound("f", ("I_WALK", "it's", -3, [1, PlString("s")])))
    "f('I_WALK','it''s',-3,[1,\\"s\\"])"
    """
    out: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if type(item) is _Text:
            out.append(item)
        elif isinstance(item, list | tuple):
            out.append("[")
            _push_items(stack, item, _Text("]"))
        elif isinstance(item, Compound):
            out.append(quote_atom(item.name) + "(")
            _push_items(stack, item.args, _Text(")"))
        else:
            out.append(_atomic_text(item))
    return "".join(out)


_COMMA = _Text(",")


def _push_items(stack: list[Any], items: Any, close: _Text) -> None:
    """Schedule ``items`` separated by commas, then ``close`` (pushed in reverse: a stack)."""
    stack.append(close)
    for i in range(len(items) - 1, -1, -1):
        stack.append(items[i])
        if i:
            stack.append(_COMMA)


def _atomic_text(value: Any) -> str:
    """The text of a value that holds no other value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, PlString):
        return '"' + _escape(value, '"') + '"'
    if isinstance(value, str):
        return quote_atom(value)
    if isinstance(value, Var):
        return value.name
    if isinstance(value, Fraction):
        return (
            f"{value.numerator}r{value.denominator}"
            if value.denominator != 1
            else str(value.numerator)
        )
    raise UnsupportedValue(
        f"cannot write a {type(value).__name__} as a Prolog term: {value!r} "
        "(use int, float, str, PlString, list, Compound or Var)"
    )


def goal(name: str, *args: Any) -> str:
    """Goal text ``name(arg, ...)`` (just ``name`` without arguments), every part quoted.

    >>> goal("member", Var("X"), ["a", "B c"])
    "member(X,[a,'B c'])"
    """
    if not args:
        return quote_atom(name)
    return to_text(Compound(name, args))
