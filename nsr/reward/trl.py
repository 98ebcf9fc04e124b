"""TRL ``GRPOTrainer`` reward functions: ``reward_funcs=[prototype_reward]`` (or the async one).

TRL calls ``reward_func(prompts=..., completions=..., completion_ids=..., trainer_state=...,
**columns)`` where every other dataset column arrives as a keyword list, one entry per
completion. The ground truth is found, per row, in the first column that has one:
``record`` (a record dict or JSON), ``ground_truth``, or the record's own columns (``kind``,
``task``, ``prototype``, ``answer``, ``id``) when the dataset was built from records directly.

Returns one float per completion, or ``None`` for a row without a prolog/pddl record (TRL then
ignores this reward for that row, so it mixes with rewards for other kinds of rows).
``async_prototype_reward`` does the same without blocking TRL's event loop (the verification
runs in a worker thread); TRL runs async reward functions concurrently.
``prototype_program_reward`` scores ProtoReasoning's conversion task instead: the completion
is a Prolog program, run with the record's query, that must derive the record's answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from nsr.errors import ConfigError
from nsr.reward.scoring import score_batch

RECORD_COLUMNS: tuple[str, ...] = ("kind", "task", "prototype", "answer", "id")


def prototype_reward(
    prompts: Sequence[Any], completions: Sequence[Any], **kwargs: Any
) -> list[float | None]:
    """1.0 for a correct answer / valid plan, 0.0 otherwise, None for rows not ours."""
    return _rewards(completions, kwargs, "answer")


def prototype_program_reward(
    prompts: Sequence[Any], completions: Sequence[Any], **kwargs: Any
) -> list[float | None]:
    """1.0 when the completion's Prolog program derives the record's answer, else 0.0."""
    return _rewards(completions, kwargs, "program")


async def async_prototype_reward(
    prompts: Sequence[Any], completions: Sequence[Any], **kwargs: Any
) -> list[float | None]:
    """:func:`prototype_reward`, run in a thread so the caller's event loop stays free."""
    return await asyncio.to_thread(prototype_reward, prompts, completions, **kwargs)


def ground_truths_from_columns(size: int, columns: dict[str, Any]) -> list[Any]:
    """One ground truth per row from TRL's keyword columns (see the module docstring)."""
    for name in ("record", "ground_truth"):
        column = columns.get(name)
        if column is not None:
            return _checked(name, column, size)
    present = {k: _checked(k, columns[k], size) for k in RECORD_COLUMNS if k in columns}
    if "kind" not in present:
        return [None] * size
    return [{key: values[row] for key, values in present.items()} for row in range(size)]


def _rewards(completions: Sequence[Any], columns: dict[str, Any], mode: str) -> list[float | None]:
    truths = ground_truths_from_columns(len(completions), columns)
    verdicts = score_batch(completions, truths, mode=mode)
    return [None if v is None else float(v.score) for v in verdicts]


def _checked(name: str, column: Any, size: int) -> list[Any]:
    if isinstance(column, str | bytes) or not isinstance(column, Sequence):
        raise ConfigError(f"column {name!r} must be a list with one entry per completion")
    if len(column) != size:
        raise ConfigError(f"column {name!r} has {len(column)} entries for {size} completions")
    return list(column)


# The names TRL's documentation uses, for users who copy its examples.
reward_func = prototype_reward
async_reward_func = async_prototype_reward
