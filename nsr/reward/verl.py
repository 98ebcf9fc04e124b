"""verl reward function: point verl's ``reward.custom_reward_function`` at this file.

verl (0.9) loads the file by path and calls the function once per sample from its reward
loop's ``naive`` manager; an ``async def`` is awaited on the loop, a plain function runs in an
executor thread. Use the async one, which awaits the shared verifier without holding a thread
per pending sample::

    reward.custom_reward_function.path=$(python -c "import nsr.reward.verl as m; print(m.__file__)")
    reward.custom_reward_function.name=compute_score_async
    +reward.custom_reward_function.reward_kwargs.time_limit=2.0      # any option below

``compute_score(data_source, solution_str, ground_truth, extra_info, **reward_kwargs)`` is the
same check, synchronous. ``ground_truth`` is whatever the row holds: the stored answer of a
``nsr proto export --format verl`` row (the record then comes back from ``extra_info``) or a
prototype record (JSON text or dict).

``reward_kwargs`` (verl merges ``custom_reward_function.reward_kwargs`` into every call):
``partial`` / ``partial_credit`` / ``plan_credit`` (partial credit), ``time_limit``,
``inference_limit``, ``stack_limit_mb``, ``memory_limit_mb``, ``workers`` (verifier options,
see :class:`nsr.verify.Verifier`), ``mode`` (``"answer"`` or ``"program"``) and ``extract``
(False: ``solution_str`` is the bare answer). Unknown keywords are refused with a message
(a misspelt option must not silently do nothing); the keywords verl itself adds
(``reward_router_address``, ``reward_model_tokenizer``) are ignored.

The result is a dict of numbers verl logs per sample (plus the reason code, which verl keeps
in dumped generations and skips in metrics): ``score`` (the reward), ``acc`` (1 when
correct), ``timeout`` (1 when a time or inference limit was hit), ``no_answer`` (1 when no
answer was found), ``verify_seconds``, ``reason``. Every dict has the same keys so verl can
stack them. A row that is not a prolog/pddl record scores 0 with reason ``not_applicable``.
The imports are absolute, so the file works when verl loads it under another module name.
"""

from __future__ import annotations

from typing import Any

from nsr.reward.scoring import score_batch, score_batch_async, split_options
from nsr.verify import Verdict
from nsr.verify.targets import record_from_verl

NOT_APPLICABLE = "not_applicable"
TIMEOUT_REASONS = frozenset({"time_limit", "inference_limit"})
# Keywords verl adds on its own (generative reward models); nothing for us to do with them.
VERL_KEYWORDS = frozenset({"reward_router_address", "reward_model_tokenizer"})


def compute_score(
    data_source: Any = None,
    solution_str: str | None = None,
    ground_truth: Any = None,
    extra_info: Any = None,
    **reward_kwargs: Any,
) -> dict[str, Any]:
    """Score one sample (see the module docstring for the keywords and the result)."""
    truth, options, extract, mode = _call(ground_truth, extra_info, reward_kwargs)
    text = "" if solution_str is None else str(solution_str)
    verdict = score_batch([text], [truth], extract=extract, mode=mode, options=options)[0]
    return result_fields(verdict)


async def compute_score_async(
    data_source: Any = None,
    solution_str: str | None = None,
    ground_truth: Any = None,
    extra_info: Any = None,
    **reward_kwargs: Any,
) -> dict[str, Any]:
    """:func:`compute_score` for verl's event loop: the sample joins the shared pool's next
    batch and is awaited without holding a thread, so many samples verify at once."""
    truth, options, extract, mode = _call(ground_truth, extra_info, reward_kwargs)
    text = "" if solution_str is None else str(solution_str)
    verdicts = await score_batch_async([text], [truth], extract=extract, mode=mode,
                                       options=options)
    return result_fields(verdicts[0])


def _call(
    ground_truth: Any, extra_info: Any, reward_kwargs: dict[str, Any]
) -> tuple[Any, dict[str, Any], bool, str]:
    kwargs = {k: v for k, v in reward_kwargs.items() if k not in VERL_KEYWORDS}
    options, extract, mode = split_options(kwargs)
    return record_from_verl(ground_truth, extra_info), options, extract, mode


def result_fields(verdict: Verdict | None) -> dict[str, Any]:
    """The per-sample dict verl logs (same keys for every sample)."""
    if verdict is None:
        return {"score": 0.0, "acc": 0.0, "timeout": 0.0, "no_answer": 0.0,
                "verify_seconds": 0.0, "reason": NOT_APPLICABLE}
    return {
        "score": float(verdict.score),
        "acc": float(verdict.ok),
        "timeout": float(verdict.reason in TIMEOUT_REASONS),
        "no_answer": float(verdict.reason == "no_answer"),
        "verify_seconds": round(float(verdict.seconds), 6),
        "reason": verdict.reason,
    }
