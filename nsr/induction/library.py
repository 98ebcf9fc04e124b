"""The typed primitive libraries the program search enumerates over.

Two kinds of primitive, on purpose: :class:`nsr.semantics.primitives.Primitive` is the DSL's
own entry (Python implementation, Prolog relation, direction; what a program *means*), while
:class:`SearchPrimitive` here is what the *search* may apply: a DSL primitive under a finer
search type, or another symbol's learned program (which has no Prolog relation of its own).

Implementations come from the DSL's primitive registry (:mod:`nsr.semantics.primitives`), so a
found program means exactly what the evaluator and the compiled Prolog say it means. What this
module adds is a finer typing for enumeration: the registry types ``car`` as returning *any*
value, while the search splits lists of atoms from atoms, which keeps the space of well-typed
programs small. A task names its library ("lists" or "numbers"); nothing here knows about any
particular task.

Besides primitives a library says which *constructs* the search may use (all generic, each a
flag so a task pays only for what it needs): constants seen in the examples (atoms, integers),
conditionals ``if COND then A else B`` over the library's bool-typed primitives, and recursion
(a self-call of the program being induced). Learned programs of other symbols can be offered as
extra primitives (:func:`symbol_primitive`); they print as ``@symbol(...)`` calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from nsr.semantics import ast
from nsr.semantics.ast import Value
from nsr.semantics.primitives import PRIMITIVES


@dataclass(frozen=True)
class SearchPrimitive:
    """A typed function the search may apply: a DSL primitive or a learned program.

    ``symbol`` marks another symbol's program (printed ``@name(...)``) as opposed to a DSL
    primitive (printed ``name(...)``)."""

    name: str
    arg_types: tuple[str, ...]
    result_type: str
    fn: Callable[..., Value]
    symbol: bool = False
    #: Evaluation steps a learned program has spent (symbol primitives only): search charges
    #: them to its budget, so calling a slow recursion costs what it takes.
    meter: StepMeter | None = None
    #: The learned program itself (symbol primitives only), so a search can call it again
    #: under another step limit (see ``symbol_primitive``).
    program: ast.Program | None = None


class StepMeter:
    """A running count of evaluation steps."""

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps = 0


@dataclass(frozen=True)
class Library:
    """Primitives plus the constructs the search may build with them.

    ``atom_constants`` / ``int_constants``: atoms / integers seen in the examples may appear as
    literals (a digit's program is ``lambda: 7``, not seven ``inc`` around ``zero``).
    ``conditionals``: ``if`` over the bool-typed primitives. ``recursion``: a self-call of the
    program's own arity (verified by real evaluation, see :mod:`nsr.induction.search`).
    ``value_type``: the one type every value has, when there is one (numbers: int); only then
    can learned programs of other symbols be offered as typed primitives without inference.
    """

    name: str
    primitives: tuple[SearchPrimitive, ...]
    atom_constants: bool
    int_constants: bool = False
    conditionals: bool = False
    recursion: bool = False
    value_type: str | None = None


def _typed(name: str, arg_types: tuple[str, ...], result_type: str) -> SearchPrimitive:
    return SearchPrimitive(name, arg_types, result_type, PRIMITIVES[name].python)


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
        _typed("is_empty", ("list",), "bool"),
    ),
    atom_constants=True,
    conditionals=True,
)

NUMBERS = Library(
    "numbers",
    (
        _typed("zero", (), "int"),
        _typed("inc", ("int",), "int"),
        _typed("dec", ("int",), "int"),
        _typed("is_zero", ("int",), "bool"),
    ),
    atom_constants=False,
    int_constants=True,
    conditionals=True,
    recursion=True,
    value_type="int",
)

#: The list primitives without atom constants: for tasks whose outputs only rearrange the
#: input's own data (PCFG SET), where naming seen atoms only multiplies the search space.
SEQUENCES = Library("sequences", LISTS.primitives, atom_constants=False)

LIBRARIES: dict[str, Library] = {lib.name: lib for lib in (LISTS, NUMBERS, SEQUENCES)}


#: Step budget of one call of a learned program during search: a wrong recursive program must
#: cost a bounded time, not hang the search (exhausting it makes the value unknown).
SYMBOL_CALL_STEPS = 20_000


def symbol_primitive(
    name: str,
    program: ast.Program,
    library: Library,
    symbols: Mapping[str, ast.Program],
    max_steps: int = SYMBOL_CALL_STEPS,
) -> SearchPrimitive | None:
    """Another symbol's learned ``program`` as a search primitive, or None when the library has
    no single value type to give it (e.g. lists, where atoms and lists mix).

    ``symbols`` resolves the ``@symbol`` calls the program itself makes (``*`` calling ``+``);
    a call that takes more than ``max_steps`` evaluation steps has no value.
    """
    if library.value_type is None or program.arity == 0:
        return None
    from nsr.semantics.evaluate import compile_program

    run = compile_program(program)
    meter = StepMeter()

    # Programs are pure, so one evaluation per argument tuple is enough; the search calls the
    # same arguments over and over (every candidate over the same rows).
    @lru_cache(maxsize=65536)
    def call(*args: Value) -> Value | None:
        value, steps = run.counted(args, symbols, max_steps=max_steps)
        meter.steps += steps
        return value

    typ = library.value_type
    return SearchPrimitive(name, (typ,) * program.arity, typ, call, symbol=True, meter=meter,
                           program=program)
