"""Actions of one shape read once: a grounded domain's hundreds of look-alike actions.

Why: domains compiled from other formalisms (petri-net-alignment, quantum-layout) declare
hundreds of parameterless actions that differ only in the names they mention, and a plan uses
hundreds of them; reading each one's lists into getters (:mod:`~nsr.backends.pddl.direct`)
costs tens of microseconds, most of it the same work again. Here an action's lists are reduced
to their *shape*: the same lists with every name (predicate, constant, type) replaced by the
order of its first appearance, keywords, variables, numbers and atoms without arguments kept. Two actions of one shape
compile to the same getters and differ only in the symbols the getters read (``vals = args +
symbols``), so the compiled parts of the first are reused with the second's names.

Reuse must not skip a check the direct reader would have made on the new names: the outcome of
every check there depends on a name only through what the domain says of it (a type? a
predicate of which arity? derived? a constant? a function of which arity?). So a shape keeps,
per name position, that *signature* of the name it was built from, and a new action of the
shape is accepted only when each of its names has the same signature; else it is read the
usual way (which accepts it or names what is wrong).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["ShapeCache"]

# tokens with a meaning of their own: kept as they are in a shape
_KEPT = frozenset((
    ":parameters", ":precondition", ":effect", "and", "or", "not", "imply", "exists", "forall",
    "when", "=", "-", "either", "increase", "decrease", "assign", "scale-up", "scale-down",
    "total-cost", "+", "*", "/",
))
_NUMERIC = frozenset("0123456789.")
SHAPES_KEPT = 4096  # shapes a domain keeps (a domain of unlike actions stops caching there)


def _shape(node: list[Any], names: list[str], index: dict[str, int], out: list[Any]) -> bool:
    """Append ``node``'s shape to ``out`` (names numbered in ``index``/``names``); False when
    the lists hold something else than strings and lists."""
    out.append("(")
    for item in node:
        cls = item.__class__
        if cls is list:
            if len(item) == 1 and item[0].__class__ is str:
                # an atom without arguments: its getter holds the atom itself, so its name
                # is part of the shape
                out.append(("(", item[0]))
            elif not _shape(item, names, index, out):
                return False
        elif cls is not str or not item:
            return False
        elif item in _KEPT or item[0] == "?" or item[0] in _NUMERIC:
            out.append(item)
        else:
            found = index.get(item)
            if found is None:
                found = index[item] = len(names)
                names.append(item)
            out.append(found)
    out.append(")")
    return True


class ShapeCache:
    """Compiled parts of a domain's actions, per shape (see the module docstring)."""

    __slots__ = ("_shapes", "_signature", "_signatures")

    def __init__(
        self,
        types: Mapping[str, Any],
        arities: Mapping[str, int],
        derived: frozenset[str],
        constants: Mapping[str, Any],
        functions: Mapping[str, int],
    ) -> None:
        self._shapes: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._signatures: dict[str, tuple[Any, ...]] = {}

        def signature(name: str) -> tuple[Any, ...]:
            return (name in types, arities.get(name), name in derived, name in constants,
                    functions.get(name))

        self._signature: Callable[[str], tuple[Any, ...]] = signature

    def key(self, sec: list[Any]) -> tuple[tuple[Any, ...], list[str]] | None:
        """(shape, names in order) of an action's lists (name and keyword left out), or None."""
        names: list[str] = []
        out: list[Any] = []
        if not _shape(sec[2:], names, {}, out):
            return None
        return tuple(out), names

    def _signed(self, names: list[str]) -> tuple[tuple[Any, ...], ...]:
        known = self._signatures
        out = []
        for name in names:
            sig = known.get(name)
            if sig is None:
                sig = known[name] = self._signature(name)
            out.append(sig)
        return tuple(out)

    def find(self, shape: tuple[Any, ...], names: list[str]) -> tuple[Any, ...] | None:
        """The parts stored for ``shape`` if ``names`` fit them (same signatures), else None."""
        hit = self._shapes.get(shape)
        if hit is None or hit[0] != self._signed(names):
            return None
        return hit[1]

    def store(self, shape: tuple[Any, ...], names: list[str], parts: tuple[Any, ...]) -> None:
        """Keep ``parts`` (read from an action whose names are ``names``) for ``shape``."""
        if len(self._shapes) < SHAPES_KEPT:
            self._shapes[shape] = (self._signed(names), parts)
