"""The typed primitive libraries the program search enumerates over.

Each primitive carries its DSL name (the name a program calls, so a found program prints and
compiles like any hand-written one), its argument and result types, and a fast Python function
the search applies to whole value vectors. A task names its library ("lists" or "numbers");
nothing here knows about any particular task.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Value = int | str | tuple


@dataclass(frozen=True)
class Primitive:
    name: str
    arg_types: tuple[str, ...]
    result_type: str
    fn: Callable[..., Value]


@dataclass(frozen=True)
class Library:
    """Primitives plus whether atoms seen in the data may appear as constants."""

    name: str
    primitives: tuple[Primitive, ...]
    atom_constants: bool


def _car(xs: tuple) -> Value:
    if not xs:
        raise IndexError("car of empty list")
    return xs[0]


def _cdr(xs: tuple) -> tuple:
    if not xs:
        raise IndexError("cdr of empty list")
    return xs[1:]


def _last(xs: tuple) -> Value:
    if not xs:
        raise IndexError("last of empty list")
    return xs[-1]


def _init(xs: tuple) -> tuple:
    if not xs:
        raise IndexError("init of empty list")
    return xs[:-1]


def _dec(n: int) -> int:
    if n <= 0:
        raise ValueError("dec of zero")
    return n - 1


LISTS = Library(
    "lists",
    (
        Primitive("empty", (), "list", lambda: ()),
        Primitive("singleton", ("atom",), "list", lambda a: (a,)),
        Primitive("car", ("list",), "atom", _car),
        Primitive("last", ("list",), "atom", _last),
        Primitive("cdr", ("list",), "list", _cdr),
        Primitive("init", ("list",), "list", _init),
        Primitive("reverse", ("list",), "list", lambda xs: xs[::-1]),
        Primitive("cons", ("atom", "list"), "list", lambda a, xs: (a, *xs)),
        Primitive("append", ("list", "list"), "list", lambda xs, ys: xs + ys),
    ),
    atom_constants=True,
)

NUMBERS = Library(
    "numbers",
    (
        Primitive("zero", (), "int", lambda: 0),
        Primitive("inc", ("int",), "int", lambda n: n + 1),
        Primitive("dec", ("int",), "int", _dec),
    ),
    atom_constants=False,
)

LIBRARIES: dict[str, Library] = {lib.name: lib for lib in (LISTS, NUMBERS)}
