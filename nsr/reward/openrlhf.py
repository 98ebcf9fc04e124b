"""OpenRLHF rewards: the custom ``reward_func`` (``--remote_rm_url /path/to/openrlhf.py``) and
the JSON body of its HTTP protocol (``POST /get_reward``, served by ``nsr serve``).

OpenRLHF passes ``queries`` (prompt + response, as decoded text), ``prompts`` and ``labels``
(the dataset's ``--label_key`` column: here a prototype record as JSON). The response is the
query with its prompt removed. It expects ``{"rewards", "scores", "extra_logs"}``: ``rewards``
drive the advantage, ``scores`` (in [0, 1]) drive dynamic sampling filters, ``extra_logs`` are
logged per sample. The Python form returns torch tensors (torch imported on call, not at
import); the HTTP form returns plain lists.

OpenRLHF has one reward per run, so a label that is not one of our records is a set-up mistake
(a wrong ``--data.label_key``, a dataset of another kind), not a wrong answer: it raises
:class:`LabelError` (HTTP: 400 with the message) instead of scoring a silent 0. Export the
dataset with ``nsr proto export FILE --format openrlhf`` and pass ``--data.label_key record``.

The decoded query keeps the chat template's special tokens (``...answer<|im_end|>``); the
reply is cut out of it before extraction (:func:`nsr.verify.extract.model_reply`), so a bare
answer, the form the records' prompts ask for, scores like a tagged one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nsr.errors import ConfigError
from nsr.reward.scoring import Checker, score_batch
from nsr.verify import Verdict
from nsr.verify.targets import GroundTruthError, parse_ground_truth

LABEL_HINT = (
    "export the dataset with `nsr proto export FILE --format openrlhf` and pass "
    "`--data.label_key record`"
)


class LabelError(ConfigError):
    """A label that is not one of our prototype records (or none at all)."""


def reward_func(
    queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any], **kwargs: Any
) -> dict[str, Any]:
    """OpenRLHF's custom reward function: tensors of rewards and scores, plus extra logs."""
    import torch

    body = reward_lists(queries, prompts, labels, mode=str(kwargs.get("mode", "answer")))
    return {
        "rewards": torch.tensor(body["rewards"], dtype=torch.float32),
        "scores": torch.tensor(body["scores"], dtype=torch.float32),
        "extra_logs": {
            key: torch.tensor(values, dtype=torch.float32)
            for key, values in body["extra_logs"].items()
        },
    }


def reward_lists(
    queries: Sequence[str],
    prompts: Sequence[str],
    labels: Sequence[Any],
    *,
    mode: str = "answer",
    checker: Checker | None = None,
) -> dict[str, Any]:
    """The same result as JSON-ready lists (the ``/get_reward`` answer); ``mode`` as in
    :func:`nsr.reward.scoring.score_batch`.

    ``extra_logs`` holds ``correct`` (1.0 when the answer is right), ``timeout`` (1.0 when a
    time or inference limit was hit) and ``verify_seconds`` per sample, numbers only, as
    OpenRLHF logs them as tensors.
    """
    responses = checked_responses(queries, prompts, labels)
    verdicts = score_batch(responses, list(labels), mode=mode, checker=checker)
    return reward_body(verdicts)


def checked_responses(
    queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any]
) -> list[str]:
    """The responses inside ``queries``, after checking the request's shape and labels
    (:class:`LabelError` / ConfigError naming the first problem)."""
    if not len(queries) == len(labels):
        raise LabelError(f"got {len(queries)} queries but {len(labels)} labels; {LABEL_HINT}")
    if prompts and len(prompts) != len(queries):
        raise ConfigError(f"got {len(queries)} queries but {len(prompts)} prompts")
    _check_texts("query", queries)
    _check_texts("prompts", prompts)
    check_labels(labels)
    return [response_of(query, prompts[i] if prompts else "") for i, query in enumerate(queries)]


def reward_body(verdicts: Sequence[Verdict | None]) -> dict[str, Any]:
    """OpenRLHF's reply for these verdicts (plus our ``reasons``)."""
    scores = [_score(v) for v in verdicts]
    return {
        "rewards": scores,
        "scores": scores,
        "extra_logs": {
            "correct": [float(v is not None and v.ok) for v in verdicts],
            "timeout": [float(v is not None and v.reason in ("time_limit", "inference_limit"))
                        for v in verdicts],
            "verify_seconds": [v.seconds if v is not None else 0.0 for v in verdicts],
        },
        "reasons": [v.reason if v is not None else "not_applicable" for v in verdicts],
    }


def check_labels(labels: Sequence[Any]) -> None:
    """Raise :class:`LabelError` naming the first label that is not a usable record."""
    for index, label in enumerate(labels):
        if label is None or label == "":
            raise LabelError(f"label {index} is missing; {LABEL_HINT}")
        try:
            parse_ground_truth(label)
        except GroundTruthError as exc:
            raise LabelError(f"label {index} is not a prototype record: {exc}; {LABEL_HINT}") \
                from None


def _check_texts(name: str, values: Sequence[Any]) -> None:
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise ConfigError(f"{name}[{index}] must be text, got {type(value).__name__}")


def response_of(query: str, prompt: str) -> str:
    """The model's response inside ``query`` (which OpenRLHF sends as prompt + response)."""
    if prompt and query.startswith(prompt):
        return query[len(prompt) :]
    return query


def _score(verdict: Verdict | None) -> float:
    return 0.0 if verdict is None else float(verdict.score)
