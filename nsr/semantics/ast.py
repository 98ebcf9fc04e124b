"""The program AST: frozen, hashable dataclasses, one per construct of ``grammars/gss.lark``.

Hashable on purpose: the learner caches evaluations and compiled closures on nodes, and two
programs that print the same are equal. Children are tuples, never lists.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from typing import Any

# A runtime value: int, atom (str) or list (tuple of values). Booleans exist only inside
# conditions; they never reach a program's result.
Value = int | str | tuple


@functools.cache
def _init_fields(cls: type) -> tuple[str, ...]:
    """A node class's init field names, read once (``dataclasses.fields`` on every node built
    was a sixth of program search's time)."""
    return tuple(f.name for f in fields(cls) if f.init)


def _post_init(self: Any) -> None:
    values = tuple(getattr(self, name) for name in _init_fields(type(self)))
    object.__setattr__(self, "_h", hash((type(self).__name__, values)))


def _hash(self: Any) -> int:
    return self._h


def _reduce(self: Any) -> tuple:
    # Rebuild through __init__ so the cached hash is recomputed in the receiving process.
    return type(self), tuple(getattr(self, name) for name in _init_fields(type(self)))


def _node(cls: type) -> type:
    """A frozen, slotted dataclass whose hash is computed once (the learner hashes nodes in
    every cache lookup; recomputing a deep tree's hash each time would dominate)."""
    cls.__post_init__ = _post_init
    cls.__hash__ = _hash
    cls.__reduce__ = _reduce
    return dataclass(frozen=True, slots=True)(cls)


@_node
class Var:
    """A reference to a lambda parameter, a let-bound name or a rec-function parameter."""

    name: str
    _h: int = field(default=0, init=False, repr=False, compare=False)


@_node
class Int:
    value: int
    _h: int = field(default=0, init=False, repr=False, compare=False)


@_node
class Atom:
    """An atom literal such as ``'I_WALK'`` or ``'+'``; its value is the Python str."""

    name: str
    _h: int = field(default=0, init=False, repr=False, compare=False)


@_node
class Bool:
    """``true`` / ``false``; only valid as (part of) a condition."""

    value: bool
    _h: int = field(default=0, init=False, repr=False, compare=False)


@_node
class ListLit:
    items: tuple[Expr, ...] = ()
    _h: int = field(default=0, init=False, repr=False, compare=False)


@_node
class Let:
    """``let name = value in body``."""

    name: str
    value: Expr
    body: Expr
    _h: int = field(default=0, init=False, repr=False, compare=False)


@_node
class LetRec:
    """``let rec name(params) = fbody in body``: a named recursive function, first-order.

    ``name`` is visible inside ``fbody`` (recursion) and in ``body``; ``fbody`` also sees every
    variable in scope at the definition (lexical scoping).
    """

    name: str
    params: tuple[str, ...]
    fbody: Expr
    body: Expr
    _h: int = field(default=0, init=False, repr=False, compare=False)


@_node
class If:
    cond: Expr
    then: Expr
    orelse: Expr
    _h: int = field(default=0, init=False, repr=False, compare=False)


@_node
class Call:
    """``name(args)``: a local rec function if one is in scope, else a primitive."""

    name: str
    args: tuple[Expr, ...] = ()
    _h: int = field(default=0, init=False, repr=False, compare=False)


@_node
class SymbolCall:
    """``@symbol(args)``: the program of another symbol applied to ``args``."""

    symbol: str
    args: tuple[Expr, ...] = ()
    _h: int = field(default=0, init=False, repr=False, compare=False)


Expr = Var | Int | Atom | Bool | ListLit | Let | LetRec | If | Call | SymbolCall


@_node
class Program:
    """``lambda params: body``: the meaning of one symbol; ``arity`` = its number of children."""

    params: tuple[str, ...]
    body: Expr
    _h: int = field(default=0, init=False, repr=False, compare=False)

    @property
    def arity(self) -> int:
        return len(self.params)


Node = Program | Expr

#: The brief and the paper call a symbol's program a lambda.
Lambda = Program

KEYWORDS: frozenset[str] = frozenset(
    {"lambda", "let", "rec", "in", "if", "then", "else", "true", "false"}
)


def is_plain_name(text: str) -> bool:
    """True when ``text`` can be written unquoted as a variable, function or symbol name."""
    if not text or text in KEYWORDS:
        return False
    if not (text[0].isascii() and (text[0].isalpha() or text[0] == "_")):
        return False
    return all(c.isascii() and (c.isalnum() or c == "_") for c in text)
