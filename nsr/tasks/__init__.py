"""Tasks: SCAN, PCFG SET, HINT, MT and `data` (the user's own files) — data loading, oracles,
metrics and the task registry.

The learner needs four names: :class:`Example`, :func:`get_task`, :func:`load` and
:func:`exact_match`. Everything here is pure Python (no engine imports), so importing it is cheap.
"""

from __future__ import annotations

from pathlib import Path

from nsr.tasks.base import Example, Target, Task, Vocabulary
from nsr.tasks.metrics import Score, exact_match
from nsr.tasks.registry import get_task, task_names


def load(
    task: str, split: str | None = None, part: str = "train", *, data_dir: Path | None = None
) -> list[Example]:
    """Shortcut for ``get_task(task).load(split, part, data_dir=data_dir)``."""
    return get_task(task).load(split, part, data_dir=data_dir)


__all__ = [
    "Example",
    "Score",
    "Target",
    "Task",
    "Vocabulary",
    "exact_match",
    "get_task",
    "load",
    "task_names",
]
