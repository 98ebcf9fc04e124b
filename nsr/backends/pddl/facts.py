"""The true atoms of a changing state, grouped by predicate and keyed by argument positions.

Why: joins (quantified conditions, derived rules, ``forall`` effects) look facts up by
predicate and by some of their arguments. Building those indexes from the whole state costs as
much as the state is big, and most of a state (the static facts) never changes; so a plan's
validation keeps one index and updates it with each step's deletes and adds (a few atoms)
instead of rebuilding it for every state. Nothing is built until a join first asks.

Across the plans of one problem, the index of the initial state is kept (a ``base``): a plan's
index borrows its sets and tables and copies those of a predicate only when the plan changes
that predicate, so static facts are indexed once per problem, not once per plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Set

from nsr.backends.pddl.formulas import GroundAtom

__all__ = ["FactIndex"]

Args = tuple[str, ...]
Table = dict[Args, set[Args]]
_NONE: frozenset[Args] = frozenset()


class FactIndex:
    """Indexes over ``state`` (a set this object then changes through :meth:`add`/:meth:`discard`).

    ``base`` indexes the facts ``state`` started from and is never changed (a problem's initial
    state); its structures are shared until a predicate changes (copy on write).
    """

    __slots__ = ("state", "_base", "_by_pred", "_tables", "_keyed", "_borrowed")

    def __init__(self, state: Set[GroundAtom], base: FactIndex | None = None) -> None:
        self.state = state
        self._base = base
        self._by_pred: dict[str, set[Args]] | None = None
        # predicate -> [(positions, key of those positions -> facts)]
        self._tables: dict[str, list[tuple[tuple[int, ...], Table]]] = {}
        # (predicate, positions) -> the same tables, for the look-up a join makes per call
        self._keyed: dict[tuple[str, tuple[int, ...]], Table] = {}
        self._borrowed: set[str] = set()  # predicates whose structures belong to the base

    def _build(self) -> dict[str, set[Args]]:
        base = self._base
        if base is None:
            by_pred: dict[str, set[Args]] = {}
            for atom in self.state:
                found = by_pred.get(atom[0])
                if found is None:
                    found = by_pred[atom[0]] = set()
                found.add(atom[1:])
            self._by_pred = by_pred
            return by_pred
        base.facts("")  # builds the base once
        assert base._by_pred is not None
        self._by_pred = dict(base._by_pred)
        self._tables = {p: list(ts) for p, ts in base._tables.items()}
        self._keyed = dict(base._keyed)
        self._borrowed = set(self._by_pred) | set(self._tables)
        for atom in self.state.symmetric_difference(base.state):  # the plan's changes so far
            if atom in self.state:
                self._insert(atom)
            else:
                self._remove(atom)
        return self._by_pred

    def facts(self, predicate: str) -> set[Args] | frozenset[Args]:
        """Argument tuples of the true atoms of ``predicate`` (do not change the result)."""
        by_pred = self._by_pred
        if by_pred is None:
            by_pred = self._build()
        return by_pred.get(predicate, _NONE)

    def table(self, predicate: str, positions: tuple[int, ...]) -> Table:
        """The facts of ``predicate`` keyed by their arguments at ``positions``."""
        found = self._keyed.get((predicate, positions))
        if found is not None:
            return found
        if self._by_pred is None:  # first build (it borrows the base's tables), then look again
            self._build()
            found = self._keyed.get((predicate, positions))
            if found is not None:
                return found
        table = {}
        for args in self.facts(predicate):
            key = tuple([args[i] for i in positions])
            found = table.get(key)
            if found is None:
                found = table[key] = set()
            found.add(args)
        self._tables.setdefault(predicate, []).append((positions, table))
        self._keyed[(predicate, positions)] = table
        base = self._base
        if base is not None and (predicate in self._borrowed or predicate not in self._by_pred):
            # unchanged since the initial state: later plans of the problem can use it too
            self._borrowed.add(predicate)
            base._tables.setdefault(predicate, []).append((positions, table))
            base._keyed[(predicate, positions)] = table
        return table

    def change(self, gone: Iterable[GroundAtom], come: Iterable[GroundAtom]) -> None:
        """Make ``gone`` false, then ``come`` true (a step's deletes and adds, or an undo's):
        on the state alone until a join has asked for an index, through the indexes after
        (one call per step rather than one per atom)."""
        state = self.state
        if self._by_pred is None:
            state.difference_update(gone)  # type: ignore[attr-defined]
            state.update(come)  # type: ignore[attr-defined]
            return
        for atom in gone:
            if atom in state:
                state.discard(atom)  # type: ignore[attr-defined]
                self._remove(atom)
        for atom in come:
            if atom not in state:
                state.add(atom)  # type: ignore[attr-defined]
                self._insert(atom)

    def add(self, atom: GroundAtom) -> None:
        """Make ``atom`` true (state and indexes)."""
        self.change((), (atom,))

    def discard(self, atom: GroundAtom) -> None:
        """Make ``atom`` false (state and indexes)."""
        self.change((atom,), ())

    def _own(self, predicate: str) -> None:
        """Copy the base's structures of ``predicate`` before this index changes them."""
        self._borrowed.discard(predicate)
        assert self._by_pred is not None
        found = self._by_pred.get(predicate)
        if found is not None:
            self._by_pred[predicate] = set(found)
        tables = self._tables.get(predicate)
        if tables:
            owned = [(pos, {k: set(v) for k, v in table.items()}) for pos, table in tables]
            self._tables[predicate] = owned
            for pos, table in owned:
                self._keyed[(predicate, pos)] = table

    def _insert(self, atom: GroundAtom) -> None:
        pred = atom[0]
        if pred in self._borrowed:
            self._own(pred)
        args = atom[1:]
        assert self._by_pred is not None
        found = self._by_pred.get(pred)
        if found is None:
            found = self._by_pred[pred] = set()
        found.add(args)
        for positions, table in self._tables.get(pred, ()):
            key = tuple([args[i] for i in positions])
            row = table.get(key)
            if row is None:
                row = table[key] = set()
            row.add(args)

    def _remove(self, atom: GroundAtom) -> None:
        pred = atom[0]
        if pred in self._borrowed:
            self._own(pred)
        args = atom[1:]
        assert self._by_pred is not None
        self._by_pred[pred].discard(args)
        for positions, table in self._tables.get(pred, ()):
            table[tuple([args[i] for i in positions])].discard(args)
