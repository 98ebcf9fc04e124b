"""Tree hypotheses for abduction (syntax revisions).

Short inputs get every tree that respects the known arities (and projectivity, when the
parser builds projective trees only) (exhaustive syntax abduction: cheap
below five tokens, and it is where new symbols are first explained). Longer inputs get the
parser's beam plus trees sampled transition by transition, which is how the parser's own
uncertainty proposes revisions during training.

A longer input that holds a symbol of unknown arity is where the parser knows least (it has
never built a tree with that symbol): with a projective parser it may get every projective tree
that respects the known arities, when they are few (``enumerate_new``). HINT's first bracketed
expressions (`( 3 + 4 ) * 2`: 20 such trees) are 7 tokens long, past exhaustive enumeration,
and the beam of an untrained parser rarely offers the tree in which `(` spans the bracket.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from nsr.syntax.parser import Parser
from nsr.syntax.tree import TooManyTrees, Tree, enumerate_trees, projective_trees


def candidate_trees(parser: Parser, symbols: Sequence[int], arities: Sequence[int], *,
                    enumerate_up_to: int, beam: int, samples: int,
                    rng: random.Random, enumerate_new: int = 0) -> list[Tree]:
    """Distinct tree hypotheses, most plausible first where the parser can say.

    ``enumerate_new``: see the module docstring (0: never).
    """
    n = len(symbols)
    known = {i: a for i, a in enumerate(arities) if a >= 0}
    if n <= enumerate_up_to:
        if parser.cfg.projective:
            trees = projective_trees(n, known, limit=n ** max(n - 1, 1))
        else:
            trees = list(enumerate_trees(n, known))
        trees.sort(key=lambda t: (t.crossing_arcs(), t.heads))
        return trees
    if enumerate_new and parser.cfg.projective and len(known) < n:
        try:
            trees = projective_trees(n, known, limit=enumerate_new)
        except TooManyTrees:
            pass
        else:
            trees.sort(key=lambda t: t.heads)
            return trees
    out: dict[tuple[int, ...], Tree] = {}
    for tree, _ in parser.parse_beam(symbols, arities, width=beam):
        out.setdefault(tree.heads, tree)
    for _ in range(samples):
        tree = parser.sample(symbols, arities, rng)
        if tree is not None:
            out.setdefault(tree.heads, tree)
    return list(out.values())
