"""Scores of predictions against examples.

Accuracy is a fraction in [0, 1] (not a percentage): it composes with other fractions without
unit bugs; multiply by 100 only when printing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nsr.errors import ConfigError
from nsr.tasks.base import Example, Target


@dataclass(frozen=True)
class Score:
    """Exact-match accuracy: ``correct`` of ``n`` predictions; ``accuracy`` in [0, 1]."""

    accuracy: float
    n: int
    correct: int

    def as_dict(self) -> dict[str, Any]:
        return {"accuracy": self.accuracy, "n": self.n, "correct": self.correct}


def _normalise(prediction: Any) -> Target | None:
    """Lists become tuples so a learner may return either; None means "no answer"."""
    if prediction is None or isinstance(prediction, int | tuple):
        return prediction
    if isinstance(prediction, str):
        # A bare string is almost certainly a formatting mistake; compare it as tokens.
        return tuple(prediction.split())
    return tuple(prediction)


def is_correct(prediction: Any, example: Example) -> bool:
    """True when the prediction equals the example's target exactly (None is never correct)."""
    pred = _normalise(prediction)
    if pred is None or isinstance(pred, bool):
        return False
    return pred == example.target and type(pred) is type(example.target)


def exact_match(predictions: Iterable[Any], examples: Sequence[Example]) -> Score:
    """Share of predictions equal to their example's target.

    ``predictions[i]`` answers ``examples[i]``; ``None`` stands for a failed prediction (counted
    wrong). An empty set scores 0.0 rather than dividing by zero. Mismatched lengths are a
    caller bug and raise :class:`ConfigError`.
    """
    preds = list(predictions)
    if len(preds) != len(examples):
        raise ConfigError(f"exact_match got {len(preds)} predictions for {len(examples)} examples")
    correct = sum(is_correct(p, ex) for p, ex in zip(preds, examples, strict=True))
    n = len(examples)
    return Score(accuracy=correct / n if n else 0.0, n=n, correct=correct)
