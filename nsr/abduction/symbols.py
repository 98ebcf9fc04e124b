"""Perception revision: change one node's symbol so that the tree outputs its target.

NSR's abduction may blame perception instead of semantics: when the programs are right but an
input segment was seen as the wrong symbol (a "1" read as a "7"), the cheapest fix is to relabel
that one segment. Candidates are ranked by how much probability the change costs under the
perception (``log p(current) - log p(new)``), so the revision the perception finds most
plausible is tried first. The abduced symbols then become perception's training labels *per
segment* (per image), not per token type.

Only symbols that already have a program are proposed: relabelling a segment to a symbol with
no meaning yet cannot be checked against the target. And a segment read as a symbol that is new
in this stage and has no program yet is left as it is (``settling``): it is a meaning still to
learn, not a misreading. Why: a bracket image whose parent ignores its value is "fixed" by any
relabelling, and before its own class got a program its images drifted into another symbol's
class (HINT images: ``)`` into the class of ``/``). A symbol from an earlier stage that still
has no program is fair game: it is a stray class, and relabelling is how its images go home.
"""

from __future__ import annotations

from collections.abc import Sequence

from nsr.model.execute import execute
from nsr.model.model import NsrModel, Parse
from nsr.semantics.ast import Value
from nsr.syntax.tree import Tree


def symbol_revisions(model: NsrModel, wrong: Sequence[tuple[Parse, Value]], *,
                     top: int = 3, max_trials: int = 24, only_top: bool = False,
                     settling: frozenset[int] = frozenset()
                     ) -> list[tuple[tuple[str, ...], tuple[int, ...], Tree]]:
    """For each wrong (parse, target), the cheapest single-symbol change that makes the root
    equal the target under the current programs: ``(tokens, symbols, tree)`` per example fixed.

    At least ``top`` alternatives per node (more on short inputs, unless ``only_top``), at most
    ``max_trials`` executions per example. When the new symbol's arity differs from the old
    one the tree is re-parsed greedily.

    ``only_top``: a node may only become one of the ``top`` symbols perception finds most
    probable for it besides its own. Why: where a node's value does not matter (a bracket its
    parent ignores), every symbol with a program "fixes" the example, and without this a
    bracket image would be relabelled as whichever digit happens to be tried first; limited to
    look-alikes, relabelling repairs stray images of a cluster instead of scattering them.

    ``settling``: symbols first read in the current stage; a node read as one of them that has
    no program yet is not relabelled (see the module's docstring).
    """
    items = [(p, t) for p, t in wrong if p.tokens]
    if not items or not model.programs:
        return []
    flat = [tok for p, _ in items for tok in p.tokens]
    logps = model.perception.log_probs(flat)
    known = sorted(model.programs)
    out = []
    at = 0
    for parse, target in items:
        rows = logps[at:at + len(parse.tokens)]
        at += len(parse.tokens)
        fixed = _revise_one(model, parse, target, rows, known, top, max_trials, only_top,
                            settling)
        if fixed is not None:
            out.append(fixed)
    return out


def _revise_one(model: NsrModel, parse: Parse, target: Value, rows: list[list[float]],
                known: list[int], top: int, max_trials: int, only_top: bool = False,
                settling: frozenset[int] = frozenset()):
    symbols = parse.symbols
    trials = []
    # short inputs can afford every alternative; long ones only the most plausible per node
    per_node = top if only_top else max(top, max_trials // len(symbols))
    for i, row in enumerate(rows):
        if symbols[i] in settling and symbols[i] not in model.programs:
            continue
        current = row[symbols[i]]
        alts = sorted((s for s in known if s != symbols[i]), key=lambda s: -row[s])[:per_node]
        trials += [(current - row[s], i, s) for s in alts]
    trials.sort()
    for _, i, s in trials[:max_trials]:
        new = symbols[:i] + (s,) + symbols[i + 1:]
        tree = parse.tree
        if tree is None or model.arities(new)[i] != len(tree.children[i]):
            (tree,) = model.parser.parse_greedy([(new, model.arities(new))])
            if tree is None:
                continue
        if execute(tree, new, model.programs)[tree.root] == target:
            return parse.tokens, new, tree
    return None
