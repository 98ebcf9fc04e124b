"""verl reward function: configure verl with this file's path and ``compute_score``.

::

    custom_reward_function:
      path: /path/to/nsr/reward/verl.py
      name: compute_score

(``python -c "import nsr.reward.verl as m; print(m.__file__)"`` prints the path.)

verl calls it per sample, ``compute_score(data_source, solution_str, ground_truth, extra_info)``
(naive reward manager), or per batch with keyword lists, ``compute_score(data_sources=,
solution_strs=, ground_truths=, extra_infos=, **reward_kwargs)`` (batch reward manager); this
one function answers both. ``ground_truth`` is a prototype record (JSON text or dict).

The result is a dict, ``{"score": float, "acc": float, "reason": str}``: verl uses ``score`` as
the reward and logs the other keys; every dict has the same keys so verl can batch them. A
row that is not a prolog/pddl record scores 0 with reason ``not_applicable``. The imports below
are absolute, so the file works when verl loads it by path under another module name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from nsr.errors import ConfigError
from nsr.reward.scoring import score_batch
from nsr.verify import Verdict

NOT_APPLICABLE = "not_applicable"


def compute_score(
    data_source: Any = None,
    solution_str: str | None = None,
    ground_truth: Any = None,
    extra_info: Any = None,
    *,
    data_sources: Sequence[Any] | None = None,
    solution_strs: Sequence[str] | None = None,
    ground_truths: Sequence[Any] | None = None,
    extra_infos: Sequence[Any] | None = None,
    **reward_kwargs: Any,
) -> dict[str, Any] | list[dict[str, Any]]:
    """Score one sample (positional form) or a batch (``solution_strs=`` keyword lists).

    ``reward_kwargs`` (verl's ``custom_reward_function.reward_kwargs``): ``extract=False`` takes
    ``solution_str`` as the bare answer; ``mode="program"`` scores a Prolog program the model
    wrote (it must derive the record's answer); anything else verl passes is ignored.
    ``extra_info`` may carry the record under ``"record"`` when
    ``ground_truth`` is only the stored answer.
    """
    extract = bool(reward_kwargs.get("extract", True))
    mode = str(reward_kwargs.get("mode", "answer"))
    if solution_strs is not None:
        if ground_truths is None:
            raise ConfigError("batch compute_score needs ground_truths= with solution_strs=")
        infos = list(extra_infos) if extra_infos is not None else [None] * len(solution_strs)
        truths = [_truth(g, i) for g, i in zip(ground_truths, infos, strict=True)]
        verdicts = score_batch(solution_strs, truths, extract=extract, mode=mode)
        return [_result(v) for v in verdicts]
    if solution_str is None:
        raise ConfigError("compute_score needs solution_str (or solution_strs= for a batch)")
    truth = _truth(ground_truth, extra_info)
    verdict = score_batch([solution_str], [truth], extract=extract, mode=mode)[0]
    return _result(verdict)


def _truth(ground_truth: Any, extra_info: Any) -> Any:
    """The record to score against.

    ``extra_info["record"]`` wins when present. Rows written by ``nsr proto export --format
    verl`` keep the plain answer in ``ground_truth`` and the prototype (JSON text), kind, task
    and id in ``extra_info``: the record is put back together from those. Otherwise
    ``ground_truth`` itself is the record (dict or JSON text).
    """
    if isinstance(extra_info, Mapping):
        if extra_info.get("record") is not None:
            return extra_info["record"]
        proto = extra_info.get("prototype")
        if proto is not None and extra_info.get("kind") in ("prolog", "pddl"):
            return {
                "id": extra_info.get("id", ""),
                "kind": extra_info["kind"],
                "task": extra_info.get("task", ""),
                "prototype": json.loads(proto) if isinstance(proto, str) else proto,
                "answer": ground_truth,
            }
    return ground_truth


def _result(verdict: Verdict | None) -> dict[str, Any]:
    if verdict is None:
        return {"score": 0.0, "acc": 0.0, "reason": NOT_APPLICABLE}
    return {"score": float(verdict.score), "acc": float(verdict.ok), "reason": verdict.reason}
