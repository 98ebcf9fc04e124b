"""Few-shot training (``nsr train --init``): learn new words, keep what the model knew.

A trained model is grown by the new data's words (:func:`nsr.model.extend.extend_vocabulary`)
and the ordinary curriculum runs on the new data alone: the user may not have the original
training file, and relearning it is not the point. What the model knew is kept in two ways:

- programs: abduction gives rows only to symbols without a program (holes), and a solved
  program is searched again only where its own rows ask for it, so an old symbol keeps its
  program unless the new data contradicts it;
- syntax: the parser first trains only the new symbols' embeddings (every weight an old-only
  input's parse reads is held), so inputs of old words parse exactly as before. Only when
  that held parser cannot fit the new data, which is the new data contradicting the old
  syntax (a new word whose syntax no old word has), is the run repeated with every parser
  weight free, and the run that fits more of the new data is kept (the held one on a tie).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

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

    segmenter = Segmenter(config.open_class)
    words = [k for ex in examples for k in segmenter(ex.source).keys]
    held = extend_vocabulary(init, words, seed=seed)
    first = fit(examples, held)
    if not held.parser.cfg.frozen_symbols or final_accuracy(first) >= 1.0:
        return first
    (log or (lambda msg: None))(
        f"few-shot: the held parser fits {final_accuracy(first):.4f} of the new data; "
        "training again with every parser weight free")
    free = extend_vocabulary(init, words, seed=seed, hold_parser=False)
    second = fit(examples, free)
    seconds = first.seconds + second.seconds  # both runs are the cost of this one
    if final_accuracy(second) > final_accuracy(first):
        return replace(second, seconds=seconds)
    if out is not None:  # the free run's checkpoint was written last: put the held one back
        _save_final(Path(out), first, config, seed)
    return replace(first, seconds=seconds)


def final_accuracy(result: TrainResult) -> float:
    """Training accuracy of a run's last stage (measured on every example, not estimated)."""
    return float(result.metrics[-1]["train_acc"]) if result.metrics else 0.0


def _save_final(out: Path, result: TrainResult, config: LearnerConfig, seed: int) -> None:
    from nsr.learning.loop import save_checkpoint
    from nsr.learning.plot import learning_curve

    save_checkpoint(out, result.model, config, seed, result.metrics,
                    next_stage=len(result.metrics), seconds=result.seconds)
    learning_curve(result.metrics, out / "learning_curve.png")
