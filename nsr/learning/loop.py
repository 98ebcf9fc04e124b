"""The deduction-abduction loop with a length curriculum, checkpoints and resume.

Stage k trains on the examples of at most ``curriculum[k]`` input tokens. Within a stage,
rounds repeat the four steps until nothing changes: *deduce* (run the model), *abduce* (tree
hypotheses and value revisions for the wrong examples), *select* (pseudo-labels; programs for
holes by MDL program search) and *learn* (adopt programs, train parser and perception). Short
examples come first because they pin down the primitives' meanings and the smallest
compositions; longer ones then mostly teach the parser.

After each stage a checkpoint is written atomically, so an interrupted run resumes at the next
stage with ``resume=True``.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nsr import __version__
from nsr.errors import ConfigError
from nsr.induction.search import SearchConfig
from nsr.learning.steps import (
    Labelled,
    Selection,
    abduce,
    borrowed_programs,
    deduce,
    learn,
    select,
    symbol_inventory,
    unsolved_symbol_rows,
)
from nsr.model import checkpoint
from nsr.model.model import NsrModel
from nsr.tasks.base import Example

if TYPE_CHECKING:
    from nsr.syntax.parser import ParserConfig


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
    # last resort: only when it explains more examples than any other program (an identity
    # fits wherever its word attaches, so it teaches the parser nothing about scope; brackets
    # read as identities attach locally and fail on long inputs, while `copy` means it)
    identity_programs: bool = True
    # Holes' rows whose value an ambiguous inverse chose (``( 6 + 6 ) * 0``: the bracket may
    # be anything) are evidence for program search (False: left out). Off: such rows say
    # nothing about the hole, and fitting them buys a bigger program that explains a few more
    # examples by luck
    loose_evidence: bool = False
    parser_epochs: int = 3
    max_trees: int = 1500
    max_abduce: int = 300
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
    n_symbols: int = 16  # images only: how many symbol classes the CNN may use (not a label)
    perception_revision: bool = False  # abduce one node's symbol when that fixes an example
    # ...choosing only among the symbols perception ranks next for that segment (0: any)
    revision_alternatives: int = 0
    # A program is adopted only when its rows come from at least this share of the segments
    # perception reads as its symbol (0: any; see ``key_share`` in ``steps.select``): an image
    # cluster's few stray images must not choose the program of the cluster's real symbol
    min_key_share: float = 0.0
    # One reading per round: a program whose evidence guessed another symbol a constant leaf
    # and a program with arguments for that symbol are not adopted together (see
    # ``consistent_guesses`` in ``steps.select``)
    consistent_guesses: bool = True
    # A program abduction keeps asking to change may be replaced by another symbol's program
    # that explains those examples and keeps the symbol's own (see ``steps.borrowed_programs``)
    borrow_programs: bool = False
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
        if self.n_symbols < 1:
            raise ConfigError(f"n_symbols must be positive, got {self.n_symbols}")
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


def config_for_task(task: Any, split: str, **overrides: Any) -> LearnerConfig:
    """The learner configuration for a task: the defaults with the facts the task declares
    about its data (primitive library, open-class pattern), and ``overrides`` on top (a user's
    choice, or image perception's settings): one place, so the CLI and the benchmarks train
    alike. A task declares no learner setting."""
    options = {"library": task.primitive_library, "open_class": task.open_class, **overrides}
    return LearnerConfig(task=task.name, split=split, **options)


@dataclass
class TrainResult:
    model: NsrModel
    metrics: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


def _unique(examples: Sequence[Example]) -> list[Example]:
    seen: dict[tuple[str, ...], Example] = {}
    for ex in examples:
        seen.setdefault(ex.source, ex)
    return list(seen.values())


def _sort_out(examples: Sequence[Example], parses: Sequence,
              labels: dict) -> tuple[list, list[Labelled]]:
    """Record consistent parses as pseudo-labels; return the wrong (parse, target) pairs.

    Also returns the labels of the consistent parses whose tree only the fallback beam found
    (see ``LearnerConfig.learn_rescued``).
    """
    wrong, rescued = [], []
    for ex, p in zip(examples, parses, strict=True):
        if p.output == ex.target and p.tree is not None:
            labels[ex.source] = Labelled(ex.source, p.symbols, p.tree, p.keys)
            if p.rescued:
                rescued.append(labels[ex.source])
        else:
            labels.pop(ex.source, None)
            wrong.append((p, ex.target))
    return wrong, rescued


def accuracy(model: NsrModel, examples: Sequence[Example]) -> float:
    if not examples:
        return 0.0
    preds = model.predict([ex.source for ex in examples])
    return sum(p == ex.target for p, ex in zip(preds, examples, strict=True)) / len(examples)


def train(examples: Sequence[Example], config: LearnerConfig, *, seed: int = 0,
          out: Path | None = None, resume: bool = False, progress: bool = True,
          log: Callable[[str], None] | None = None, init: NsrModel | None = None) -> TrainResult:
    """Learn a model from (input, output) pairs alone; checkpoints go to ``out`` when given.

    ``init``: start from this trained model, grown by the examples' new words (see
    :mod:`nsr.model.extend`), instead of a blank one.
    """
    if not examples:
        raise ConfigError("no training examples")
    import torch

    threads = torch.get_num_threads()
    if config.torch_threads > 0:
        torch.set_num_threads(config.torch_threads)
    try:
        return _train(examples, config, seed=seed, out=out, resume=resume, progress=progress,
                      log=log, init=init)
    finally:
        torch.set_num_threads(threads)


def _train(examples: Sequence[Example], config: LearnerConfig, *, seed: int, out: Path | None,
           resume: bool, progress: bool, log: Callable[[str], None] | None,
           init: NsrModel | None = None) -> TrainResult:
    from nsr.perception.segments import Segmenter

    start = time.perf_counter()
    data = _unique(examples)
    segmenter = Segmenter(config.open_class)
    # Lengths count segments (nodes of the tree), which for token-per-segment tasks are tokens.
    lengths = {ex.source: len(segmenter(ex.source)) for ex in data}
    stages = _stages(list(lengths.values()), config)
    if init is not None:
        from nsr.model.extend import extend_vocabulary

        model = extend_vocabulary(init, (k for ex in data for k in segmenter(ex.source).keys),
                                  seed=seed)
    else:
        model = _initial_model(data, config, seed, segmenter)
    metrics: list[dict[str, Any]] = []
    first_stage = 0
    labels: dict[tuple[str, ...], Labelled] = {}
    elapsed_before = 0.0
    if resume and out is not None and (Path(out) / checkpoint.FILENAME).is_file():
        state = checkpoint.load(Path(out))
        model = NsrModel.from_state(state["model"])
        metrics = list(state.get("metrics", []))
        first_stage = int(state["progress"]["next_stage"])
        elapsed_before = float(state["progress"].get("seconds", 0.0))
    say = log or (lambda msg: None)
    bar = _progress(len(stages) - first_stage, progress)
    # Projective trees first (the simpler hypothesis); the first stage they cannot fit is
    # learned again, from the model before it, with every tree allowed, and kept if it fits
    # clearly better (see _fits_better)
    can_widen = model.parser.cfg.projective
    for k in range(first_stage, len(stages)):
        max_len = stages[k]
        pool = [ex for ex in data if lengths[ex.source] <= max_len]
        last = k == len(stages) - 1
        before = _snapshot(model, labels) if can_widen else None
        # One generator per stage, so a resumed run makes the same choices as an uninterrupted
        # one (pseudo-labels need no saving: round 0 re-derives them from the model).
        stage_info = _run_stage(model, pool, labels, config, k, max_len, last,
                                random.Random(seed * 100_003 + k), say)
        if before is not None and stage_info["train_acc"] < 1.0:
            can_widen = False
            wide, wide_labels = _restore(before, projective=False)
            say(f"stage {k}: projective trees fit {stage_info['train_acc']:.4f}; "
                "trying every tree")
            trial = _run_stage(wide, pool, wide_labels, config, k, max_len, last,
                               random.Random(seed * 100_003 + k), say)
            if _fits_better(trial["train_acc"], stage_info["train_acc"]):
                model, labels, stage_info = wide, wide_labels, trial
                stage_info["widened"] = True
        metrics.append(stage_info)
        say(f"stage {k} (len <= {max_len}): {len(pool)} examples, train acc {stage_info['train_acc']:.4f}")
        if out is not None:
            save_checkpoint(Path(out), model, config, seed, metrics, next_stage=k + 1,
                            seconds=elapsed_before + time.perf_counter() - start)
        bar.update(1)
    bar.close()
    if config.perception == "images" and first_stage < len(stages):
        from nsr.learning.images import final_perception_fit

        final_perception_fit(model, data, seed)
    seconds = elapsed_before + time.perf_counter() - start
    if out is not None:
        save_checkpoint(Path(out), model, config, seed, metrics, next_stage=len(stages),
                        seconds=seconds)
        _plot(Path(out), metrics)
    return TrainResult(model, metrics, seconds)


def _run_stage(model: NsrModel, pool: list[Example], labels: dict[tuple[str, ...], Labelled],
               config: LearnerConfig, k: int, max_len: int, last: bool, rng: random.Random,
               say: Callable[[str], None]) -> dict[str, Any]:
    """Rounds of deduce, abduce, select, learn over one stage's ``pool`` until every example is
    right or the rounds run out; changes ``model`` and ``labels``, returns the stage's metrics."""
    t0 = time.perf_counter()
    stage_info: dict[str, Any] = {"stage": k, "max_len": max_len, "examples": len(pool)}
    timing = dict.fromkeys(("deduce", "abduce", "select", "learn"), 0.0)
    todo = pool
    for rnd in range(config.final_rounds if last and config.final_rounds
                     else config.rounds_per_stage):
        t1 = time.perf_counter()
        parses = deduce(model, [ex.source for ex in todo])
        timing["deduce"] += time.perf_counter() - t1
        wrong, rescued = _sort_out(todo, parses, labels)
        if rnd == 0:
            stage_info["train_acc_before"] = 1.0 - len(wrong) / len(pool)
        if not wrong and todo is not pool:
            # What was wrong is fixed; check that learning broke nothing else before stopping.
            todo = pool
            t1 = time.perf_counter()
            wrong, rescued = _sort_out(pool, deduce(model, [ex.source for ex in pool]), labels)
            timing["deduce"] += time.perf_counter() - t1
        if not config.learn_rescued:
            rescued = []
        if not wrong and not rescued:
            break
        if len(wrong) > config.max_abduce:
            wrong = rng.sample(wrong, config.max_abduce)
        chosen = Selection(())
        if wrong:
            t1 = time.perf_counter()
            abductions = abduce(model, wrong, enumerate_up_to=config.enumerate_up_to,
                                beam=config.beam, samples=config.samples,
                                seed=rng.randrange(2**31), inverse=config.inverse,
                                guess_lower=config.guess_lower_holes,
                                memo=config.fast_abduction,
                                enumerate_new=config.enumerate_new)
            t2 = time.perf_counter()
            kept = unsolved_symbol_rows(model, list(labels.values()), config.solved_fraction,
                                        config.search_config().max_rows) \
                if config.solved_fraction > 0 else None
            inventory = symbol_inventory(model) if config.min_key_share > 0 else None
            chosen = select(model, abductions, config.search_config(),
                            adopt_fraction=config.adopt_fraction,
                            min_support=config.min_support, unsolved_rows=kept,
                            loose_evidence=config.loose_evidence,
                            key_share=config.min_key_share, inventory=inventory,
                            consistent_guesses=config.consistent_guesses)
            if config.borrow_programs:
                chosen = _with_borrowed(model, abductions, list(labels.values()), chosen,
                                        config)
            t3 = time.perf_counter()
            timing["abduce"] += t2 - t1
            timing["select"] += t3 - t2
            if config.perception_revision:
                chosen = _with_symbol_revisions(model, wrong, chosen,
                                                config.revision_alternatives)
        t_learn = time.perf_counter()
        for lab in chosen.labels:
            labels[lab.tokens] = lab
        for sym, prog in chosen.programs.items():
            say(f"stage {k} round {rnd}: {model.symbol_names[sym]} := {_text(prog)}")
        # Rescued labels share the new ones' slots; at most half, so replay keeps its place.
        extra = rng.sample(rescued, min(len(rescued), config.max_trees // 2)) \
            if rescued else []
        learn(model, chosen.programs, list(chosen.labels) + extra, list(labels.values()),
              seed=rng.randrange(2**31), parser_epochs=config.parser_epochs,
              max_trees=config.max_trees, fits=chosen.fits)
        timing["learn"] += time.perf_counter() - t_learn
        # New programs can change any output; otherwise re-check only what is not yet right
        # (and what greedy decoding alone did not yet get right).
        again = {lab.tokens for lab in rescued}
        todo = pool if chosen.programs else \
            [ex for ex in pool if ex.source not in labels or ex.source in again]
    else:
        _sort_out(todo, deduce(model, [ex.source for ex in todo]), labels)
    if last:  # the final figure is measured on every example, not estimated
        _sort_out(pool, deduce(model, [ex.source for ex in pool]), labels)
    stage_info["train_acc"] = sum(ex.source in labels for ex in pool) / len(pool)
    stage_info["step_seconds"] = {k2: round(v, 3) for k2, v in timing.items()}
    stage_info["programs"] = len(model.programs)
    stage_info["seconds"] = round(time.perf_counter() - t0, 3)
    return stage_info


def _fits_better(wide: float, narrow: float) -> bool:
    """Whether every tree fits a stage clearly better than projective trees alone: it must
    right at least half of what they left wrong. Why half: a few noisy examples (misread
    images) that more trees happen to fit are no evidence for crossing arcs, and more trees
    always fit some noise; a reading the data needs rights nearly all of them (SCAN: 84% ->
    100%)."""
    return wide - narrow >= 0.5 * (1.0 - narrow) and wide > narrow


def _snapshot(model: NsrModel, labels: dict) -> tuple[dict, dict]:
    """The model's state and the pseudo-labels, copied (see :func:`_restore`)."""
    import copy

    return copy.deepcopy(model.state_dict()), dict(labels)


def _restore(snapshot: tuple[dict, dict], *, projective: bool) -> tuple[NsrModel, dict]:
    """A model rebuilt from ``snapshot`` with its parser's projectivity set, and its labels."""
    import copy

    state, labels = copy.deepcopy(snapshot[0]), dict(snapshot[1])
    state["parser"]["config"]["projective"] = projective
    return NsrModel.from_state(state), labels


def curriculum_from_lengths(lengths: Sequence[int], growth: float) -> tuple[int, ...]:
    """Stage lengths read off the data: the shortest inputs first, whatever their length, then
    a new stage each time the pool of examples has grown by ``growth`` (or more).

    Why: short inputs pin down the symbols' meanings and the smallest compositions, and each
    stage must bring enough new examples to teach something, but not so many at once that
    abduction drowns: on a geometric schedule the work per stage stays balanced whatever the
    task's length distribution (HINT's lengths 1..37 give stages 1, 3, 5, 7, 11, 15, 23, all;
    SCAN's 1..9 nearly every length).
    """
    counts = Counter(lengths)
    stages: list[int] = []
    pool = total = 0  # examples up to the last stage; up to the length looked at
    for n in sorted(counts):
        total += counts[n]
        if not stages or total >= growth * pool:
            stages.append(n)
            pool = total
    if stages[-1] != max(counts):
        stages.append(max(counts))
    return tuple(stages)


def _stages(lengths: Sequence[int], config: LearnerConfig) -> tuple[int, ...]:
    """The run's stages: ``config.curriculum`` when given (a user's choice, trimmed to the
    data), else :func:`curriculum_from_lengths`."""
    if not config.curriculum:
        return curriculum_from_lengths(lengths, config.stage_growth)
    longest, shortest = max(lengths), min(lengths)
    stages = config.curriculum
    if stages[-1] < longest:
        stages = (*stages, longest)
    # A stage with no example of its length teaches nothing (and has no accuracy): drop it,
    # e.g. the 1-token stage of a task whose shortest input has 2 tokens.
    return tuple(n for n in stages if n >= shortest)


def _initial_model(data: Sequence[Example], config: LearnerConfig, seed: int,
                   segmenter) -> NsrModel:
    if config.perception == "images":
        from nsr.learning.images import initial_image_model

        return initial_image_model(data, config, seed)
    vocab = sorted({t for ex in data for t in segmenter(ex.source).keys})
    model = NsrModel(vocab, config.library, seed=seed, open_class=config.open_class,
                     live_trees=config.live_trees, parser_config=config.parser_config(len(vocab)))
    model.perception.fit(vocab, list(range(len(vocab))), seed=seed)  # one symbol per token to start
    return model


def _with_borrowed(model: NsrModel, abductions: Sequence, labels: Sequence[Labelled],
                   chosen: Selection, config: LearnerConfig) -> Selection:
    """Add the programs symbols take over from others (a newly induced program wins)."""
    from dataclasses import replace

    taken = {s: p for s, p in borrowed_programs(
        model, abductions, labels, min_support=config.min_support,
        limit=config.search_config().max_rows).items() if s not in chosen.programs}
    if not taken:
        return chosen
    return replace(chosen, programs={**chosen.programs, **taken},
                   fits={**chosen.fits, **dict.fromkeys(taken, 1.0)})


def _with_symbol_revisions(model: NsrModel, wrong: Sequence, chosen: Selection,
                           alternatives: int = 0) -> Selection:
    """Add perception revisions for the wrong examples that select left without a label
    (``alternatives`` > 0: only to the symbols perception ranks next, see ``symbol_revisions``)."""
    from dataclasses import replace

    from nsr.abduction.symbols import symbol_revisions

    done = {lab.tokens for lab in chosen.labels}
    todo = [(p, t) for p, t in wrong if p.tokens not in done]
    extra = tuple(Labelled(tokens, symbols, tree)
                  for tokens, symbols, tree in (
                      symbol_revisions(model, todo, top=alternatives, only_top=True)
                      if alternatives else symbol_revisions(model, todo)))
    return replace(chosen, labels=chosen.labels + extra)


def _text(prog) -> str:
    from nsr.semantics.printer import to_text

    return to_text(prog)


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="curriculum", unit="stage", disable=not enabled, leave=False)


def save_checkpoint(directory: Path, model: NsrModel, config: LearnerConfig, seed: int,
                    metrics: list[dict[str, Any]], *, next_stage: int, seconds: float) -> Path:
    import torch

    payload = {
        "model": model.state_dict(),
        "config": {**asdict(config), "curriculum": list(config.curriculum)},
        "seed": seed,
        "metrics": metrics,
        "progress": {"next_stage": next_stage, "seconds": round(seconds, 3)},
        "versions": {"nsr": __version__, "torch": torch.__version__},
    }
    return checkpoint.save(directory, payload)


def load_model(directory: Path) -> tuple[NsrModel, dict[str, Any]]:
    """The model stored in a checkpoint directory, and the rest of the checkpoint."""
    from nsr.errors import DataError

    state = checkpoint.load(directory)
    try:
        model = NsrModel.from_state(state["model"])
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise DataError(f"checkpoint {directory} is corrupt: {exc}") from exc
    return model, state


def _plot(directory: Path, metrics: list[dict[str, Any]]) -> None:
    from nsr.learning.plot import learning_curve

    learning_curve(metrics, directory / "learning_curve.png")
