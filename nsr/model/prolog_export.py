"""Learned programs as Prolog: run final trees in SWI-Prolog, and export a standalone file.

The learning loop executes trees with the fast Python evaluator; answers the user sees can be
computed by SWI-Prolog from the compiled programs instead (``engine="prolog"``), which is also
what ``nsr programs --prolog`` writes out: the primitive library plus one ``sym/3`` clause per
symbol and ``eval_tree/2``, loadable in a plain ``swipl``.
"""

from __future__ import annotations

from collections.abc import Sequence

from nsr.model.model import NsrModel, Parse
from nsr.semantics import ast
from nsr.semantics.ast import Value
from nsr.semantics.errors import EvaluationError, ProgramError

_HEADER = """\
% Programs learned by nsr (the Neural-Symbolic Recursive Machine), one sym/3 clause per symbol.
% Standalone: the primitive library is included below. Evaluate a parse tree with, e.g.
%   ?- eval_tree({example}, V).
% A tree too deep to write as one nested term goes flat, its nodes in postorder:
%   ?- eval_postfix([n(Symbol, NumberOfChildren), ...], V).
"""


def named_programs(model: NsrModel) -> dict[str, ast.Program]:
    """Symbol name -> program, for every symbol that has one."""
    return {model.symbol_names[s]: p for s, p in sorted(model.programs.items())}


def postfix(model: NsrModel, parse: Parse) -> list[tuple[str, int, Value | None]]:
    """The parse's tree as the Prolog runtime's postfix steps
    (:data:`nsr.semantics.runtime.Postfix`): its nodes in the order
    :func:`nsr.model.execute.execute` runs them, named by their symbols; a data leaf carries
    its value. The same tree, flat: parses of any depth."""
    tree = parse.tree
    steps: list[tuple[str, int, Value | None]] = []
    for node in tree.postorder():
        name = model.symbol_names[parse.symbols[node]]
        kids = tree.children[node]
        if node in parse.given and not kids:
            steps.append((name, 0, parse.given[node]))
        else:
            steps.append((name, len(kids), None))
    return steps


def tree_term(model: NsrModel, parse: Parse) -> str:
    """The Prolog text of the parse tree, ``node(Symbol, [Children...])``.

    Written left to right from a work stack of nodes and closing brackets (no recursion, and
    no re-copying of subtree texts): linear in the size of the tree, whatever its depth."""
    from nsr.backends.prolog.terms import quote_atom
    from nsr.backends.prolog.terms import to_text as term_text

    tree = parse.tree
    out: list[str] = []
    stack: list[int | str] = [tree.root]  # a node to write, or literal text
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        kids = tree.children[item]
        if item in parse.given and not kids:
            out.append(f"value({term_text(parse.given[item])})")
            continue
        out.append(f"node({quote_atom(model.symbol_names[parse.symbols[item]])}, [")
        stack.append("])")
        for i in range(len(kids) - 1, -1, -1):
            stack.append(kids[i])
            if i:
                stack.append(", ")
    return "".join(out)


def standalone_prolog(model: NsrModel, example: Parse | None = None) -> str:
    """A Prolog file that runs on its own in ``swipl``: library + programs + eval_tree/2."""
    from nsr.semantics.compiler import compile_symbols, library_text

    sample = tree_term(model, example) if example is not None and example.tree is not None \
        else "node(Symbol, [ChildTrees...])"
    return "\n".join([_HEADER.format(example=sample), library_text(),
                      compile_symbols(named_programs(model))])


def predict_prolog(model: NsrModel, parses: Sequence[Parse]) -> list[Value | None]:
    """Root values computed by SWI-Prolog from the compiled programs (None: no value)."""
    return [None if isinstance(r, EvaluationError) else r
            for r in prolog_results(model, parses)]


def prolog_results(
    model: NsrModel, parses: Sequence[Parse]
) -> list[Value | EvaluationError | None]:
    """Like :func:`predict_prolog`, but a tree whose run failed gives its error (a
    :class:`~nsr.semantics.errors.BudgetExceeded` when a limit stopped it); None: not run (no
    tree, or a symbol without a program of the tree's arity)."""
    from nsr.semantics.runtime import PrologPrograms

    out: list[Value | EvaluationError | None] = [None] * len(parses)
    runnable = []
    arity = {model.symbol_names[s]: p.arity for s, p in model.programs.items()}
    for i, p in enumerate(parses):
        if p.tree is None:
            continue
        names = [model.symbol_names[s] for s in p.symbols]
        if all((j in p.given and not p.tree.children[j])
               or (n in arity and arity[n] == len(p.tree.children[j]))
               for j, n in enumerate(names)):
            runnable.append(i)
    if not runnable:
        return out
    with PrologPrograms(named_programs(model)) as programs:
        for chunk in _chunks(runnable, [len(parses[i].symbols) for i in runnable]):
            results = programs.run_postfix([postfix(model, parses[i]) for i in chunk])
            for i, r in zip(chunk, results, strict=True):
                out[i] = EvaluationError(str(r)) if isinstance(r, ProgramError) else r
    return out


#: One Prolog call runs at most this many trees / nodes: each call has a wall-clock limit, so
#: a file of long inputs goes in several calls rather than one that would run out of time.
CHUNK_TREES = 500
CHUNK_NODES = 5_000


def _chunks(items: Sequence[int], sizes: Sequence[int]) -> list[list[int]]:
    """``items`` cut into consecutive runs of at most :data:`CHUNK_TREES` items and
    :data:`CHUNK_NODES` nodes (one item alone may be larger)."""
    chunks: list[list[int]] = []
    current: list[int] = []
    nodes = 0
    for item, size in zip(items, sizes, strict=True):
        if current and (len(current) == CHUNK_TREES or nodes + size > CHUNK_NODES):
            chunks.append(current)
            current, nodes = [], 0
        current.append(item)
        nodes += size
    if current:
        chunks.append(current)
    return chunks
