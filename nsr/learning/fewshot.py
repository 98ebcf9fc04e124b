"""Few-shot training (``nsr train --init``): learn new words, keep what the model knew.

A trained model is grown by the new data's words (:func:`nsr.model.extend.extend_vocabulary`)
and the ordinary curriculum runs on the new data alone: the user may not have the original
training file, and relearning it is not the point. What the model knew is kept in two ways:

- programs: abduction gives rows only to symbols without a program (holes), and a solved
  program is searched again only where its own rows ask for it, so an old symbol keeps its
  program unless the new data contradicts it;
- syntax: the parser first trains only the new symbols' embeddings (every weight an old-only
  input's parse reads is held), so inputs of old words parse exactly as before. After that
  run each new symbol may take the embedding of an old symbol of its arity instead of its
  own, when that gets more of the new data right (:func:`seat_new_symbols`). Only when the
  held parser still gets less than ``SOLVED`` (95%) of the new data right, which is the new
  data contradicting the old syntax (a new word whose syntax no old word has), is the run
  repeated with every parser weight free, and the run that fits more of the new data is kept
  (the held one on a tie). Why not free it for the last few examples: the free parser fits
  them by moving weights every old input reads (HINT ``avg``: 100% of its training data
  instead of 99.x%, for 1.1 points lost on the long subsets of what the model knew), and
  95% is what the learner asks of a program to count it as solved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from nsr.learning.steps import SOLVED
from nsr.model.extend import extend_vocabulary
from nsr.model.model import NsrModel
from nsr.tasks.base import Example

if TYPE_CHECKING:
    from nsr.learning.config import LearnerConfig
    from nsr.learning.loop import TrainResult

#: ``fit(examples, init)``: one curriculum run from the grown model ``init`` (the loop's).
Fit = Callable[[Sequence[Example], NsrModel], "TrainResult"]


def train_from(init: NsrModel, examples: Sequence[Example], config: LearnerConfig, fit: Fit,
               *, seed: int, out: Path | None,
               log: Callable[[str], None] | None = None) -> TrainResult:
    """Learn ``examples``' new words from the trained ``init`` (see the module doc); the
    chosen run's checkpoint is the one left in ``out``."""
    from nsr.perception.segments import Segmenter

    say = log or (lambda msg: None)
    segmenter = Segmenter(config.open_class)
    words = [k for ex in examples for k in segmenter(ex.source).keys]
    held = extend_vocabulary(init, words, seed=seed)
    first = fit(examples, held)
    if not held.parser.cfg.frozen_symbols:
        return first
    if final_accuracy(first) < 1.0:  # the few examples left wrong may want another row
        seats, right = seat_new_symbols(first.model, examples)
        if seats:
            say("few-shot: " + ", ".join(
                f"{new} parses as {old}" for new, old in seats.items()) + f": {right:.4f}")
            first.metrics[-1] = {**first.metrics[-1], "train_acc": right, "seated": seats}
            if out is not None:
                _save_final(Path(out), first, config, seed)
    if final_accuracy(first) >= SOLVED:
        return first
    say(f"few-shot: the held parser fits {final_accuracy(first):.4f} of the new data; "
        "training again with every parser weight free")
    free = extend_vocabulary(init, words, seed=seed, hold_parser=False)
    second = fit(examples, free)
    seconds = first.seconds + second.seconds  # both runs are the cost of this one
    if final_accuracy(second) > final_accuracy(first):
        return replace(second, seconds=seconds)
    if out is not None:  # the free run's checkpoint was written last: put the held one back
        _save_final(Path(out), first, config, seed)
    return replace(first, seconds=seconds)


def seat_new_symbols(model: NsrModel, examples: Sequence[Example]
                     ) -> tuple[dict[str, str], float]:
    """Give each new symbol of a held parser (see ``ParserConfig.frozen_symbols``) the
    embedding of the old symbol of its program's arity that gets the most ``examples`` right,
    where that beats its own learned one; changes ``model`` in place. Returns the new symbols
    seated (name -> old name) and the fraction of ``examples`` right after.

    Why: a new word mostly has an old word's syntax (``max`` the precedence of ``-``), and with
    every other parser weight held, the old word's row gives it that syntax exactly, where
    gradient steps from a random row get only as far as the pseudo-labels push them; those
    are trees the parser itself proposed, so an example whose tree it never proposes (HINT's
    ``9 max 8 * ( 3 - 0 )`` read as ``( 9 max 8 ) * 3``) stays wrong. The examples' own
    answers judge the candidates, never a test set.
    """
    import torch

    from nsr.learning.loop import accuracy

    table = model.parser.net.sym.weight
    first = model.parser.cfg.frozen_symbols
    best = accuracy(model, examples)
    seats: dict[str, str] = {}
    for new in range(first, len(model.symbol_names)):
        program = model.programs.get(new)
        if program is None:
            continue
        own = table[2 + new].detach().clone()
        chosen = own
        for old in range(first):
            if old not in model.programs or model.programs[old].arity != program.arity:
                continue
            with torch.no_grad():
                table[2 + new] = table[2 + old]
            right = accuracy(model, examples)
            if right > best:
                best, chosen = right, table[2 + old].detach().clone()
                seats[model.symbol_names[new]] = model.symbol_names[old]
        with torch.no_grad():
            table[2 + new] = chosen
    return seats, best


def final_accuracy(result: TrainResult) -> float:
    """Training accuracy of a run's last stage (measured on every example, not estimated)."""
    return float(result.metrics[-1]["train_acc"]) if result.metrics else 0.0


def _save_final(out: Path, result: TrainResult, config: LearnerConfig, seed: int) -> None:
    from nsr.learning.loop import _plot, save_checkpoint

    save_checkpoint(out, result.model, config, seed, result.metrics,
                    next_stage=len(result.metrics), seconds=result.seconds)
    _plot(out, result.metrics)
