"""The deduction-abduction loop with a length curriculum, checkpoints and resume.

Stage k trains on the examples of at most ``curriculum[k]`` input tokens. Within a stage,
rounds repeat the four steps until nothing changes: *deduce* (run the model), *abduce* (tree
hypotheses and value revisions for the wrong examples), *select* (pseudo-labels; programs for
holes by MDL program search) and *learn* (adopt programs, train parser and perception). Short
examples come first because they pin down the primitives' meanings and the smallest
compositions; longer ones then mostly teach the parser.

Reading order: :func:`train` -> :func:`_train` (the curriculum) -> :func:`_fit_stage` (one
stage, widened to every tree once) -> :func:`_run_stage` (its rounds) -> ``_deduce_step``,
``_abduce_step``, ``_select_step``, ``_doubt_step``, ``_perception_step``, ``_learn_step`` (one
round; the work itself is in :mod:`nsr.learning.steps`, and for programs the data contradicts
in :mod:`nsr.learning.contradicted`). Settings: :mod:`nsr.learning.config`.

Where a stage's programs leave most of it wrong and phrase readings of words explain more of
it, the readings may become the model's meaning and the curriculum stops (the same rule for
every task: :mod:`nsr.learning.phrase_choice`).

After each stage a checkpoint is written atomically, so an interrupted run resumes at the next
stage with ``resume=True``.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple

from nsr import __version__
from nsr.abduction.lexicon import Neighbours
from nsr.errors import ConfigError
from nsr.learning.config import (
    AbductionConfig,
    LearnConfig,
    LearnerConfig,
    PerceptionSettings,
)
from nsr.learning.leaf_bootstrap import adopt_leaf_values
from nsr.learning.mate_trees import mate_trees, tree_arcs
from nsr.learning.noise import Thresholds, model_noise, scaled_count, symbol_noise
from nsr.learning.phrase_choice import stage_prefers_phrases
from nsr.learning.steps import (
    Abduction,
    Labelled,
    Selection,
    abduce,
    borrowed_programs,
    deduce,
    interchangeable_symbols,
    learn,
    select,
    symbol_inventory,
    unsolved_symbol_rows,
)
from nsr.model import checkpoint
from nsr.model.model import NsrModel
from nsr.syntax.tree import Tree
from nsr.tasks.base import Example


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


def _sort_out(model: NsrModel, examples: Sequence[Example], parses: Sequence,
              labels: dict) -> tuple[list, list[Labelled]]:
    """Record consistent parses as pseudo-labels; return the wrong (parse, target) pairs.

    A right parse's label is the tree its input gets with its words swapped for their mates,
    where that tree differs from its own and gives the same answer (see
    :mod:`nsr.learning.mate_trees`). Also returns the labels of the consistent parses whose
    tree only the fallback beam found (see ``LearnerConfig.learn_rescued``).
    """
    settled = [ex.source in labels and labels[ex.source].tree == p.tree
               for ex, p in zip(examples, parses, strict=True)]
    moved: dict[int, Tree] = {}
    # The evidence below is read from every label; after a new program the whole pool is
    # parsed again and nearly every right parse is already settled: skip it then.
    if any(p.tree is not None and p.output == ex.target and not done
           for ex, p, done in zip(examples, parses, settled, strict=True)):
        seen = {pair for lab in labels.values() for pair in pairwise(lab.symbols)}
        seen.update(pair for p in parses for pair in pairwise(p.symbols))
        arcs = {arc for lab in labels.values() for arc in tree_arcs(lab.symbols, lab.tree)}
        inputs = [lab.symbols for lab in labels.values()] + [p.symbols for p in parses]
        moved = mate_trees(model, parses, [ex.target for ex in examples],
                           interchangeable_symbols(model, inputs), settled, seen, arcs)
    wrong, rescued = [], []
    for i, (ex, p) in enumerate(zip(examples, parses, strict=True)):
        if p.output == ex.target and p.tree is not None:
            labels[ex.source] = Labelled(ex.source, p.symbols, moved.get(i, p.tree), p.keys)
            if p.rescued:
                rescued.append(labels[ex.source])
        else:
            labels.pop(ex.source, None)
            wrong.append((p, ex.target))
    return wrong, rescued


def answered_right(model: NsrModel, examples: Sequence[Example]) -> int:
    """How many of ``examples`` the model answers right."""
    if not examples:
        return 0
    preds = model.predict([ex.source for ex in examples], reread=False)
    return sum(p == ex.target for p, ex in zip(preds, examples, strict=True))


def accuracy(model: NsrModel, examples: Sequence[Example]) -> float:
    return answered_right(model, examples) / len(examples) if examples else 0.0


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
        if init is not None:  # few-shot: keep what ``init`` knew (see nsr.learning.fewshot)
            from nsr.learning.fewshot import train_from

            return train_from(init, examples, config, lambda data, grown: _train(
                data, config, seed=seed, out=out, resume=resume, progress=progress, log=log,
                init=grown), seed=seed, out=out, log=log)
        return _train(examples, config, seed=seed, out=out, resume=resume, progress=progress,
                      log=log, init=init)
    finally:
        torch.set_num_threads(threads)


def _train(examples: Sequence[Example], config: LearnerConfig, *, seed: int, out: Path | None,
           resume: bool, progress: bool, log: Callable[[str], None] | None,
           init: NsrModel | None = None) -> TrainResult:
    """The curriculum: each stage fits the examples up to its length (see :func:`_fit_stage`),
    then the checkpoint is written; a resumed run starts at the stage after the last saved."""
    start = time.perf_counter()
    data = _unique(examples)
    lengths, stages = _lengths_and_stages(data, config)
    run = _Run(_first_model(data, config, seed, init), [], 0, 0.0)
    if resume and out is not None and (Path(out) / checkpoint.FILENAME).is_file():
        run = _resumed(Path(out))
    say = log or (lambda msg: None)
    bar = _progress(len(stages) - run.first_stage, progress)
    model, metrics, labels = run.model, run.metrics, {}
    # Projective trees first (the simpler hypothesis); see _fit_stage
    can_widen = model.parser.cfg.projective
    guessed: dict[int, tuple[str, str]] = {}  # see _fit_stage
    lexicon = _Lexicon.of(model, data)
    # Phrase readings as the meaning where programs explain too little (once per run; see
    # nsr.learning.phrase_choice); a resumed run of a phrase model has no stage left
    phrases_tried = model.phrases is not None
    for k in range(run.first_stage, len(stages)):
        pool = [ex for ex in data if lengths[ex.source] <= stages[k]]
        ahead = [] if k + 1 == len(stages) else \
            [ex for ex in data if stages[k] < lengths[ex.source] <= stages[k + 1]][:AHEAD]
        adopt_leaf_values(model, pool, config, say, seed)  # only where rounds get nothing
        settling = _new_symbols(model, pool, lengths, stages[k - 1] if k else 0, config)
        model, labels, stage_info = _fit_stage(model, labels, pool, config, k, stages[k],
                                               k == len(stages) - 1, seed, say, can_widen,
                                               guessed, lexicon, ahead, settling)
        # One chance: the first stage projective trees cannot fit decides
        can_widen = can_widen and stage_info["train_acc"] >= 1.0 and "widened" not in stage_info
        metrics.append(stage_info)
        say(f"stage {k} (len <= {stages[k]}): {len(pool)} examples, "
            f"train acc {stage_info['train_acc']:.4f}")
        done = k + 1
        if not phrases_tried and stage_prefers_phrases(
                pool, round(stage_info["train_acc"] * len(pool)),
                lambda msg, k=k: say(f"stage {k}: {msg}")):
            phrases_tried = True  # one fit over the whole file, whatever it decides
            if _phrase_meaning(model, examples, data, metrics, k, max(lengths.values()), say):
                done = len(stages)  # the curriculum stops: see nsr.learning.phrase_choice
        if out is not None:
            save_checkpoint(Path(out), model, config, seed, metrics, next_stage=done,
                            seconds=run.seconds_before + time.perf_counter() - start)
        bar.update(done - k)
        if done == len(stages):
            break
    bar.close()
    if config.perception == "images" and run.first_stage < len(stages):
        from nsr.learning.images import final_perception_fit

        final_perception_fit(model, data, seed)
    seconds = run.seconds_before + time.perf_counter() - start
    if out is not None:
        save_checkpoint(Path(out), model, config, seed, metrics, next_stage=len(stages),
                        seconds=seconds)
        _plot(Path(out), metrics)
    return TrainResult(model, metrics, seconds)


def _new_symbols(model: NsrModel, pool: Sequence[Example], lengths: dict[tuple[str, ...], int],
                 before: int, config: LearnerConfig) -> frozenset[int]:
    """The symbols perception reads in ``pool``'s examples longer than ``before`` (the last
    stage's length) and in none of the shorter ones: new in this stage. Only where perception
    may be revised (an image cluster; elsewhere nothing asks). Read off the model as it is,
    so a resumed run finds the same set as an uninterrupted one."""
    if not _revisable(model, config.perception_config()):
        return frozenset()
    old = {tok for ex in pool if lengths[ex.source] <= before for tok in ex.source}
    new = {tok for ex in pool if lengths[ex.source] > before for tok in ex.source} - old
    read = model.perception.predict
    return frozenset(read(sorted(new))[0]) - frozenset(read(sorted(old))[0] if old else ())


def _phrase_meaning(model: NsrModel, examples: Sequence[Example], data: Sequence[Example],
                    metrics: list[dict[str, Any]], k: int, longest: int,
                    say: Callable[[str], None]) -> bool:
    """Step 2 of :mod:`nsr.learning.phrase_choice`: readings over the whole training file
    against the programs; the readings become the meaning when they explain more (True)."""
    from nsr.learning.phrase_choice import adopt, fit_whole

    fit = fit_whole(model, examples, data)
    say(f"phrase readings explain {fit.phrases_right}/{fit.examples} training examples, "
        f"programs {fit.programs_right}: the meaning is "
        + ("phrase readings" if fit.wins else "programs"))
    if fit.wins:
        metrics.append(fit.metrics(k + 1, longest))  # the run's last entry: its meaning
        adopt(model, fit)
    else:
        metrics[-1]["phrases_checked"] = {"phrases_right": fit.phrases_right,
                                          "programs_right": fit.programs_right,
                                          "examples": fit.examples}
    return fit.wins


@dataclass(frozen=True)
class _Lexicon:
    """What co-occurrence over the whole training file says about its words: each input's
    symbols, and the atom guessed for each word (see :mod:`nsr.abduction.lexicon`).

    Why the whole file and not a stage's examples: the curriculum orders what programs are
    learned from, but which atom a word carries is clearest over every example of it (one
    ``jump right`` cannot tell whether ``I_JUMP`` is ``jump``'s or ``right``'s; a thousand
    commands can), and the word categories likewise.
    """

    occurs: dict[tuple[str, ...], tuple[int, ...]]
    atoms: dict[int, str]
    neighbours: Neighbours  # for the word categories (``lexicon.categories``)

    @classmethod
    def of(cls, model: NsrModel, data: Sequence[Example]) -> _Lexicon:
        from nsr.abduction.lexicon import (
            can_guess,
            leaf_guesses,
            slot_neighbours,
            symbol_occurrences,
        )

        if not can_guess(model):
            return cls({}, {}, ({}, {}))
        symbols = symbol_occurrences(model, [ex.source for ex in data])
        occurs = dict(zip((ex.source for ex in data), symbols, strict=True))
        return cls(occurs, leaf_guesses(model, symbols, [ex.target for ex in data]),
                   slot_neighbours(symbols))


@dataclass(frozen=True)
class _Run:
    """Where a run starts: its model, the metrics so far, the first stage to fit and the
    seconds already spent (non-zero when resumed)."""

    model: NsrModel
    metrics: list[dict[str, Any]]
    first_stage: int
    seconds_before: float


def _lengths_and_stages(data: Sequence[Example], config: LearnerConfig
                        ) -> tuple[dict[tuple[str, ...], int], tuple[int, ...]]:
    """Each input's length in segments (nodes of the tree; tokens for token-per-segment
    tasks) and the stage lengths of the curriculum."""
    from nsr.perception.segments import Segmenter

    segmenter = Segmenter(config.open_class)
    lengths = {ex.source: len(segmenter(ex.source)) for ex in data}
    return lengths, _stages(list(lengths.values()), config)


def _first_model(data: Sequence[Example], config: LearnerConfig, seed: int,
                 init: NsrModel | None) -> NsrModel:
    """A blank model over the data's vocabulary, or ``init`` grown by the data's new words."""
    from nsr.perception.segments import Segmenter

    segmenter = Segmenter(config.open_class)
    if init is None:
        return _initial_model(data, config, seed, segmenter)
    from nsr.model.extend import extend_vocabulary

    return extend_vocabulary(init, (k for ex in data for k in segmenter(ex.source).keys),
                             seed=seed)


def _resumed(out: Path) -> _Run:
    """The run saved in ``out``, to continue at its next stage."""
    state = checkpoint.load(out)
    return _Run(NsrModel.from_state(state["model"]), list(state.get("metrics", [])),
                int(state["progress"]["next_stage"]),
                float(state["progress"].get("seconds", 0.0)))


def _fit_stage(model: NsrModel, labels: dict[tuple[str, ...], Labelled], pool: list[Example],
               config: LearnerConfig, k: int, max_len: int, last: bool, seed: int,
               say: Callable[[str], None], can_widen: bool,
               guessed: dict[int, tuple[str, str]], lexicon: _Lexicon,
               ahead: Sequence[Example] = (), settling: frozenset[int] = frozenset()
               ) -> tuple[NsrModel, dict[tuple[str, ...], Labelled], dict[str, Any]]:
    """Stage ``k``, with guessed programs for its words while no word has a program yet (and
    for new words of a category that has guesses).

    Co-occurrence over the whole file guesses an atom for each word (``lexicon``, see
    :class:`_Lexicon`); the stage is fitted with every
    guess as a leaf, then, while examples stay wrong, the categories of the words in them
    (guesses of this stage or an earlier one: ``guessed``, symbol -> (atom, form), updated in
    place; learned programs that fail often) are tried in other forms, and the fit that scores
    best is kept (see :func:`_stage_score`). A changed guess that does not help beside the
    programs learned on the old one is also tried from the guesses alone (those programs
    forgotten); when no single change helps, the stage is learned once more from its guesses
    alone.
    ``ahead``: the next stage's examples, longer and not fitted here, which every fit is also
    scored on (see :func:`_stage_score`). Why: on a few short examples, contorted meanings can
    fit as many as the right ones (``left`` := append(x, 'I_TURN_LEFT') with conjunctions
    that reverse), but only the right ones carry over to longer commands: held-out
    validation inside the training file.
    ``settling``: the symbols first read in this stage (see :func:`_new_symbols`).
    Why search forms: whether a word is its atom alone (``walk``) or puts it before what it
    governs (``right`` in ``look right thrice``) is not in the word's co-occurrences, and a
    short stage may fit either way; the data that tells them apart can come stages later.
    """
    from nsr.abduction.lexicon import FORMS, can_guess, categories, guess_program

    if not can_guess(model):
        return _fit_trees(model, labels, pool, config, k, max_len, last, seed, say, can_widen,
                          settling)
    occurs = {ex.source: lexicon.occurs[ex.source] for ex in pool}
    present = {s for syms in occurs.values() for s in syms}
    atoms = {s: atom for s, atom in lexicon.atoms.items() if s in present}
    # Guesses only while nothing is known: once some words have programs, abduction derives
    # a new word's rows from them (``walk`` known: ``walk left`` gives ``left`` a row), and a
    # guess would only fix a shape the data may never show directly (``right`` seen only
    # after ``opposite``/``around``)
    # ... except for a new word whose category has guesses: it takes their shape (``look``
    # new where ``jump`` puts its atom after what it governs)
    fresh = _kin_forms(atoms, guessed, model, lexicon) if model.programs else \
        dict.fromkeys(atoms, "leaf")
    before = _snapshot(model, labels)
    projective = model.parser.cfg.projective
    names = model.symbol_names
    forms = {**{s: form for s, (_, form) in guessed.items()}, **fresh}
    atoms.update({s: atom for s, (atom, _) in guessed.items()})

    def report(score: StageScore) -> None:
        say(f"stage {k}: {score.right}/{len(pool)} right, {score.total - score.right}/"
            f"{len(ahead)} ahead, description length {-score.neg_bits:.0f} bits")

    def attempt(chosen: dict[int, str], forget: bool = False, widen: bool = False) -> tuple:
        trial, trial_labels = _restore(before, projective=projective)
        if forget:
            trial.programs.clear()
            trial.fits.clear()
            trial_labels = {}
        for s, form in chosen.items():
            if forms.get(s) != form:  # a changed guess: what rested on the old one goes
                trial_labels = {t: lab for t, lab in trial_labels.items()
                                if s not in lab.symbols}
            if form == "none":
                trial.programs.pop(s, None)
            else:
                trial.programs[s] = guess_program(atoms[s], form)
                trial.fits[s] = 1.0
        say(f"stage {k}: guesses " + ", ".join(f"{names[s]}={f}" for s, f in
                                               sorted(chosen.items())))
        fitted = _fit_trees(trial, trial_labels, pool, config, k, max_len, last, seed, say,
                            widen, settling)
        score = _stage_score(fitted[0], fitted[1], pool, ahead)
        report(score)
        return fitted, score

    chosen, forgot = dict(forms), False
    if fresh:
        best, score = attempt(chosen)
    else:
        best = _fit_trees(model, labels, pool, config, k, max_len, last, seed, say, can_widen,
                          settling)
        score = _stage_score(best[0], best[1], pool, ahead)
        report(score)

    def keep(chosen: dict[int, str]) -> None:
        guessed.clear()
        guessed.update({s: (atoms[s], form) for s, form in chosen.items() if form != "none"})

    if score.right == len(pool):
        keep(chosen)
        return best
    if k > 0 and set(atoms) - set(fresh) and 2 * score.right < len(pool):
        # Most of the stage wrong: start over on its examples. What earlier, smaller stages
        # adopted may rest on too few examples to be right (``right`` := the whole output
        # of ``jump right``, ``jump`` := empty), and co-occurrence now sees more.
        every = dict.fromkeys(atoms, "leaf")
        trial, trial_score = attempt(every, forget=True)
        if trial_score > score:
            chosen, best, score, forgot = every, trial, trial_score, True
    wrong = Counter(s for ex in pool if ex.source not in best[1]
                    for s in set(occurs[ex.source]) if s in best[0].programs or s in chosen)
    # Any other symbol is in question where its examples are wrong more often than the
    # stage's (and at least a quarter of them): a wrong meaning breaks the examples holding
    # the word (``opposite`` := cons('I_TURN_RIGHT', x) from two ``opposite right``); then
    # its program goes ("none": learned again) or becomes a guess.
    seen = Counter(s for ex in pool for s in set(occurs[ex.source]) if s in wrong)
    rate = (len(pool) - score.right) / len(pool)
    suspects = [s for s in wrong if s in fresh or wrong[s] >= max(rate, 0.25) * seen[s]]
    # Each trial refits the stage: fewer of them as the stage grows
    trials, tried = max(1, MAX_FORM_TRIALS * min(len(pool), TRIAL_POOL) // len(pool)), set()
    runners: list[tuple] = []  # (score, -assumed, shapes, forgot) of every trial

    def moves() -> list[tuple[frozenset, str]]:
        """(category, form) changes to try: the suspects' categories (see ``categories``:
        words of one category take the same shape of meaning), most wrong examples first."""
        out = []
        for form_now in sorted(set(chosen.values()) | {"learned"}):
            same = [t for t in {*chosen, *suspects} if chosen.get(t, "learned") == form_now]
            for kin in categories(lexicon.neighbours, same):
                kin = kin & set(suspects) if form_now == "learned" else kin
                if not kin & set(suspects):
                    continue
                # A word with an atom tries its forms; a learned program can also go (to be
                # learned again): dropping a guess leaves its word to the slow search.
                named = frozenset(kin & set(atoms))
                for group, form in [*((named, f) for f in FORMS if named),
                                    *([(kin, "none")] if form_now == "learned" else [])]:
                    if form != form_now and (group, form) not in tried:
                        out.append((group, form))
        return sorted(out, key=lambda m: -sum(wrong[t] for t in m[0]))

    # Steepest ascent: a move that helps a little (verbs as suffixes) must not shut out the
    # one that is right (directions as prefixes).
    while score.right < len(pool) and trials:
        step = None
        for kin, form in moves():
            if not trials:
                break
            changed = {**chosen, **dict.fromkeys(kin, form)}
            if step and step[2].right == len(pool) and _assumed(changed) > _assumed(step[0]):
                continue  # a fit with every example right: only a simpler one can beat it
            trials -= 1
            tried.add((kin, form))
            trial, trial_score = attempt(changed, forget=forgot)
            runners.append((trial_score, -_assumed(changed), changed, forgot))
            trial_forgot = forgot
            if k > 0 and not forgot and trials and form != "none" and trial_score <= score:
                # A new shape may not fit beside what the old one taught (``thrice`` as a
                # function of two arguments, learned while ``left`` was a bare atom): it also
                # gets a fit of the stage from the guesses alone
                trials -= 1
                again, again_score = attempt(changed, forget=True)
                runners.append((again_score, -_assumed(changed), changed, True))
                if again_score > trial_score:
                    trial, trial_score, trial_forgot = again, again_score, True
            if (trial_score, -_assumed(changed)) > \
                    ((step[2], -_assumed(step[0])) if step else (score, -_assumed(chosen))):
                step = (changed, trial, trial_score, trial_forgot)
        if step is None and not forgot and k > 0 and trials:
            # No one change helps: meanings learned together may hold each other up (``turn``
            # := append(x, x) with ``opposite`` := empty() from ``turn opposite left``, each
            # relearned from the other when dropped alone). Learn the stage again from the
            # guesses alone, with what the earlier stages taught the parser.
            trials -= 1
            trial, trial_score = attempt(chosen, forget=True)
            if trial_score > score:
                step = (chosen, trial, trial_score, True)
        if step is None:
            break
        if step[3] and not forgot:
            tried.clear()  # from the guesses alone, every move means something new
        chosen, best, score, forgot = step
    if can_widen and score.right < len(pool) and (fresh or chosen != forms):
        # Trials compare meanings over projective trees only (half the cost); the meanings
        # chosen get the stage's one chance at every tree (see _fit_trees)
        best, wide_score = attempt(chosen, forget=forgot, widen=True)
        # The shapes right over every tree may not be the best over projective ones
        # (``opposite(left(look))`` crosses): the runners-up get the chance too, best first
        runners.sort(key=lambda r: r[:2], reverse=True)
        for _, _, other, other_forgot in [r for r in runners if r[2] != chosen][:WIDE_RUNNERS]:
            if wide_score.right == len(pool):
                break
            trial, trial_score = attempt(other, forget=other_forgot, widen=True)
            if trial_score > wide_score:
                chosen, best, wide_score = other, trial, trial_score
    keep(chosen)
    return best


def _kin_forms(atoms: dict[int, str], guessed: dict[int, tuple[str, str]], model: NsrModel,
               lexicon: _Lexicon) -> dict[int, str]:
    """Forms for the new words (an atom, no program, no guess yet) of a category that holds
    guesses: the form most of those guesses take (see ``lexicon.categories``)."""
    from nsr.abduction.lexicon import categories

    new = {s for s in atoms if s not in model.programs and s not in guessed}
    if not new or not guessed:
        return {}
    out: dict[int, str] = {}
    for kin in categories(lexicon.neighbours, new | set(guessed)):
        mates = Counter(guessed[t][1] for t in kin if t in guessed)
        if kin & new and mates:
            out.update(dict.fromkeys(kin & new, mates.most_common(1)[0][0]))
    return out


def _assumed(chosen: dict[int, str]) -> int:
    """How many guesses are functions (an atom before or after what the word governs): of
    two fits that score the same, the one with more bare atoms assumes less."""
    return sum(form in ("before", "after") for form in chosen.values())


class StageScore(NamedTuple):
    """How well a stage fit (see :func:`_stage_score`); compared as a tuple, best highest."""

    total: int  # the stage's examples right, plus those of ``ahead`` answered right
    neg_bits: float  # the description length, negated
    right: int  # the stage's examples right alone


def _stage_score(model: NsrModel, labels: dict, pool: Sequence[Example],
                 ahead: Sequence[Example] = ()) -> StageScore:
    """How well a stage fit, best highest: examples right (the stage's, plus those of
    ``ahead`` the model answers right: see :func:`_fit_stage`), then (negated) description
    length; last, the stage's examples right alone.

    The description length, in bits, is the model's program nodes (each one choice among the
    library's primitives, two parameters and the output's atoms) plus the output tokens of
    every example it gets wrong (each one choice among the atoms and the end): those would
    have to be stored as they are. Why examples right first: on a few examples, storing
    outputs is cheaper than any program, and dropping meanings learned from one-word
    commands would then win.
    """
    import math

    from nsr.induction.library import LIBRARIES
    from nsr.induction.search import program_size

    wrong = [ex for ex in pool if ex.source not in labels]
    atoms = {a for ex in pool if isinstance(ex.target, tuple) for a in ex.target}
    node_bits = math.log2(len(LIBRARIES[model.library].primitives) + 2 + len(atoms))
    token_bits = math.log2(len(atoms) + 1)
    nodes = sum(program_size(p) for p in model.programs.values())
    tokens = sum(len(ex.target) + 1 if isinstance(ex.target, tuple) else 1 for ex in wrong)
    right = len(pool) - len(wrong)
    return StageScore(right + answered_right(model, ahead),
                      -(nodes * node_bits + tokens * token_bits), right)


def _fit_trees(model: NsrModel, labels: dict[tuple[str, ...], Labelled], pool: list[Example],
               config: LearnerConfig, k: int, max_len: int, last: bool, seed: int,
               say: Callable[[str], None], can_widen: bool,
               settling: frozenset[int] = frozenset()
               ) -> tuple[NsrModel, dict[tuple[str, ...], Labelled], dict[str, Any]]:
    """Stage ``k``: rounds over ``pool`` (see :func:`_run_stage`); returns the model, labels
    and metrics it ends with.

    ``can_widen``: the parser is still projective and no stage has failed yet. If this stage
    fails, it is learned again, from the model before it, with every tree allowed; if that
    does not fit every example either, also from the projective fit, with every tree allowed;
    the better is kept when it fits clearly better than projective trees alone (see
    :func:`_fits_better`). One generator per
    stage (from ``seed`` and ``k``), so a resumed run makes the same choices as an
    uninterrupted one (pseudo-labels need no saving: round 0 re-derives them from the model).
    """
    before = _snapshot(model, labels) if can_widen else None
    refuted: dict[int, str] = {}  # shared by the stage's passes (see _doubt_step)
    stage_info = _run_stage(model, pool, labels, config, k, max_len, last,
                            random.Random(seed * 100_003 + k), say, refuted, settling)
    if before is None or stage_info["train_acc"] >= 1.0:
        return model, labels, stage_info
    wide, wide_labels = _restore(before, projective=False)
    say(f"stage {k}: projective trees fit {stage_info['train_acc']:.4f}; trying every tree")
    trial = _run_stage(wide, pool, wide_labels, config, k, max_len, last,
                       random.Random(seed * 100_003 + k), say, refuted, settling)
    if trial["train_acc"] < 1.0:
        # Every tree from the projective fit on: what projective trees taught stays, and
        # crossing arcs serve only the examples left wrong. Why also this: from the model
        # before the stage, crossing trees can keep a wrong meaning consistent (``after``
        # := append(x, y) from ``look after look``, right on ``run left after run`` only
        # through a crossing tree) where projective trees had already found the right one.
        # (the retry above changed only its own copy: ``model`` is still the projective fit;
        # _restore copies it)
        kept, kept_labels = _restore((model.state_dict(), labels), projective=False)
        say(f"stage {k}: every tree fits {trial['train_acc']:.4f} from the stage's start; "
            "trying every tree from the projective fit")
        again = _run_stage(kept, pool, kept_labels, config, k, max_len, last,
                           random.Random(seed * 100_003 + k), say, refuted, settling)
        if again["train_acc"] > trial["train_acc"]:
            wide, wide_labels, trial = kept, kept_labels, again
    if _fits_better(trial["train_acc"], stage_info["train_acc"]):
        return wide, wide_labels, {**trial, "widened": True}
    return model, labels, stage_info


#: Shapes, besides the chosen ones, that get the stage's one chance at every tree when the
#: chosen ones do not fit it (see _fit_stage).
WIDE_RUNNERS = 2
#: At most this many other fits of a stage try other meanings of its words (see _fit_stage).
MAX_FORM_TRIALS = 16
#: ...for stages of up to this many examples; a bigger stage gets proportionally fewer.
TRIAL_POOL = 100

#: At most this many of the next stage's examples score a stage's fits (see _fit_stage).
AHEAD = 100

#: The named steps of a round, in order (each has its own entry in a stage's step_seconds).
STEPS = ("deduce", "abduce", "select", "learn")


def _run_stage(model: NsrModel, pool: list[Example], labels: dict[tuple[str, ...], Labelled],
               config: LearnerConfig, k: int, max_len: int, last: bool, rng: random.Random,
               say: Callable[[str], None], refuted: dict[int, str],
               settling: frozenset[int] = frozenset()) -> dict[str, Any]:
    """Rounds of deduce -> abduce -> select -> learn over one stage's ``pool`` until every
    example is right or the rounds run out; changes ``model`` and ``labels``, returns the
    stage's metrics. ``refuted``: programs searched again in vain in an earlier pass over the
    same stage (see :func:`_doubt_step`), updated. ``settling``: see :func:`_perception_step`."""
    t0 = time.perf_counter()
    stage_info: dict[str, Any] = {"stage": k, "max_len": max_len, "examples": len(pool)}
    timing = dict.fromkeys(STEPS, 0.0)
    todo = pool
    stuck: set[int] = set()  # searched in a round, no program found: may mean the identity
    doubted: set[int] = set()  # programs searched again this stage (see _doubt_step)
    curriculum = config.curriculum_config()
    rounds, most = curriculum.rounds(last), max(curriculum.rounds(last), curriculum.rounds(True))
    rnd, chosen = -1, Selection(())
    verified = False  # the whole pool was just deduced right by the model as it is
    while (rnd := rnd + 1) < most:
        # A round that adopted programs earns one more (up to the last stage's rounds): each
        # round learns one more layer of functions whose rows rest on the ones before
        if rnd >= rounds and not chosen.programs:
            break
        found = _deduce_step(model, pool, todo, labels, timing)
        if rnd == 0:
            stage_info["train_acc_before"] = 1.0 - found.first_wrong / len(pool)
        rescued = found.rescued if config.learn_config().learn_rescued else []
        if not found.wrong and not rescued:
            verified = True  # a deduction with nothing wrong covered the pool (_deduce_step)
            break
        chosen = Selection(())
        if found.wrong:
            wrong, abductions = _abduce_step(model, found.wrong, config.abduction_config(),
                                             rng, timing)
            chosen = _select_step(model, abductions, labels, config, timing,
                                  frozenset(stuck))
            stuck |= chosen.unexplained
            if rnd > 0:
                chosen = _doubt_step(model, abductions, labels, chosen, config, timing,
                                     doubted, refuted,
                                     lambda msg, rnd=rnd: say(f"stage {k} round {rnd}: {msg}"))
            chosen = _perception_step(model, wrong, chosen, config.perception_config(),
                                      settling)
        _learn_step(model, chosen, rescued, labels, config.learn_config(), rng, timing,
                    lambda msg, rnd=rnd: say(f"stage {k} round {rnd}: {msg}"))
        # New programs can change any output; otherwise re-check only what is not yet right
        # (and what greedy decoding alone did not yet get right).
        again = {lab.tokens for lab in rescued}
        todo = pool if chosen.programs else \
            [ex for ex in pool if ex.source not in labels or ex.source in again]
    if rnd >= rounds:  # the rounds ran out: what the last one learned is not yet checked
        _sort_out(model, todo, deduce(model, [ex.source for ex in todo]), labels)
    if last and not verified:  # the final figure is measured on every example, not estimated
        _sort_out(model, pool, deduce(model, [ex.source for ex in pool]), labels)
    stage_info["train_acc"] = sum(ex.source in labels for ex in pool) / len(pool)
    stage_info["step_seconds"] = {name: round(v, 3) for name, v in timing.items()}
    stage_info["programs"] = len(model.programs)
    stage_info["seconds"] = round(time.perf_counter() - t0, 3)
    return stage_info


@dataclass(frozen=True)
class _Deduced:
    """What one deduction over a round's examples found: the wrong (parse, target) pairs, the
    labels of right parses only the fallback beam found, and how many were wrong before a
    re-check of the whole pool."""

    wrong: list[tuple[Any, Any]]
    rescued: list[Labelled]
    first_wrong: int


def _deduce_step(model: NsrModel, pool: list[Example], todo: list[Example],
                 labels: dict[tuple[str, ...], Labelled], timing: dict[str, float]) -> _Deduced:
    """Deduce: run the model on ``todo`` and record its right parses as pseudo-labels. When
    all of ``todo`` is right but it is not the whole pool, the pool is checked too: learning
    may have broken what was right before."""
    t1 = time.perf_counter()
    parses = deduce(model, [ex.source for ex in todo])
    timing["deduce"] += time.perf_counter() - t1
    wrong, rescued = _sort_out(model, todo, parses, labels)
    first_wrong = len(wrong)
    if not wrong and todo is not pool:
        t1 = time.perf_counter()
        wrong, rescued = _sort_out(model, pool, deduce(model, [ex.source for ex in pool]),
                                   labels)
        timing["deduce"] += time.perf_counter() - t1
    return _Deduced(wrong, rescued, first_wrong)


def _abduce_step(model: NsrModel, wrong: list, cfg: AbductionConfig, rng: random.Random,
                 timing: dict[str, float]) -> tuple[list, list[Abduction]]:
    """Abduce: tree hypotheses and value revisions for (at most ``max_abduce`` of) the wrong
    examples; returns the examples abduced and what was found for each. Noisy symbols
    (see :mod:`nsr.learning.noise`) ask for more: their rows are split over more symbols."""
    budget = scaled_count(cfg.max_abduce, cfg.noisy_max_abduce,
                          model_noise(symbol_noise(symbol_inventory(model))))
    if len(wrong) > budget:
        wrong = rng.sample(wrong, budget)
    t1 = time.perf_counter()
    abductions = abduce(model, wrong, enumerate_up_to=cfg.enumerate_up_to, beam=cfg.beam,
                        samples=cfg.samples, seed=rng.randrange(2**31), inverse=cfg.inverse,
                        guess_lower=cfg.guess_lower_holes, memo=cfg.fast_abduction,
                        enumerate_new=cfg.enumerate_new)
    timing["abduce"] += time.perf_counter() - t1
    return wrong, abductions


def _select_step(model: NsrModel, abductions: list[Abduction],
                 labels: dict[tuple[str, ...], Labelled], config: LearnerConfig,
                 timing: dict[str, float], identity_for: frozenset[int] = frozenset()
                 ) -> Selection:
    """Select: pseudo-labels among the hypotheses and programs for the holes (program search,
    MDL), plus programs borrowed from other symbols when that is on. Thresholds and the
    search budget follow how noisy each symbol's rows are (:mod:`nsr.learning.noise`)."""
    from dataclasses import replace

    cfg, search = config.selection_config(), config.search_config()
    t1 = time.perf_counter()
    inventory = symbol_inventory(model)
    noise = symbol_noise(inventory)
    search = replace(search, max_candidates=scaled_count(
        search.max_candidates, cfg.noisy_search_max_candidates, model_noise(noise)))
    thresholds = Thresholds(noise, cfg.adopt_fraction, cfg.min_support,
                            cfg.noisy_adopt_fraction, cfg.noisy_min_support)
    kept = unsolved_symbol_rows(model, list(labels.values()), cfg.solved_fraction,
                                search.max_rows) if cfg.solved_fraction > 0 else None
    chosen = select(model, abductions, search, adopt_fraction=cfg.adopt_fraction,
                    min_support=cfg.min_support, unsolved_rows=kept,
                    loose_evidence=cfg.loose_evidence, key_share=cfg.min_key_share,
                    inventory=inventory if cfg.min_key_share > 0 else None,
                    consistent_guesses=cfg.consistent_guesses,
                    identity_for=identity_for, thresholds=thresholds)
    noisy = {s for s, u in noise.items() if u > 0}
    if cfg.borrow_programs and noisy:
        chosen = _with_borrowed(model, abductions, list(labels.values()), chosen, search,
                                thresholds.noisiest_support(), noisy)
    timing["select"] += time.perf_counter() - t1
    return chosen


def _doubt_step(model: NsrModel, abductions: list[Abduction],
                labels: dict[tuple[str, ...], Labelled], chosen: Selection,
                config: LearnerConfig, timing: dict[str, float], doubted: set[int],
                refuted: dict[int, str], say: Callable[[str], None]) -> Selection:
    """Part of select, in a round that stalls (select adopted no program): the program the
    round's stalled examples (wrong, and no hole could fix them) contradict most is searched
    again, and joins the selection when the new one fixes some of them and breaks no label
    (see :mod:`nsr.learning.contradicted`). One symbol per round, each at most once per stage
    (``doubted``, updated): the next round's deduction shows what the change fixed. Only
    symbols read from one segment: an image cluster's value revisions come from misread
    images too (``borrow_programs`` covers those).

    Not in a stage's round 0 (the caller's part): its wrong examples are read by a parser
    that has not yet trained on the stage's longer inputs, so a stalled one says more about
    the parser than about a program, and a search again at the full budget mostly finds
    nothing (SCAN's ``after`` on six-word commands). Round 1 still has the evidence that
    training the parser did not remove. And once per stage means once over all the stage's
    passes (see :func:`_fit_trees`): a program searched again in vain (``refuted``: symbol
    -> the program's text, updated) is not searched again when a later pass starts from the
    same program. The passes differ in the trees allowed, so the rows differ, but the
    question is the same one the search already answered with nothing at its full budget
    (HINT seed 0's stage 4: ``)``, ``-`` and ``+``, a minute each, in three passes)."""
    from dataclasses import replace

    from nsr.learning.contradicted import doubted_symbols, revised_program

    if chosen.programs:
        return chosen
    cfg = config.selection_config()
    noisy = {s for s, u in symbol_noise(symbol_inventory(model)).items() if u > 0}
    vain = {s for s, text in refuted.items()
            if s in model.programs and _text(model.programs[s]) == text}
    order = doubted_symbols(model, abductions, min_support=cfg.min_support,
                            skip=doubted | noisy | vain, loose=cfg.loose_evidence)
    if not order:
        return chosen
    t1 = time.perf_counter()
    symbol = order[0]
    doubted.add(symbol)
    found = revised_program(model, abductions, list(labels.values()), symbol,
                            config.search_config(), min_support=cfg.min_support,
                            loose=cfg.loose_evidence, say=say)
    timing["select"] += time.perf_counter() - t1
    if found is None:
        refuted[symbol] = _text(model.programs[symbol])
        say(f"{model.symbol_names[symbol]}: contradicted, no better program")
        return chosen
    say(f"{model.symbol_names[symbol]}: contradicted, searched again")
    return replace(chosen, programs={**chosen.programs, symbol: found.program},
                   fits={**chosen.fits, symbol: found.fraction})


def _perception_step(model: NsrModel, wrong: list, chosen: Selection,
                     cfg: PerceptionSettings, settling: frozenset[int] = frozenset()
                     ) -> Selection:
    """With ``perception_revision``: the wrong examples select left without a label may be
    fixed by reading one segment as another symbol (see :func:`_with_symbol_revisions`), only
    where perception's reading is uncertain: some symbol is read from several segments (an
    image cluster). A token is its own symbol: token input is never revised. A segment read
    as a symbol in ``settling`` (first read in this stage) with no program yet keeps it: see
    :mod:`nsr.abduction.symbols`."""
    if not _revisable(model, cfg):
        return chosen
    return _with_symbol_revisions(model, wrong, chosen, cfg.revision_alternatives, settling)


def _revisable(model: NsrModel, cfg: PerceptionSettings) -> bool:
    """Whether abduction may relabel a segment: ``perception_revision`` is on and some symbol
    is read from several segments (an image cluster; a token is its own symbol)."""
    return cfg.perception_revision and any(n > 1 for n in symbol_inventory(model).values())


def _learn_step(model: NsrModel, chosen: Selection, rescued: list[Labelled],
                labels: dict[tuple[str, ...], Labelled], cfg: LearnConfig, rng: random.Random,
                timing: dict[str, float], say: Callable[[str], None]) -> None:
    """Learn: the one model update of a round. The chosen labels join the pseudo-labels, the
    chosen programs are adopted, and parser and perception train on the new labels (plus
    rescued ones) with the old ones replayed."""
    t1 = time.perf_counter()
    for lab in chosen.labels:
        labels[lab.tokens] = lab
    for sym, prog in chosen.programs.items():
        say(f"{model.symbol_names[sym]} := {_text(prog)}")
    # Rescued labels share the new ones' slots; at most half, so replay keeps its place.
    extra = rng.sample(rescued, min(len(rescued), cfg.max_trees // 2)) if rescued else []
    learn(model, chosen.programs, list(chosen.labels) + extra, list(labels.values()),
          seed=rng.randrange(2**31), parser_epochs=cfg.parser_epochs,
          max_trees=cfg.max_trees, fits=chosen.fits)
    timing["learn"] += time.perf_counter() - t1


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
                   chosen: Selection, search, min_support: int,
                   noisy: set[int]) -> Selection:
    """Add the programs ``noisy`` symbols take over from others (a newly induced program
    wins): one meaning split over several image clusters, never one word taking another's.

    A program is not taken when it lets more of the parser's other trees for right examples
    give their targets than the symbol's own does (see
    :func:`nsr.learning.contradicted.other_trees_right`), the test a program searched again
    passes too. Why: the examples a borrowed program fixes can be the parser's noise, not
    the program's fault. HINT images seed 2 read ``)`` as ``lambda x, y: y`` (``(`` :=
    zero()); the misattached trees of its wrong examples asked ``)`` to add, and ``+``'s
    program fits those and every right one (x = 0 there), so it was taken. With ``)`` adding,
    ``( 5 + X )`` is right as ``(0 + 5) + X`` too, which is wrong where ``X`` holds a ``-``:
    the parser learned both trees and ended at 96.5% of its training set, 89% on test."""
    from dataclasses import replace

    from nsr.learning.contradicted import other_trees_right

    def permissive(symbol: int, program) -> bool:
        old_right, new_right = other_trees_right(model, labels, symbol, program)
        return new_right > old_right

    taken = {s: p for s, p in borrowed_programs(
        model, abductions, labels, min_support=min_support,
        limit=search.max_rows).items()
        if s not in chosen.programs and s in noisy and not permissive(s, p)}
    if not taken:
        return chosen
    return replace(chosen, programs={**chosen.programs, **taken},
                   fits={**chosen.fits, **dict.fromkeys(taken, 1.0)})


def _with_symbol_revisions(model: NsrModel, wrong: Sequence, chosen: Selection,
                           alternatives: int = 0, settling: frozenset[int] = frozenset()
                           ) -> Selection:
    """Add perception revisions for the wrong examples that select left without a label
    (``alternatives`` > 0: only to the symbols perception ranks next, see ``symbol_revisions``)."""
    from dataclasses import replace

    from nsr.abduction.symbols import symbol_revisions

    done = {lab.tokens for lab in chosen.labels}
    todo = [(p, t) for p, t in wrong if p.tokens not in done]
    extra = tuple(Labelled(tokens, symbols, tree)
                  for tokens, symbols, tree in (
                      symbol_revisions(model, todo, top=alternatives, only_top=True,
                                       settling=settling)
                      if alternatives else symbol_revisions(model, todo, settling=settling)))
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
