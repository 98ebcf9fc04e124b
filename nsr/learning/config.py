"""The learner's configuration: one flat, frozen record, read through nested views.

:class:`LearnerConfig` stays flat because that is how it is built (CLI, benchmarks, tests:
``LearnerConfig(beam=8)``) and how every checkpoint stores it (``asdict``), shipped ones
included. Each step of the loop reads only its own part, through a view built from the flat
fields (:meth:`LearnerConfig.curriculum_config`, :meth:`~LearnerConfig.abduction_config`,
:meth:`~LearnerConfig.selection_config`, :meth:`~LearnerConfig.search_config`,
:meth:`~LearnerConfig.learn_config`, :meth:`~LearnerConfig.perception_config`): one place per
value, and a step's signature says what it depends on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nsr.errors import ConfigError
from nsr.induction.search import SearchConfig

if TYPE_CHECKING:
    from nsr.syntax.parser import ParserConfig


@dataclass(frozen=True)
class CurriculumConfig:
    """Which examples each stage sees and how many rounds it gets."""

    curriculum: tuple[int, ...]
    stage_growth: float
    rounds_per_stage: int
    final_rounds: int

    def rounds(self, last: bool) -> int:
        """Rounds of a stage: the last one (every example) has ``final_rounds`` when set."""
        return self.final_rounds if last and self.final_rounds else self.rounds_per_stage


@dataclass(frozen=True)
class AbductionConfig:
    """How wrong examples are revised: which trees are tried and how values are pushed down."""

    max_abduce: int
    noisy_max_abduce: int
    enumerate_up_to: int
    enumerate_new: int
    beam: int
    samples: int
    inverse: str
    guess_lower_holes: bool
    fast_abduction: bool


@dataclass(frozen=True)
class SelectionConfig:
    """Which abduced trees become pseudo-labels and which searched programs are adopted."""

    adopt_fraction: float
    min_support: int
    loose_evidence: bool
    solved_fraction: float
    min_key_share: float
    consistent_guesses: bool
    borrow_programs: bool
    noisy_adopt_fraction: float
    noisy_min_support: int
    noisy_search_max_candidates: int


@dataclass(frozen=True)
class LearnConfig:
    """How the chosen labels train the parser and perception."""

    parser_epochs: int
    max_trees: int
    learn_rescued: bool


@dataclass(frozen=True)
class PerceptionSettings:
    """What reads the input's segments (image perception: how many classes, 0: read off the
    images), and whether abduction may revise what it read (only where the reading is
    uncertain, see :mod:`nsr.learning.noise`). Not the network's own config
    (:class:`nsr.perception.tokens.PerceptionConfig`): a learner setting."""

    perception: str
    n_symbols: int
    perception_revision: bool
    revision_alternatives: int


@dataclass(frozen=True)
class LearnerConfig:
    """Every knob of a training run (saved in the checkpoint)."""

    task: str = "scan"
    split: str = ""
    library: str = "lists"
    curriculum: tuple[int, ...] = ()  # max input length per stage; (): read off the data
    # ...by growth: a new stage once the pool of examples is this many times the last stage's
    stage_growth: float = 1.5
    # Every tree of an input of up to this many segments: the parser's beam rarely offers the
    # other bracketing of a short input, so an attachment it never built (precedence in
    # `a - b * c`) would only be learned by luck
    enumerate_up_to: int = 5
    # A longer input with a symbol of unknown arity gets every projective tree respecting the
    # known arities when there are at most this many (0: never; see abduction.candidates): a
    # new word first seen in long inputs (a bracket in 7-token expressions: 20 trees) still
    # gets all its readings
    enumerate_new: int = 200
    rounds_per_stage: int = 4
    # Rounds of the last stage, which holds every example (0: rounds_per_stage). Its rounds fit
    # the parser to the longest inputs; a round stops the stage early once all are right.
    final_rounds: int = 10
    beam: int = 4
    samples: int = 1
    adopt_fraction: float = 0.5
    min_support: int = 2
    search_max_size: int = 9
    # ...and goes on up to this size while no program explains 95% of a symbol's rows: the
    # evidence, not the task, decides how big a program gets (see SearchConfig.size_limit)
    search_size_limit: int = 12
    # Program search stops after this many candidates (a count: the same run learns the same
    # programs on a busy machine as on an idle one; about 20 s of one core)...
    search_max_candidates: int = 1_500_000
    # ...or after this wall time, a safety net that should never bind on a sane machine
    search_budget_s: float = 120.0
    # Search sees up to this many rows per example, every tree's (0: 100 rows cut across
    # examples), and stops this many sizes past a program explaining 95% of the examples (0:
    # never): the rest are noise of wrong trees; see ``SearchConfig``
    search_rows_per_group: int = 12
    search_good_slack: int = 3
    # A unary symbol may mean the identity (see ``SearchConfig.identity``), as the reading of
    # last resort: only after a round of the stage left it without a program, only for a
    # symbol no tree gave two or more children, and only when it explains more examples than
    # any other program (an identity fits wherever its word
    # attaches, so it teaches the parser nothing about scope; brackets read as identities
    # attach locally and fail on long inputs, while `copy` means it)
    identity_programs: bool = True
    # Holes' rows whose value an ambiguous inverse chose (``( 6 + 6 ) * 0``: the bracket may
    # be anything) are evidence for program search (False: left out). Off: such rows say
    # nothing about the hole, and fitting them buys a bigger program that explains a few more
    # examples by luck
    loose_evidence: bool = False
    parser_epochs: int = 3
    max_trees: int = 1500
    max_abduce: int = 300
    # Thresholds for NOISY rows. A symbol perception reads from one segment (a token) offers
    # rows that are wrong only through their trees; a symbol read from many segments (an image
    # cluster) offers rows from misread images too, and one meaning is split over several such
    # symbols, so each sees fewer rows. Every threshold below with a ``noisy_`` twin moves
    # from its own value (certain rows) toward the twin as the symbol's rows get noisier
    # (``nsr.learning.noise``: 1 - 1/segments read as the symbol; a token: 0, the defaults
    # hold exactly). Noisy rows ask for more wrong examples abduced per round (rows per
    # symbol), a program explaining most of its rows from more examples (with few rows a junk
    # program explains half of them), and a smaller search budget (no program reaches the 95%
    # fit that ends a search early on noisy rows, so every search runs to its budget, while
    # the right programs are small: arithmetic's * and / take under 20,000 candidates)
    noisy_max_abduce: int = 500
    noisy_adopt_fraction: float = 0.8
    noisy_min_support: int = 8
    noisy_search_max_candidates: int = 300_000
    preprocessing: str = "none"
    inverse: str = "python"  # push-down: "python" generate-and-test, or "prolog" run backwards
    torch_threads: int = 1  # tiny networks: more threads than this only add contention (0: leave)
    # Regex of open-class tokens: a run of them is one segment whose value is the run ("": none)
    open_class: str = ""
    # Two new symbols in one tree: guess the lower one's program (a projection, or for a leaf
    # a library nullary such as empty()) to abduce the upper one's rows (a new operator over a
    # new bracket or separator). A guess is evidence of last resort: its rows reach the search
    # only for a symbol no ordinary row speaks for (see ``steps.select``), and with
    # ``consistent_guesses`` never against the shape an adopted program gives the guessed one
    guess_lower_holes: bool = True
    # Programs adopted below this fit are re-searched with more rows later (0: never)
    solved_fraction: float = 0.0
    perception: str = "tokens"  # "tokens": one symbol per token to start; "images": CNN over ids
    # Images only: how many symbol classes the CNN may use (not a label); 0: read off the
    # training images (twice the number of groups their neighbour graph's spectrum shows, see
    # ``nsr.perception.images.symbol_count``)
    n_symbols: int = 0
    # Abduce one node's symbol when that fixes an example, only where perception's reading is
    # uncertain (a symbol read from several segments: an image cluster); a token is its own
    # symbol, so token input is never revised
    perception_revision: bool = True
    # ...choosing only among the symbols perception ranks next for that segment (0: any): an
    # image that could be anything its parent ignores must not become a random symbol
    revision_alternatives: int = 3
    # A program is adopted only when its rows come from at least this share of the segments
    # perception reads as its symbol (0: any; see ``key_share`` in ``steps.select``): an image
    # cluster's few stray images must not choose the program of the cluster's real symbol. A
    # token symbol is one segment: any row satisfies it
    min_key_share: float = 0.1
    # One reading per round: a program whose evidence guessed another symbol a constant leaf
    # and a program with arguments for that symbol are not adopted together (see
    # ``consistent_guesses`` in ``steps.select``)
    consistent_guesses: bool = True
    # A program abduction keeps asking to change may be replaced by another symbol's program
    # that explains those examples and keeps the symbol's own (see ``steps.borrowed_programs``),
    # among symbols read from several segments only (one meaning split over image clusters;
    # two tokens are two words)
    borrow_programs: bool = True
    # Abduction remembers program applications (pure) and skips revising the trees of examples
    # some tree already explains: same selections, faster with slow recursions (HINT)
    fast_abduction: bool = True
    # Answers (not training, where the target judges trees) avoid trees that stow computed parts
    # of the input in arguments their parent ignores while another tree runs: a projection
    # (`(` := lambda x, y: x) may hide `+ 0 )` in its ignored slot and still be right on a
    # short input, a reading that fails on long ones
    live_trees: bool = True
    # Trees start projective (every node's descendants form a contiguous span, as in prefix or
    # infix expressions): the parser has no SWAP and abduction proposes only such trees. A
    # non-projective tree that is right is often right by accident (commutative functions) and
    # teaches the parser a wrong attachment; so projectivity is the prior, dropped by the
    # evidence: the first stage projective trees cannot fit is learned again, from the model
    # before it, with every tree, kept when it fits clearly better (SCAN: `walk around left` puts
    # `around` over `left` over `walk`, a crossing arc). False: every tree from the start.
    projective: bool = True
    # An example that only the fallback beam parses right (greedy decoding fails on it) still
    # trains the parser: otherwise a stage whose examples are all right after the fallback
    # teaches nothing, and the greedy parser never learns from inputs longer than the stages
    # that needed abduction (PCFG: only up to 5 segments)
    learn_rescued: bool = True

    def __post_init__(self) -> None:
        if self.enumerate_up_to < 1 or self.enumerate_up_to > 6:
            raise ConfigError("enumerate_up_to must be in 1..6 (exhaustive trees grow as n^(n-1))")
        if self.enumerate_new < 0:
            raise ConfigError("enumerate_new must be >= 0")
        if self.final_rounds < 0:
            raise ConfigError("final_rounds must be >= 0")
        if self.rounds_per_stage < 1 or self.beam < 1 or self.max_trees < 1 or self.max_abduce < 1:
            raise ConfigError("rounds_per_stage, beam, max_trees and max_abduce must be positive")
        if self.inverse not in ("python", "prolog"):
            raise ConfigError(f"inverse must be 'python' or 'prolog', got {self.inverse!r}")
        if not 0.0 <= self.min_key_share <= 1.0:
            raise ConfigError("min_key_share must be in [0, 1]")
        if not 0.0 < self.adopt_fraction <= 1.0:
            raise ConfigError("adopt_fraction must be in (0, 1]")
        if self.perception not in ("tokens", "images"):
            raise ConfigError(f"perception must be 'tokens' or 'images', got {self.perception!r}")
        if self.revision_alternatives < 0:
            raise ConfigError("revision_alternatives must be >= 0")
        if self.n_symbols < 0:
            raise ConfigError(f"n_symbols must be >= 0 (0: from the images), got {self.n_symbols}")
        if not 0.0 < self.noisy_adopt_fraction <= 1.0:
            raise ConfigError("noisy_adopt_fraction must be in (0, 1]")
        if min(self.noisy_max_abduce, self.noisy_min_support,
               self.noisy_search_max_candidates) < 1:
            raise ConfigError("noisy_max_abduce, noisy_min_support and "
                              "noisy_search_max_candidates must be positive")
        if self.search_size_limit < self.search_max_size:
            raise ConfigError("search_size_limit must be >= search_max_size")
        if self.stage_growth <= 1.0:
            raise ConfigError(f"stage_growth must be > 1, got {self.stage_growth}")
        if any(b <= a for a, b in zip(self.curriculum, self.curriculum[1:], strict=False)):
            raise ConfigError(f"curriculum lengths must increase, got {self.curriculum}")

    def parser_config(self, n_symbols: int) -> ParserConfig:
        """The parser's arguments for a model of ``n_symbols`` symbols."""
        from nsr.syntax.parser import ParserConfig

        return ParserConfig(n_symbols=n_symbols, projective=self.projective)

    def search_config(self) -> SearchConfig:
        return SearchConfig(library=self.library, max_size=self.search_max_size,
                            size_limit=self.search_size_limit,
                            budget_s=self.search_budget_s,
                            max_candidates=self.search_max_candidates,
                            identity=self.identity_programs,
                            rows_per_group=self.search_rows_per_group,
                            good_slack=self.search_good_slack)

    # -- nested views: each step of the loop reads its own part ----------------------------
    def curriculum_config(self) -> CurriculumConfig:
        return CurriculumConfig(self.curriculum, self.stage_growth, self.rounds_per_stage,
                                self.final_rounds)

    def abduction_config(self) -> AbductionConfig:
        return AbductionConfig(self.max_abduce, self.noisy_max_abduce, self.enumerate_up_to,
                               self.enumerate_new,
                               self.beam, self.samples, self.inverse, self.guess_lower_holes,
                               self.fast_abduction)

    def selection_config(self) -> SelectionConfig:
        return SelectionConfig(self.adopt_fraction, self.min_support, self.loose_evidence,
                               self.solved_fraction, self.min_key_share,
                               self.consistent_guesses, self.borrow_programs,
                               self.noisy_adopt_fraction, self.noisy_min_support,
                               self.noisy_search_max_candidates)

    def learn_config(self) -> LearnConfig:
        return LearnConfig(self.parser_epochs, self.max_trees, self.learn_rescued)

    def perception_config(self) -> PerceptionSettings:
        return PerceptionSettings(self.perception, self.n_symbols, self.perception_revision,
                                    self.revision_alternatives)


def config_for_task(task: Any, split: str, **overrides: Any) -> LearnerConfig:
    """The learner configuration for a task: the defaults with the facts the task declares
    about its data (primitive library, open-class pattern), and ``overrides`` on top (a user's
    choice, or a fact of the input such as ``perception="images"``): one place, so the CLI and
    the benchmarks train alike. A task declares no learner setting."""
    options = {"library": task.primitive_library, "open_class": task.open_class, **overrides}
    return LearnerConfig(task=task.name, split=split, **options)
