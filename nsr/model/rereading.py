"""Second readings: when an input's most probable reading has no tree that answers, the next
most probable readings whose symbols could make one.

Why: perception reads each segment on its own. One misread image (a ``/`` read as a ``1``)
leaves a sequence that no tree spans (three leaves and no operator), and the input gets no
answer at all, whatever the programs know. The programs know each symbol's arity, and a tree
over n nodes, each with as many children as its program has parameters, needs arities that sum
to n - 1. So the cheapest repairs are readings that change one segment to a symbol that makes
the sum right, ranked by how much less probable perception finds them.

Only an input that got no answer is re-read (see :meth:`nsr.model.model.NsrModel.run`), so an
answer is never changed, only given where there was none. Training never re-reads: there the
target judges readings (abduction).
"""

from __future__ import annotations

from collections.abc import Sequence

#: Readings tried per input that got no answer, at most (each costs one parse).
MAX_READINGS = 8


def second_readings(symbols: Sequence[int], log_probs: Sequence[Sequence[float]],
                    arity: Sequence[int], limit: int = MAX_READINGS
                    ) -> list[tuple[int, ...]]:
    """Readings of ``symbols`` that change one segment so a tree can span them, most probable
    first (at most ``limit``).

    ``log_probs[j][s]``: log p(symbol s | segment j). ``arity[s]``: the parameters of symbol
    s's program, negative when it has none (such a symbol cannot be in a tree). A reading
    qualifies when every symbol has an arity and the arities sum to ``len(symbols) - 1``.
    """
    if len(symbols) != len(log_probs):
        raise ValueError("one row of log-probabilities per symbol is needed")
    n = len(symbols)
    arities = [arity[s] for s in symbols]
    missing = [j for j, a in enumerate(arities) if a < 0]
    if len(missing) > 1:
        return []  # one change cannot give two symbols a program
    total = sum(a for a in arities if a >= 0)
    ranked: list[tuple[float, int, int]] = []
    for j, row in enumerate(log_probs):
        if missing and missing != [j]:
            continue
        rest = total - max(arities[j], 0)
        for s, lp in enumerate(row):
            if s == symbols[j]:
                continue
            a = arity[s]
            if a >= 0 and rest + a == n - 1:
                ranked.append((row[symbols[j]] - lp, j, s))
    ranked.sort()
    out = []
    for _, j, s in ranked[:limit]:
        reading = list(symbols)
        reading[j] = s
        out.append(tuple(reading))
    return out
