"""Before a stage: integer leaves nobody has seen alone get values (see
:mod:`nsr.abduction.leaf_values`).

Fires only where the rounds would get nothing: an integer-valued library, no function known
yet, and most of the stage's multi-symbol examples holding two or more symbols without a
program (abduction gives such an example no row). A run whose shortest examples show every
leaf alone never gets here: its next stage has one unknown per example (HINT's full training
file: digits alone, then ``a op b`` with only ``op`` new).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nsr.induction.library import LIBRARIES
from nsr.learning.config import LearnerConfig
from nsr.model.model import NsrModel
from nsr.semantics import ast
from nsr.tasks.base import Example


def needs_leaf_values(model: NsrModel, symbols: Sequence[tuple[int, ...]]) -> bool:
    """Whether the stage with these symbol sequences is one the rounds get nothing from."""
    if not _before_functions(model):
        return False
    multi = [syms for syms in symbols if len(syms) > 1]
    blind = sum(sum(s not in model.programs for s in set(syms)) >= 2 for syms in multi)
    return 2 * blind > len(multi)


def _before_functions(model: NsrModel) -> bool:
    """An integer-valued library and no program of arity > 0 yet: the only models whose
    stages can need leaf values."""
    return (LIBRARIES[model.library].value_type == "int"
            and all(p.arity == 0 for p in model.programs.values()))


def adopt_leaf_values(model: NsrModel, pool: Sequence[Example], config: LearnerConfig,
                      say: Callable[[str], None], seed: int = 0) -> dict[int, int]:
    """Give the stage's new integer leaves values (``lambda: v``) when the stage needs them
    (see :func:`needs_leaf_values`) and a world explains enough; returns what was adopted."""
    from nsr.abduction.leaf_values import (
        GOOD,
        flat_examples,
        roles,
        search_for_leaves,
        solve_leaves,
    )
    from nsr.abduction.lexicon import symbol_occurrences

    # checked before reading the pool: every stage after the first function skips the read
    if not pool or not _before_functions(model):
        return {}
    symbols = symbol_occurrences(model, [ex.source for ex in pool])
    if not needs_leaf_values(model, symbols):
        return {}
    known = {s: p.arity for s, p in model.programs.items()}
    found = roles(symbols, known)
    if found is None:
        return {}
    heads, leaves = found
    fixed = {s: v for s, p in model.programs.items()
             if p.arity == 0 and isinstance(v := _constant(p), int)}
    examples = [(syms, ex.target) for syms, ex in zip(symbols, pool, strict=True)
                if isinstance(ex.target, int)]
    flats = flat_examples(examples, heads, set(leaves) | set(fixed))
    leaves = [s for s in leaves if any(s in f.leaves for f in flats)]
    if not flats or not leaves:
        return {}
    names = model.symbol_names
    say(f"leaf values: {len(flats)} flat examples, heads "
        f"{', '.join(names[h] for h in sorted(heads))}, leaves "
        f"{', '.join(names[s] for s in leaves)}")
    solution = solve_leaves(flats, leaves, fixed, search_for_leaves(config.search_config()),
                            seed=seed, log=say)
    # values under which the heads' programs leave many examples unexplained are no evidence
    # (a short stage of a few examples can be fitted by junk programs over wrong values)
    if solution.explained < GOOD * solution.total:
        say(f"leaf values: best world explains {solution.explained}/{solution.total}: "
            "none adopted")
        return {}
    for s, v in sorted(solution.values.items()):
        model.programs[s] = ast.Program((), ast.Int(v))
        model.fits[s] = 1.0
    say("leaf values: " + ", ".join(f"{names[s]} := {v}" for s, v in
                                     sorted(solution.values.items())))
    return dict(solution.values)


def _constant(program: ast.Program) -> object:
    """The value of a nullary program (a leaf), None when it fails."""
    from nsr.model.execute import apply_memo

    return apply_memo(program, ())
