"""Push-down through a program's inverse by running its compiled Prolog relation backwards.

The default inverse (:func:`nsr.abduction.revise.inverse_candidates`) generates candidate
values and tests them forwards in Python. Programs built from relational primitives (append,
cons, car/cdr, reverse, singleton, inc/dec) can instead be run backwards in SWI-Prolog, which
enumerates exactly the child values that give the target, with no candidate list to guess.
``PrologInverse`` does that for one set of programs; pass it to
:func:`nsr.abduction.revise.revisions` as ``inverse=``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nsr.semantics import ast
from nsr.semantics.ast import Value


class PrologInverse:
    """Child values that make ``symbol``'s program output a target, from SWI-Prolog."""

    def __init__(self, programs: Mapping[int, ast.Program], names: Sequence[str]) -> None:
        from nsr.semantics.runtime import PrologPrograms

        self.names = tuple(names)
        self._programs = PrologPrograms({self.names[s]: p for s, p in programs.items()})

    def __call__(self, symbol: int, args: Sequence[Value | None], j: int, target: Value,
                 limit: int) -> list[Value]:
        from nsr.semantics.errors import EvaluationError

        known = {i: a for i, a in enumerate(args) if i != j}
        if any(a is None for a in known.values()):
            return []
        try:
            solutions = self._programs.run_backwards(self.names[symbol], target, known=known,
                                                     max_solutions=limit + 1)
        except EvaluationError:
            return []
        out: list[Value] = []
        for sol in solutions:
            if sol[j] != args[j] and sol[j] not in out:
                out.append(sol[j])
        return out[:limit]

    def close(self) -> None:
        self._programs.close()

    def __enter__(self) -> PrologInverse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
