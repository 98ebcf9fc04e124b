"""Actions of one shape read once: a grounded domain's hundreds of look-alike actions.

Why: domains compiled from other formalisms (petri-net-alignment, quantum-layout) declare
hundreds of parameterless actions that differ only in the names they mention, and a plan uses
hundreds of them; reading each one's lists into getters (:mod:`~nsr.backends.pddl.direct`)
costs tens of microseconds, most of it the same work again. Here an action's text is reduced
to its *shape*: its tokens (parentheses included, blanks ignored) with every name (predicate,
constant, type) replaced by the order of its first appearance (keywords, variables, numbers
and atoms without arguments count as themselves); a shape seen before skips even reading the
action's lists. Two actions of one shape
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
from itertools import count
from typing import Any

__all__ = ["ShapeCache"]

# tokens with a meaning of their own: a shape keeps them as they are
_KEPT = frozenset((
    "and", "or", "not", "imply", "exists", "forall", "when", "=", "-", "either", "increase",
    "decrease", "assign", "scale-up", "scale-down", "total-cost", "+", "*", "/",
))
_VERBATIM_START = frozenset("?:0123456789.")  # variables, keywords, numbers
SHAPES_KEPT = 4096  # shapes a domain keeps (a domain of unlike actions stops caching there)

Shape = tuple[int, ...]


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
        self._shapes: dict[Shape, tuple[Any, ...]] = {}
        self._signatures: dict[str, Any] = {}

        def signature(name: str) -> Any:
            # kept as itself: a keyword, variable or number, and an atom without arguments
            # (its getter holds the atom itself)
            if name[0] in _VERBATIM_START or name in _KEPT or arities.get(name) == 0:
                return name
            return (name in types, arities.get(name), name in derived, name in constants,
                    functions.get(name))

        self._signature: Callable[[str], Any] = signature

    @staticmethod
    def key(text: str) -> tuple[Shape, list[str], str] | None:
        """(shape, names in order, action name) of an ``(:action ...)`` text, or None for a
        text this does not cut (comments, quotes).

        The shape is the text's tokens after the action's name (parentheses included, cut by
        string methods at C speed) with every token replaced by the order of its first
        appearance: two actions that differ only in the names they use (or in their blanks)
        have one shape."""
        if ";" in text or '"' in text or "\\" in text:
            return None
        tokens = text.lower().replace("(", " ( ").replace(")", " ) ").split()
        if len(tokens) < 4 or tokens[1] != ":action" or tokens[0] != "(":
            return None
        # each token's id: where it first appears (the same pattern of equal tokens gives the
        # same ids), found by C calls only
        index = {"(": -1, ")": -2}
        ids = tuple(map(index.setdefault, tokens[3:], count()))
        names = list(index)
        del names[:2]  # the parentheses
        return ids, names, tokens[2]

    def _signed(self, names: list[str]) -> tuple[Any, ...]:
        known = self._signatures
        out = []
        for name in names:
            sig = known.get(name)
            if sig is None:
                sig = known[name] = self._signature(name)
            out.append(sig)
        return tuple(out)

    def find(self, shape: Shape, names: list[str]) -> tuple[Any, ...] | None:
        """The parts stored for ``shape`` if ``names`` fit them (same signatures), else None."""
        hit = self._shapes.get(shape)
        if hit is None or hit[0] != self._signed(names):
            return None
        return hit[1]

    def store(self, shape: Shape, names: list[str], parts: tuple[Any, ...]) -> None:
        """Keep ``parts`` (read from an action whose names are ``names``) for ``shape``."""
        if len(self._shapes) < SHAPES_KEPT:
            self._shapes[shape] = (self._signed(names), parts)
