"""The primitive registry: what programs may call, typed so that a learner can enumerate.

Each :class:`Primitive` carries its Python implementation (used by the evaluator), the name of
the Prolog relation implementing it (in ``library/<library>.pl``, first ``arity`` arguments are
the inputs, the last is the output; predicates have no output), and whether that relation also
runs backwards (given the output, it enumerates the inputs, finitely).

Libraries: ``lists`` (SCAN, PCFG), ``numbers`` (HINT) and ``core`` (equality and connectives,
always available). There is deliberately no ``+ - * /``: HINT's operators must be *learned* by
recursion from ``zero``/``inc``/``dec``/``is_zero`` (and, once learned, are called as symbols).

Values: int, atom (Python str), list (Python tuple). Booleans occur only in conditions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from nsr.semantics.errors import BudgetExceeded, EvaluationError, ProgramError

# Lists longer than this abort evaluation: a doubling recursion would otherwise eat memory.
MAX_LIST_LENGTH = 100_000


class Type(StrEnum):
    """Value types for typed enumeration. ``ANY`` is any non-boolean value."""

    INT = "int"
    ATOM = "atom"
    LIST = "list"
    BOOL = "bool"
    ANY = "any"

    def accepts(self, other: Type) -> bool:
        """Can a value of static type ``other`` stand where ``self`` is expected?"""
        if self is other:
            return True
        if Type.BOOL in (self, other):
            return False
        return Type.ANY in (self, other)


@dataclass(frozen=True, slots=True)
class Primitive:
    """One primitive: signature, Python implementation, Prolog relation, direction."""

    name: str
    arg_types: tuple[Type, ...]
    result: Type
    python: Callable[..., object]
    prolog: str
    backwards: bool
    library: str
    doc: str

    @property
    def arity(self) -> int:
        return len(self.arg_types)

    @property
    def is_predicate(self) -> bool:
        return self.result is Type.BOOL


def _fail(name: str, *args: object) -> EvaluationError:
    shown = ", ".join(repr(a) for a in args)
    return EvaluationError(f"{name}({shown}) is undefined")


def _list(name: str, xs: object) -> tuple:
    if type(xs) is not tuple:
        raise _fail(name, xs)
    return xs


def _int(name: str, n: object) -> int:
    if type(n) is not int:
        raise _fail(name, n)
    return n


def _value(name: str, x: object) -> object:
    if type(x) not in (int, str, tuple):
        raise _fail(name, x)
    return x


def _empty() -> tuple:
    return ()


def _cons(x: object, xs: object) -> tuple:
    return (_value("cons", x),) + _list("cons", xs)


def _car(xs: object) -> object:
    if type(xs) is not tuple or not xs:
        raise _fail("car", xs)
    return xs[0]


def _cdr(xs: object) -> tuple:
    if type(xs) is not tuple or not xs:
        raise _fail("cdr", xs)
    return xs[1:]


def _singleton(x: object) -> tuple:
    return (_value("singleton", x),)


def _append(xs: object, ys: object) -> tuple:
    a, b = _list("append", xs), _list("append", ys)
    if len(a) + len(b) > MAX_LIST_LENGTH:
        raise BudgetExceeded(f"append would build a list longer than {MAX_LIST_LENGTH}")
    return a + b


def _reverse(xs: object) -> tuple:
    return _list("reverse", xs)[::-1]


def _last(xs: object) -> object:
    if type(xs) is not tuple or not xs:
        raise _fail("last", xs)
    return xs[-1]


def _init(xs: object) -> tuple:
    if type(xs) is not tuple or not xs:
        raise _fail("init", xs)
    return xs[:-1]


def _length(xs: object) -> int:
    return len(_list("length", xs))


def _is_empty(xs: object) -> bool:
    return xs == ()


def _zero() -> int:
    return 0


def _inc(n: object) -> int:
    return _int("inc", n) + 1


def _dec(n: object) -> int:
    v = _int("dec", n)
    return v - 1 if v > 0 else 0


def _is_zero(n: object) -> bool:
    return n == 0 and type(n) is int


def _lt(a: object, b: object) -> bool:
    return _int("lt", a) < _int("lt", b)


def _eq(a: object, b: object) -> bool:
    return a == b


def _not(a: bool) -> bool:
    return not a


def _and(a: bool, b: bool) -> bool:
    return a and b


def _or(a: bool, b: bool) -> bool:
    return a or b


N, L, B, X = Type.INT, Type.LIST, Type.BOOL, Type.ANY

_ALL = (
    # lists
    Primitive("empty", (), L, _empty, "prim_empty", True, "lists", "the empty list []"),
    Primitive("cons", (X, L), L, _cons, "prim_cons", True, "lists", "x prepended to xs"),
    Primitive("car", (L,), X, _car, "prim_car", True, "lists", "first element (none for [])"),
    Primitive("cdr", (L,), L, _cdr, "prim_cdr", True, "lists", "all but the first (none for [])"),
    Primitive("singleton", (X,), L, _singleton, "prim_singleton", True, "lists", "[x]"),
    Primitive("append", (L, L), L, _append, "prim_append", True, "lists", "xs followed by ys"),
    Primitive("reverse", (L,), L, _reverse, "prim_reverse", True, "lists", "xs reversed"),
    Primitive("last", (L,), X, _last, "prim_last", False, "lists", "last element (none for [])"),
    Primitive("init", (L,), L, _init, "prim_init", False, "lists", "all but the last"),
    Primitive("length", (L,), N, _length, "prim_length", False, "lists", "number of elements"),
    Primitive("is_empty", (L,), B, _is_empty, "prim_is_empty", True, "lists", "xs == []"),
    # numbers
    Primitive("zero", (), N, _zero, "prim_zero", True, "numbers", "the integer 0"),
    Primitive("inc", (N,), N, _inc, "prim_inc", True, "numbers", "n + 1"),
    Primitive("dec", (N,), N, _dec, "prim_dec", True, "numbers", "max(0, n - 1)"),
    Primitive("is_zero", (N,), B, _is_zero, "prim_is_zero", True, "numbers", "n == 0"),
    Primitive("lt", (N, N), B, _lt, "prim_lt", False, "numbers", "a < b"),
    # core
    Primitive("eq", (X, X), B, _eq, "prim_eq", True, "core", "a == b (structural)"),
    Primitive("not", (B,), B, _not, "\\+", False, "core", "negation of a condition"),
    Primitive("and", (B, B), B, _and, ",", False, "core", "both conditions (both evaluated)"),
    Primitive("or", (B, B), B, _or, ";", False, "core", "either condition (both evaluated)"),
)

#: Every primitive by name (read-only).
PRIMITIVES: Mapping[str, Primitive] = MappingProxyType({p.name: p for p in _ALL})

#: Library names; ``core`` is implied by the others.
LIBRARIES: tuple[str, ...] = ("core", "lists", "numbers")

#: Connectives compiled inline into Prolog control constructs rather than called.
CONNECTIVES: frozenset[str] = frozenset({"not", "and", "or"})


def primitive(name: str) -> Primitive:
    """The primitive called ``name``; :class:`ProgramError` naming the known ones otherwise."""
    try:
        return PRIMITIVES[name]
    except KeyError:
        raise ProgramError(
            f"unknown primitive {name!r}; known: {', '.join(sorted(PRIMITIVES))}"
        ) from None


def primitives(libraries: Iterable[str] = LIBRARIES) -> tuple[Primitive, ...]:
    """The primitives of ``libraries`` (plus ``core``), in registry order, for enumeration."""
    wanted = set(libraries) | {"core"}
    unknown = wanted - set(LIBRARIES)
    if unknown:
        raise ProgramError(f"unknown primitive libraries {sorted(unknown)}; known: {LIBRARIES}")
    return tuple(p for p in _ALL if p.library in wanted)


def by_result(result: Type, libraries: Iterable[str] = LIBRARIES) -> tuple[Primitive, ...]:
    """Primitives whose result can stand where ``result`` is expected (typed enumeration)."""
    return tuple(p for p in primitives(libraries) if result.accepts(p.result))
