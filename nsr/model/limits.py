"""Why an input got no answer: a resource limit hit, told apart from programs that do not apply.

Both engines bound every program application (the Python evaluator by steps and recursion
depth, SWI-Prolog by inferences and stack), so a learned recursive program on huge numbers
(HINT's ``*`` as repeated ``+`` on ``9 * 9 * 9 * 9 * 9 * 9``) stops with :class:`BudgetExceeded`
instead of running for hours. Deduction only records "no value" for such a node; this module
finds out afterwards, for the inputs that got no answer, whether a limit was the reason, so the
user is told that a limit was hit, not that the programs do not apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nsr.model.model import NsrModel, Parse
from nsr.semantics import ast
from nsr.semantics.errors import BudgetExceeded, EvaluationError
from nsr.semantics.evaluate import compile_program
from nsr.syntax.tree import Tree


def node_failure(
    tree: Tree,
    symbols: Sequence[int],
    programs: Mapping[int, ast.Program],
    values: Sequence[object | None],
    given: Mapping[int, object] | None = None,
) -> tuple[int, EvaluationError] | None:
    """The first node (in evaluation order) whose program raised on arguments that all have
    values, with the error it raised; None when the root has a value or the first failure is
    not a raising program (no program for the symbol, an arity mismatch, a non-leaf data node).

    ``values`` are those :func:`nsr.model.execute.execute` computed; only the failing node's
    program is run again.
    """
    given = given or {}
    for node in tree.postorder():
        if values[node] is not None:
            continue
        kids = tree.children[node]
        if any(values[k] is None for k in kids):
            continue  # a descendant failed first
        prog = programs.get(symbols[node])
        if node in given or prog is None or prog.arity != len(kids):
            return None
        try:
            compile_program(prog)(tuple(values[k] for k in kids))
        except EvaluationError as exc:
            return node, exc
        return None
    return None


def limit_hit(model: NsrModel, parse: Parse, engine: str = "python") -> BudgetExceeded | None:
    """A :class:`BudgetExceeded` saying which program hit which limit when ``parse`` got no
    answer because of a resource limit (in ``engine``: ``python`` or ``prolog``), else None."""
    if parse.tree is None:
        return None
    if engine == "prolog":
        from nsr.model.prolog_export import prolog_results

        (result,) = prolog_results(model, [parse])
        if isinstance(result, BudgetExceeded):
            return BudgetExceeded(
                f"resource limit hit: SWI-Prolog stopped a learned program at nsr's bound on one "
                f"program application ({result}); the input needs more computation than that "
                "bound allows"
            )
        return None
    failed = node_failure(parse.tree, parse.symbols, model.programs, parse.values, parse.given)
    if failed is None or not isinstance(failed[1], BudgetExceeded):
        return None
    node, exc = failed
    args = ", ".join(_short(parse.values[k]) for k in parse.tree.children[node])
    return BudgetExceeded(
        f"resource limit hit: the learned program of {model.symbol_names[parse.symbols[node]]!r} "
        f"on ({args}) was stopped by nsr's bound on one program application ({exc}); the "
        "input needs more computation than that bound allows"
    )


def _short(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
