"""Tree execution: every node's value, bottom-up, from the symbols' programs.

Deduction (the model run forwards), abduction (a wrong tree revised top-down) and program
selection all run trees the same way; this module is that one way, and it imports no torch,
so abduction can use it without pulling in the neural parts of the model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from nsr.semantics import ast
from nsr.semantics.ast import Value
from nsr.semantics.errors import EvaluationError
from nsr.semantics.evaluate import compile_program
from nsr.semantics.liveness import unused_parameters
from nsr.syntax.tree import Tree


@lru_cache(maxsize=1 << 18)
def apply_memo(program: ast.Program, args: tuple[Value, ...]) -> Value | None:
    """``program(args)``, remembered (None: it fails). Programs are pure, so abduction that
    runs recursive programs over small values again and again (HINT's ``*`` as repeated
    ``inc``) pays for each application once per process."""
    try:
        return compile_program(program)(args)
    except EvaluationError:
        return None


def execute(
    tree: Tree,
    symbols: Sequence[int],
    programs: Mapping[int, ast.Program],
    overrides: Mapping[int, Value] | None = None,
    given: Mapping[int, Value] | None = None,
    memo: bool = False,
) -> tuple[Value | None, ...]:
    """Every node's value, bottom-up; ``overrides`` forces some nodes' values (abduction).

    ``given`` holds the values the input supplies (open-class segments): such a node takes its
    value from the input when it is a leaf. A node whose symbol has no program, whose arity
    disagrees, or whose program fails gets None, and so does every ancestor of it.
    ``memo``: applications go through :func:`apply_memo` (same values, remembered).
    """
    overrides = overrides or {}
    given = given or {}
    values: list[Value | None] = [None] * len(tree)
    for node in tree.postorder():
        if node in overrides:
            values[node] = overrides[node]
            continue
        if node in given:
            values[node] = given[node] if not tree.children[node] else None
            continue
        prog = programs.get(symbols[node])
        kids = tree.children[node]
        if prog is None or prog.arity != len(kids):
            continue
        args = tuple(values[k] for k in kids)
        if any(a is None for a in args):
            continue
        if memo:
            values[node] = apply_memo(prog, args)
            continue
        try:
            values[node] = compile_program(prog)(args)
        except EvaluationError:
            values[node] = None
    return tuple(values)


def hides_computation(tree: Tree, symbols: Sequence[int],
                      programs: Mapping[int, ast.Program]) -> bool:
    """True when a node with children sits in an argument slot its parent's program ignores.

    Such a tree computes part of the input and throws the result away, so it gets an output
    right without that part mattering: a model with ``live_trees`` does not answer with it
    while the beam has another tree that runs (see :mod:`nsr.semantics.liveness`).
    """
    for node, kids in enumerate(tree.children):
        prog = programs.get(symbols[node])
        if prog is None or prog.arity != len(kids):
            continue
        dead = unused_parameters(prog)
        if dead and any(tree.children[kids[j]] for j in dead):
            return True
    return False

