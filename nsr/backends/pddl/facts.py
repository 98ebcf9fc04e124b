"""The true atoms of a changing state, grouped by predicate and keyed by argument positions.

Why: joins (quantified conditions, derived rules, ``forall`` effects) look facts up by
predicate and by some of their arguments. Building those indexes from the whole state costs as
much as the state is big, and most of a state (the static facts) never changes; so a plan's
validation keeps one index and updates it with each step's deletes and adds (a few atoms)
instead of rebuilding it for every state. Nothing is built until a join first asks.
"""

from __future__ import annotations

from nsr.backends.pddl.formulas import GroundAtom

__all__ = ["FactIndex"]

Args = tuple[str, ...]
_NONE: frozenset[Args] = frozenset()


class FactIndex:
    """Indexes over ``state`` (a set this object then changes through :meth:`add`/:meth:`discard`)."""

    __slots__ = ("state", "_by_pred", "_tables")

    def __init__(self, state: set[GroundAtom]) -> None:
        self.state = state
        self._by_pred: dict[str, set[Args]] | None = None
        # predicate -> [(positions, key of those positions -> facts)]
        self._tables: dict[str, list[tuple[tuple[int, ...], dict[Args, set[Args]]]]] = {}

    @property
    def built(self) -> bool:
        """True once a join has asked: from then on every change must go through this index."""
        return self._by_pred is not None

    def facts(self, predicate: str) -> set[Args] | frozenset[Args]:
        """Argument tuples of the true atoms of ``predicate`` (do not change the result)."""
        by_pred = self._by_pred
        if by_pred is None:
            by_pred = {}
            for atom in self.state:
                found = by_pred.get(atom[0])
                if found is None:
                    found = by_pred[atom[0]] = set()
                found.add(atom[1:])
            self._by_pred = by_pred
        return by_pred.get(predicate, _NONE)

    def table(self, predicate: str, positions: tuple[int, ...]) -> dict[Args, set[Args]]:
        """The facts of ``predicate`` keyed by their arguments at ``positions``."""
        tables = self._tables.setdefault(predicate, [])
        for pos, table in tables:
            if pos == positions:
                return table
        table = {}
        for args in self.facts(predicate):
            key = tuple(args[i] for i in positions)
            found = table.get(key)
            if found is None:
                found = table[key] = set()
            found.add(args)
        tables.append((positions, table))
        return table

    def add(self, atom: GroundAtom) -> None:
        """Make ``atom`` true (state and indexes)."""
        if atom in self.state:
            return
        self.state.add(atom)
        if self._by_pred is None:
            return
        args = atom[1:]
        found = self._by_pred.get(atom[0])
        if found is None:
            found = self._by_pred[atom[0]] = set()
        found.add(args)
        for positions, table in self._tables.get(atom[0], ()):
            key = tuple(args[i] for i in positions)
            row = table.get(key)
            if row is None:
                row = table[key] = set()
            row.add(args)

    def discard(self, atom: GroundAtom) -> None:
        """Make ``atom`` false (state and indexes)."""
        if atom not in self.state:
            return
        self.state.discard(atom)
        if self._by_pred is None:
            return
        args = atom[1:]
        self._by_pred[atom[0]].discard(args)
        for positions, table in self._tables.get(atom[0], ()):
            table[tuple(args[i] for i in positions)].discard(args)
