"""Run compiled symbol programs in SWI-Prolog: forwards, on whole trees, and backwards.

:class:`PrologPrograms` loads the primitive library, the batch runner and the compiled programs
into a Prolog module of their own (through :func:`nsr.backends.prolog.get_engine`, imported on
first use). Values cross the boundary as int -> int, atom -> str, list -> tuple, exactly as in
the Python evaluator, so answers compare equal. Every call is bounded: an inference limit per
program run (non-termination gives :class:`BudgetExceeded` for that run) and a wall-clock time
limit per Prolog call (a whole batch: exceeding it raises :class:`BudgetExceeded` for the batch).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from nsr.semantics import ast
from nsr.semantics.compiler import compile_symbols, library_text
from nsr.semantics.errors import BudgetExceeded, EvaluationError, ProgramError
from nsr.semantics.evaluate import as_value, map_nested

_RUNNER = "runner.pl"
DEFAULT_INFERENCE_LIMIT = 2_000_000
DEFAULT_TIME_LIMIT = 10.0


class TreeLike(Protocol):
    """Anything with a symbol and child trees (the syntax module's trees qualify)."""

    @property
    def symbol(self) -> str: ...

    @property
    def children(self) -> Sequence[TreeLike]: ...


@dataclass(frozen=True, slots=True)
class Tree:
    """A GSS tree written by hand: a symbol and its children; its value is the symbol's
    program applied to the children's values.

    A notation for the DSL's own users (the demo, tests, ``run_tree``), not a second tree of
    the learner: a model executes :class:`nsr.syntax.tree.Tree` (a head per input position,
    symbols beside it), which reaches Prolog as :data:`Postfix` steps without being rebuilt as
    nested objects (see :func:`nsr.model.prolog_export.postfix`)."""

    symbol: str
    children: tuple[Tree, ...] = ()
    #: A leaf whose value the input itself supplies (an open-class segment): no program runs.
    value: ast.Value | None = None


#: A tree flat, its nodes in postorder (children left to right before their head): each step
#: is ``(symbol, number of children, None)``, or ``(symbol, 0, value)`` for a leaf whose value
#: the input supplies. What crosses into Prolog (``eval_postfix/2``): trees of any depth.
Postfix = Sequence[tuple[str, int, "ast.Value | None"]]


def postfix(tree: TreeLike) -> list[tuple[str, int, ast.Value | None]]:
    """``tree``'s nodes as :data:`Postfix` steps (a loop with an explicit stack: any depth)."""
    steps: list[tuple[str, int, ast.Value | None]] = []
    stack: list[tuple[TreeLike, bool]] = [(tree, False)]
    while stack:
        node, expanded = stack.pop()
        given = getattr(node, "value", None)
        if given is not None:
            steps.append((node.symbol, 0, given))
            continue
        children = node.children
        if expanded:
            steps.append((node.symbol, len(children), None))
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(children))
    return steps


def _runner_text() -> str:
    from nsr.semantics.compiler import _LIBRARY_DIR

    return (_LIBRARY_DIR / _RUNNER).read_text(encoding="utf-8")


def from_prolog(x: Any) -> ast.Value:
    """A decoded Prolog answer as a DSL value (lists become tuples, at any depth)."""
    return map_nested(x, _scalar_from_prolog)


def _scalar_from_prolog(x: Any) -> ast.Value:
    if type(x) is int:
        return x
    if isinstance(x, str):
        return str(x)
    raise EvaluationError(f"Prolog returned a term that is not a DSL value: {x!r}")


class PrologPrograms:
    """A set of symbol programs loaded into SWI-Prolog.

    ``programs`` maps each symbol to its program; it is checked and compiled on construction
    (:class:`ProgramError` names the symbol at fault). ``module`` defaults to a fresh name per
    instance. Use as a context manager (or call :meth:`close`) to unload the programs.
    """

    def __init__(
        self,
        programs: Mapping[str, ast.Program],
        *,
        module: str | None = None,
        inference_limit: int = DEFAULT_INFERENCE_LIMIT,
        time_limit: float = DEFAULT_TIME_LIMIT,
    ):
        from nsr.backends.prolog import get_engine

        self.programs: Mapping[str, ast.Program] = dict(programs)
        self.text = compile_symbols(self.programs)
        digest = hashlib.sha1(self.text.encode("utf-8")).hexdigest()[:12]
        # Per instance, so that closing one instance never wipes another's programs.
        self.module = module or f"nsr_gss_{digest}_{id(self):x}"
        self.inference_limit = inference_limit
        self.time_limit = time_limit
        self._engine = get_engine()
        source = "\n".join([library_text(), _runner_text(), self.text])
        self._engine.consult_text(source, self.module, name="gss-programs")

    # ----------------------------------------------------------------------------- helpers
    def _query(self, goal: str) -> dict[str, Any]:
        from nsr.backends.prolog import PrologInferenceLimit, PrologResourceError, PrologTimeLimit

        try:
            answers = self._engine.query(
                goal, module=self.module, max_solutions=1, time_limit=self.time_limit
            )
        except (PrologTimeLimit, PrologInferenceLimit, PrologResourceError) as exc:
            raise BudgetExceeded(f"Prolog run exceeded its limit: {exc}") from None
        if not answers:
            raise EvaluationError(f"internal error: runner goal failed: {goal[:200]}")
        return answers[0]

    def _arity(self, symbol: str) -> int:
        program = self.programs.get(symbol)
        if program is None:
            raise ProgramError(
                f"unknown symbol {symbol!r}; loaded: {', '.join(sorted(self.programs))}"
            )
        return program.arity

    def _check_args(self, symbol: str, args: Sequence[object]) -> tuple:
        arity = self._arity(symbol)
        if len(args) != arity:
            raise EvaluationError(
                f"symbol {symbol!r} takes {arity} argument(s), got {len(args)}: {list(args)!r}"
            )
        return tuple(as_value(a) for a in args)

    @staticmethod
    def _result(result: Any, what: str) -> ast.Value | EvaluationError:
        from nsr.backends.prolog import Compound

        if result == "none":
            return EvaluationError(f"{what} has no value")
        if result == "limit":
            return BudgetExceeded(
                f"{what} exceeded the inference limit or the list size limit (non-terminating?)"
            )
        if isinstance(result, Compound) and result.name == "value":
            return from_prolog(result.args[0])
        if isinstance(result, Compound) and result.name == "error":
            return EvaluationError(f"{what} raised {result.args[0]}")
        return EvaluationError(f"{what}: unexpected runner answer {result!r}")

    # ------------------------------------------------------------------------------- API
    def run(self, symbol: str, args: Sequence[object]) -> ast.Value:
        """The value of ``symbol``'s program on ``args`` (raises EvaluationError / Budget...)."""
        (out,) = self.run_many(symbol, [args])
        if isinstance(out, EvaluationError):
            raise out
        return out

    def run_many(
        self, symbol: str, args_list: Iterable[Sequence[object]]
    ) -> list[ast.Value | EvaluationError]:
        """One Prolog call for many argument tuples; a failed run gives its error object."""
        from nsr.backends.prolog import Var, goal

        batch = [self._check_args(symbol, args) for args in args_list]
        if not batch:
            return []
        answer = self._query(
            goal("nsr_run_all", symbol, batch, self.inference_limit, Var("Results"))
        )
        return [
            self._result(r, f"{symbol}({', '.join(map(repr, a))})")
            for r, a in zip(answer["Results"], batch, strict=True)
        ]

    def run_batch(
        self, calls: Iterable[tuple[str, Sequence[object]]]
    ) -> list[ast.Value | EvaluationError]:
        """Many ``(symbol, args)`` calls, of any symbols, in one Prolog call."""
        from nsr.backends.prolog import Compound, Var, goal

        batch = [(symbol, self._check_args(symbol, args)) for symbol, args in calls]
        if not batch:
            return []
        terms = [Compound("call", (symbol, args)) for symbol, args in batch]
        answer = self._query(goal("nsr_calls_all", terms, self.inference_limit, Var("Results")))
        return [
            self._result(r, f"{symbol}({', '.join(map(repr, args))})")
            for r, (symbol, args) in zip(answer["Results"], batch, strict=True)
        ]

    def run_tree(self, tree: TreeLike) -> ast.Value:
        """The value at the root of ``tree`` (children evaluated first)."""
        (out,) = self.run_trees([tree])
        if isinstance(out, EvaluationError):
            raise out
        return out

    def run_trees(self, trees: Iterable[TreeLike]) -> list[ast.Value | EvaluationError]:
        """Root values of many trees in one Prolog call; a failed tree gives its error."""
        return self.run_postfix([postfix(t) for t in trees])

    def run_postfix(self, trees: Iterable[Postfix]) -> list[ast.Value | EvaluationError]:
        """Root values of many trees given as :data:`Postfix` steps, in one Prolog call.

        Trees cross into Prolog flat (``eval_postfix/2``), never as nested terms, and every
        program application has its own inference limit: trees of any depth and size run."""
        from nsr.backends.prolog import Var, goal

        terms = [self._postfix_terms(t) for t in trees]
        if not terms:
            return []
        answer = self._query(goal("nsr_tree_all", terms, self.inference_limit, Var("Results")))
        return [self._result(r, "tree") for r in answer["Results"]]

    def _postfix_terms(self, steps: Postfix) -> list[Any]:
        """The steps as ``v(Value)`` / ``n(Symbol, NChildren)`` terms; a node whose program
        takes another number of arguments raises :class:`EvaluationError` here."""
        from nsr.backends.prolog import Compound

        terms: list[Any] = []
        for symbol, n_children, given in steps:
            if given is not None:
                terms.append(Compound("v", (as_value(given),)))
                continue
            if self._arity(symbol) != n_children:
                raise EvaluationError(
                    f"tree node {symbol!r} has {n_children} children, its program takes "
                    f"{self._arity(symbol)}"
                )
            terms.append(Compound("n", (symbol, n_children)))
        return terms

    def run_backwards(
        self,
        symbol: str,
        output: object,
        *,
        known: Mapping[int, object] | None = None,
        max_solutions: int = 50,
    ) -> list[tuple[ast.Value, ...]]:
        """Argument tuples for which ``symbol``'s program gives ``output`` (abduction).

        ``known`` fixes some argument positions. Enumeration is bounded: at most
        ``max_solutions`` answers, an inference limit per answer and the time limit overall;
        every answer returned is ground and re-checked forwards. Programs built from relational
        primitives (append, cons, car/cdr, reverse, singleton, inc/dec) enumerate completely;
        others may return only some answers (or none).
        """
        from nsr.backends.prolog import Var, goal

        arity = self._arity(symbol)
        known = dict(known or {})
        for i in known:
            if not 0 <= i < arity:
                raise EvaluationError(f"known position {i} is out of range for arity {arity}")
        args = [as_value(known[i]) if i in known else Var(f"A{i}") for i in range(arity)]
        if max_solutions < 1:
            return []
        answer = self._query(
            goal(
                "nsr_backwards",
                symbol,
                args,
                as_value(output),
                max_solutions * 4,
                self.inference_limit,
                Var("Solutions"),
                Var("_Complete"),
            )
        )
        return [tuple(from_prolog(v) for v in sol) for sol in answer["Solutions"]][:max_solutions]

    def close(self) -> None:
        """Remove the programs from the engine."""
        self._engine.wipe_module(self.module)

    def __enter__(self) -> PrologPrograms:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
