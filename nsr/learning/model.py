"""The NSR model: perception -> dependency parser -> one program per symbol.

``NsrModel`` holds the three learned parts and runs them forwards (the *deduction* of the
learning loop, and inference). Execution here uses the fast Python evaluator; final answers can
also be run through SWI-Prolog (see :mod:`nsr.learning.prolog_export`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nsr.errors import ConfigError
from nsr.perception.tokens import PerceptionConfig, TokenPerception
from nsr.semantics import ast
from nsr.semantics.errors import EvaluationError
from nsr.semantics.evaluate import compile_program
from nsr.semantics.search_primitives import LIBRARIES, Value
from nsr.syntax.parser import Parser, ParserConfig
from nsr.syntax.tree import Tree


@dataclass(frozen=True)
class Parse:
    """One input run forwards: its symbols, the tree and every node's value (None: failed)."""

    tokens: tuple[str, ...]
    symbols: tuple[int, ...]
    tree: Tree | None
    values: tuple[Value | None, ...]

    @property
    def output(self) -> Value | None:
        if self.tree is None:
            return None
        return self.values[self.tree.root]


def execute(
    tree: Tree,
    symbols: Sequence[int],
    programs: Mapping[int, ast.Program],
    overrides: Mapping[int, Value] | None = None,
) -> tuple[Value | None, ...]:
    """Every node's value, bottom-up; ``overrides`` forces some nodes' values (abduction).

    A node whose symbol has no program, whose arity disagrees, or whose program fails gets None,
    and so does every ancestor of it.
    """
    overrides = overrides or {}
    values: list[Value | None] = [None] * len(tree)
    for node in tree.postorder():
        if node in overrides:
            values[node] = overrides[node]
            continue
        prog = programs.get(symbols[node])
        kids = tree.children[node]
        if prog is None or prog.arity != len(kids):
            continue
        args = tuple(values[k] for k in kids)
        if any(a is None for a in args):
            continue
        try:
            values[node] = compile_program(prog)(args)
        except EvaluationError:
            values[node] = None
    return tuple(values)


class NsrModel:
    """Perception, parser and programs, plus the names that make them printable."""

    def __init__(
        self,
        vocab: Sequence[str],
        library: str = "lists",
        *,
        seed: int = 0,
        parser_config: ParserConfig | None = None,
        perception=None,
    ) -> None:
        """``vocab`` names the symbols; token perception (the default) maps token i to them.
        Any other ``perception`` (e.g. images) must predict ``len(vocab)`` symbols."""
        if library not in LIBRARIES:
            raise ConfigError(f"unknown primitive library {library!r}; known: {sorted(LIBRARIES)}")
        self.library = library
        self.symbol_names = tuple(vocab)
        n = len(self.symbol_names)
        if perception is None:
            perception = TokenPerception(PerceptionConfig(tuple(vocab), n), seed=seed)
        self.perception = perception
        self.parser = Parser(parser_config or ParserConfig(n_symbols=n), seed=seed)
        self.programs: dict[int, ast.Program] = {}

    # -- forwards --------------------------------------------------------------------------
    def perceive(self, tokens: Sequence[str]) -> tuple[int, ...]:
        return tuple(self.perception.predict(tokens)[0])

    def arities(self, symbols: Sequence[int]) -> list[int]:
        return [self.programs[s].arity if s in self.programs else -1 for s in symbols]

    def run(self, inputs: Sequence[Sequence[str]]) -> list[Parse]:
        """Deduction for many inputs: perceive, parse greedily (batched), execute."""
        cache: dict[str, int] = {}
        symbol_lists = []
        for tokens in inputs:
            missing = [t for t in tokens if t not in cache]
            if missing:
                for t, s in zip(missing, self.perceive(missing), strict=True):
                    cache[t] = s
            symbol_lists.append(tuple(cache[t] for t in tokens))
        trees = self.parser.parse_greedy([(s, self.arities(s)) for s in symbol_lists])
        out = []
        for tokens, symbols, tree in zip(inputs, symbol_lists, trees, strict=True):
            values = execute(tree, symbols, self.programs) if tree is not None else ()
            out.append(Parse(tuple(tokens), symbols, tree, values))
        return out

    def predict(self, inputs: Sequence[Sequence[str]]) -> list[Value | None]:
        return [p.output for p in self.run(inputs)]

    def program_text(self, symbol: int) -> str | None:
        from nsr.semantics.printer import to_text

        prog = self.programs.get(symbol)
        return None if prog is None else to_text(prog)

    # -- state -----------------------------------------------------------------------------
    def state_dict(self) -> dict:
        from nsr.semantics.printer import to_text

        return {
            "library": self.library,
            "symbol_names": list(self.symbol_names),
            "programs": {
                self.symbol_names[s]: to_text(p) for s, p in sorted(self.programs.items())
            },
            "perception": self.perception.state_dict(),
            "parser": self.parser.state_dict(),
        }

    @classmethod
    def from_state(cls, state: dict) -> NsrModel:
        from nsr.perception.state import perception_from_state
        from nsr.semantics.parser import parse_program

        model = cls.__new__(cls)
        model.library = state["library"]
        model.symbol_names = tuple(state["symbol_names"])
        model.perception = perception_from_state(state["perception"])
        model.parser = Parser.from_state(state["parser"])
        index = {name: i for i, name in enumerate(model.symbol_names)}
        model.programs = {
            index[name]: parse_program(text) for name, text in state["programs"].items()
        }
        return model
