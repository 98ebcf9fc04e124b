"""The NSR model: perception -> dependency parser -> one program per symbol, or phrase readings.

``NsrModel`` holds the three learned parts and runs them forwards (the *deduction* of the
learning loop, and inference). Execution here uses the fast Python evaluator; final answers can
also be run through SWI-Prolog (see :mod:`nsr.model.prolog_export`); tree execution
itself is :mod:`nsr.model.execute`.

Where programs do not explain the training data and phrase readings of words explain more of
it (a natural language: see :mod:`nsr.learning.phrase_choice`), the model's meaning is those
readings (``phrases``, :mod:`nsr.model.phrases`) and :meth:`NsrModel.predict` answers
with them; perception still holds the vocabulary, so unknown words are told apart as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nsr.errors import ConfigError
from nsr.induction.library import LIBRARIES
from nsr.model.execute import execute, hides_computation
from nsr.model.phrase_state import lexicon_from_state, lexicon_state
from nsr.model.phrases import PhraseLexicon
from nsr.perception.segments import OPEN_KEY, Segmenter
from nsr.perception.tokens import PerceptionConfig, TokenPerception
from nsr.semantics import ast
from nsr.semantics.ast import Value
from nsr.syntax.parser import Parser, ParserConfig
from nsr.syntax.tree import Tree

#: Beam width tried when greedy parsing finds no tree, or one the programs cannot run.
FALLBACK_BEAM = 8
#: Inputs longer than this (in nodes) get no fallback beam: each beam step copies every
#: candidate's parser state, so its cost grows with the square of the length (minutes at
#: 5,000 words), while greedy decoding stays linear. Far above every task's inputs.
FALLBACK_MAX_NODES = 500


@dataclass(frozen=True)
class Parse:
    """One input run forwards: its symbols, the tree and every node's value (None: failed).

    Nodes are segments (see :mod:`nsr.perception.segments`): ``keys`` is what perception read
    for each node (the tokens themselves when empty) and ``given`` the values the input itself
    supplies (open-class runs).
    """

    tokens: tuple[str, ...]
    symbols: tuple[int, ...]
    tree: Tree | None
    values: tuple[Value | None, ...]
    keys: tuple[str, ...] = ()
    given: Mapping[int, Value] = field(default_factory=dict)
    #: The tree came from the fallback beam: greedy decoding alone would have got it wrong.
    rescued: bool = False
    #: Nodes whose symbol is a second reading (see :mod:`nsr.model.rereading`), not
    #: perception's first choice.
    reread: tuple[int, ...] = ()

    @property
    def segment_keys(self) -> tuple[str, ...]:
        return self.keys or self.tokens

    @property
    def output(self) -> Value | None:
        if self.tree is None:
            return None
        return self.values[self.tree.root]


class NsrModel:
    """Perception, parser and programs, plus the names that make them printable."""

    def __init__(
        self,
        vocab: Sequence[str],
        library: str = "lists",
        *,
        seed: int = 0,
        parser_config: ParserConfig | None = None,
        open_class: str = "",
        perception=None,
        live_trees: bool = False,
    ) -> None:
        """``vocab`` are perception keys (tokens, and ``OPEN_KEY`` when ``open_class`` is set)
        and name the symbols; token perception (the default) maps key i to symbol i. Any other
        ``perception`` (e.g. images) must predict ``len(vocab)`` symbols. ``live_trees``: trees
        that hide computation (see :func:`hides_computation`) give no answer while the beam
        has another tree that runs; right for tasks whose programs drop only syntax
        (brackets), wrong for ones that drop whole arguments by meaning (PCFG's
        ``remove_first``)."""
        if library not in LIBRARIES:
            raise ConfigError(f"unknown primitive library {library!r}; known: {sorted(LIBRARIES)}")
        self.library = library
        self.segmenter = Segmenter(open_class)
        self.symbol_names = tuple(vocab)
        n = len(self.symbol_names)
        if perception is None:
            perception = TokenPerception(PerceptionConfig(tuple(vocab), n), seed=seed)
        self.perception = perception
        self.parser = Parser(parser_config or ParserConfig(n_symbols=n), seed=seed)
        self.live_trees = live_trees
        self.programs: dict[int, ast.Program] = {}
        # Fraction of its rows each program explained when adopted (re-search when unsolved).
        self.fits: dict[int, float] = {}
        #: Phrase readings, when they are the model's meaning instead of programs.
        self.phrases: PhraseLexicon | None = None

    # -- forwards --------------------------------------------------------------------------
    @property
    def open_symbol(self) -> int | None:
        """The symbol of open-class segments (a leaf whose value is its run), if any."""
        if not self.segmenter.pattern or OPEN_KEY not in self.symbol_names:
            return None
        return self.symbol_names.index(OPEN_KEY)

    def length(self, tokens: Sequence[str]) -> int:
        """Number of nodes a tree over ``tokens`` has (segments, not tokens)."""
        return len(self.segmenter(tokens)) if self.segmenter.pattern else len(tokens)

    def perceive(self, tokens: Sequence[str]) -> tuple[int, ...]:
        return tuple(self.perception.predict(tokens)[0])

    def arities(self, symbols: Sequence[int]) -> list[int]:
        opened = self.open_symbol
        return [self.programs[s].arity if s in self.programs else (0 if s == opened else -1)
                for s in symbols]

    @property
    def memoised(self) -> bool:
        """Execute through :func:`apply_memo`: number programs are unary recursions over small
        values (HINT's * as repeated +), so remembering each application makes the thousands
        of trees over the same values cheap (same values either way)."""
        return LIBRARIES[self.library].value_type == "int"

    def run(self, inputs: Sequence[Sequence[str]], *, answering: bool = True,
            reread: bool | None = None) -> list[Parse]:
        """Deduction for many inputs: segment, perceive, parse greedily (batched), execute.

        ``answering``: the trees give answers, so implausible ones (see :meth:`plausible`) are
        replaced by the beam's best plausible tree. Training passes False: there the target
        judges every tree, and the liveness prior is for answers without one.
        ``reread`` (default: ``answering``): an input that gets no answer is read again, one
        segment changed, in order of probability (see :mod:`nsr.model.rereading`); the learner
        passes False wherever it judges itself, so training never depends on it."""
        reread = answering if reread is None else reread
        cache: dict[str, int] = {}
        symbol_lists = []
        cuts = [self.segmenter(tokens) for tokens in inputs]
        for cut in cuts:
            missing = list(dict.fromkeys(k for k in cut.keys if k not in cache))
            if missing:
                for t, s in zip(missing, self.perceive(missing), strict=True):
                    cache[t] = s
            symbol_lists.append(tuple(cache[t] for t in cut.keys))
        items = [(s, self.arities(s)) for s in symbol_lists]
        trees = self.parser.parse_greedy(items)
        out = []
        for tokens, cut, symbols, tree in zip(inputs, cuts, symbol_lists, trees, strict=True):
            tree, values, rescued = self._answer(symbols, cut.given, tree, answering)
            changed: tuple[int, ...] = ()
            if reread and (tree is None or values[tree.root] is None):
                first = symbols
                symbols, tree, values, rescued = self._reread(cut.keys, symbols, cut.given,
                                                              (tree, values, rescued))
                changed = tuple(j for j, (a, b) in enumerate(zip(first, symbols, strict=True))
                                if a != b)
            keys = cut.keys if self.segmenter.pattern else ()
            out.append(Parse(tuple(tokens), symbols, tree, values, keys, cut.given, rescued,
                             changed))
        return out

    def _answer(self, symbols: tuple[int, ...], given: Mapping[int, Value], tree: Tree | None,
                answering: bool) -> tuple[Tree | None, tuple[Value | None, ...], bool]:
        """(tree, values, rescued) of one reading from its greedy ``tree``: the beam's best
        runnable tree when greedy decoding got none (or, answering, an implausible one)."""
        memo = self.memoised
        arities = self.arities(symbols)
        values = execute(tree, symbols, self.programs, given=given, memo=memo) \
            if tree is not None else ()
        # Only when every symbol has a program (or is data): a missing one is no tree's fault.
        if (tree is None or values[tree.root] is None or
                (answering and not self.plausible(tree, symbols))) and \
                1 < len(symbols) <= FALLBACK_MAX_NODES and min(arities) >= 0:
            # Greedy decoding can paint itself into a corner (no legal move left under the
            # known arities), pick a tree the programs cannot run or one that throws away
            # computed parts of the input, more often on inputs unlike the training ones: the
            # beam's best tree that runs and uses its input, if any.
            for cand, _ in self.parser.parse_beam(symbols, arities, width=FALLBACK_BEAM):
                vals = execute(cand, symbols, self.programs, given=given, memo=memo)
                if vals[cand.root] is not None and \
                        (not answering or self.plausible(cand, symbols)):
                    return cand, vals, True
        return tree, values, False

    def _reread(self, keys: Sequence[str], symbols: tuple[int, ...], given: Mapping[int, Value],
                first: tuple[Tree | None, tuple[Value | None, ...], bool]
                ) -> tuple[tuple[int, ...], Tree | None, tuple[Value | None, ...], bool]:
        """The first second reading of ``keys`` (see :mod:`nsr.model.rereading`) whose tree
        answers, with its tree and values; ``symbols`` and ``first`` when none does."""
        from nsr.model.rereading import second_readings

        if len(symbols) < 2 or len(symbols) > FALLBACK_MAX_NODES:
            return (symbols, *first)
        log_probs = self.perception.log_probs(list(keys))
        readings = second_readings(symbols, log_probs, self.arities(range(len(log_probs[0]))))
        for reading in readings:
            (tree,) = self.parser.parse_greedy([(reading, self.arities(reading))])
            tree, values, rescued = self._answer(reading, given, tree, True)
            if tree is not None and values[tree.root] is not None:
                return reading, tree, values, rescued
        return (symbols, *first)

    def plausible(self, tree: Tree, symbols: Sequence[int]) -> bool:
        """Whether ``tree`` may give an answer: always, unless the model wants live trees and
        this one hides computation."""
        return not (self.live_trees and hides_computation(tree, symbols, self.programs))

    def predict(self, inputs: Sequence[Sequence[str]], *, reread: bool = True
                ) -> list[Value | None]:
        """Each input's answer (None: none): from its tree and programs, or, in a model whose
        meaning is phrase readings, from the readings of its words. ``reread``: see
        :meth:`run` (the learner passes False when it scores itself)."""
        if self.phrases is not None:
            return [self.phrases.translate(tokens) for tokens in inputs]
        return [p.output for p in self.run(inputs, reread=reread)]

    def program_text(self, symbol: int) -> str | None:
        from nsr.semantics.printer import to_text

        prog = self.programs.get(symbol)
        return None if prog is None else to_text(prog)

    # -- state -----------------------------------------------------------------------------
    def state_dict(self) -> dict:
        from nsr.semantics.printer import to_text

        state = {
            "library": self.library,
            "symbol_names": list(self.symbol_names),
            "programs": {
                self.symbol_names[s]: to_text(p) for s, p in sorted(self.programs.items())
            },
            "perception": self.perception.state_dict(),
            "parser": self.parser.state_dict(),
        }
        if self.fits:  # absent from older checkpoints: every program counts as solved
            state["fits"] = {self.symbol_names[s]: f for s, f in sorted(self.fits.items())}
        if self.segmenter.pattern:  # absent from older checkpoints: token-per-segment models
            state["open_class"] = self.segmenter.pattern
        if self.live_trees:  # absent from older checkpoints: every tree is plausible
            state["live_trees"] = True
        if self.phrases is not None:  # absent: the programs are the meaning
            state["phrases"] = lexicon_state(self.phrases)
        return state

    @classmethod
    def from_state(cls, state: dict) -> NsrModel:
        from nsr.perception.state import perception_from_state
        from nsr.semantics.parser import parse_program

        model = cls.__new__(cls)
        model.library = state["library"]
        model.segmenter = Segmenter(state.get("open_class", ""))
        model.live_trees = bool(state.get("live_trees", False))
        model.symbol_names = tuple(state["symbol_names"])
        model.perception = perception_from_state(state["perception"])
        model.parser = Parser.from_state(state["parser"])
        index = {name: i for i, name in enumerate(model.symbol_names)}
        model.programs = {
            index[name]: parse_program(text) for name, text in state["programs"].items()
        }
        model.fits = {index[name]: float(f) for name, f in state.get("fits", {}).items()}
        model.phrases = lexicon_from_state(state["phrases"]) if "phrases" in state else None
        return model
