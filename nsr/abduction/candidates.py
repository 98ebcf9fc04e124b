"""Tree hypotheses for abduction (syntax revisions).

Short inputs get every tree that respects the known arities (and projectivity, when the
parser builds projective trees only) (exhaustive syntax abduction: cheap
below five tokens, and it is where new symbols are first explained). Longer inputs get the
parser's beam plus trees sampled transition by transition, which is how the parser's own
uncertainty proposes revisions during training.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from nsr.syntax.parser import Parser
from nsr.syntax.tree import Tree, enumerate_trees


def candidate_trees(parser: Parser, symbols: Sequence[int], arities: Sequence[int], *,
                    enumerate_up_to: int, beam: int, samples: int,
                    rng: random.Random) -> list[Tree]:
    """Distinct tree hypotheses, most plausible first where the parser can say."""
    n = len(symbols)
    if n <= enumerate_up_to:
        known = {i: a for i, a in enumerate(arities) if a >= 0}
        trees = [t for t in enumerate_trees(n, known)
                 if not parser.cfg.projective or t.is_projective()]
        trees.sort(key=lambda t: (t.crossing_arcs(), t.heads))
        return trees
    out: dict[tuple[int, ...], Tree] = {}
    for tree, _ in parser.parse_beam(symbols, arities, width=beam):
        out.setdefault(tree.heads, tree)
    for _ in range(samples):
        tree = parser.sample(symbols, arities, rng)
        if tree is not None:
            out.setdefault(tree.heads, tree)
    return list(out.values())
