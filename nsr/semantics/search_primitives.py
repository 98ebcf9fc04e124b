"""The typed primitive libraries the program search enumerates over.

Implementations come from the DSL's primitive registry (:mod:`nsr.semantics.primitives`), so a
found program means exactly what the evaluator and the compiled Prolog say it means. What this
module adds is a finer typing for enumeration: the registry types ``car`` as returning *any*
value, while the search splits lists of atoms from atoms, which keeps the space of well-typed
programs small. A task names its library ("lists" or "numbers"); nothing here knows about any
particular task.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nsr.semantics.primitives import PRIMITIVES

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


def _typed(name: str, arg_types: tuple[str, ...], result_type: str) -> Primitive:
    return Primitive(name, arg_types, result_type, PRIMITIVES[name].python)


LISTS = Library(
    "lists",
    (
        _typed("empty", (), "list"),
        _typed("singleton", ("atom",), "list"),
        _typed("car", ("list",), "atom"),
        _typed("last", ("list",), "atom"),
        _typed("cdr", ("list",), "list"),
        _typed("init", ("list",), "list"),
        _typed("reverse", ("list",), "list"),
        _typed("cons", ("atom", "list"), "list"),
        _typed("append", ("list", "list"), "list"),
    ),
    atom_constants=True,
)

NUMBERS = Library(
    "numbers",
    (_typed("zero", (), "int"), _typed("inc", ("int",), "int"), _typed("dec", ("int",), "int")),
    atom_constants=False,
)

#: The list primitives without atom constants: for tasks whose outputs only rearrange the
#: input's own data (PCFG SET), where naming seen atoms only multiplies the search space.
SEQUENCES = Library("sequences", LISTS.primitives, atom_constants=False)

LIBRARIES: dict[str, Library] = {lib.name: lib for lib in (LISTS, NUMBERS, SEQUENCES)}
