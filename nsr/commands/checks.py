"""What every command checks before it does any work: its numbers and its output paths.

Numbers are checked by argparse itself (the ``type=`` of each option is one of the factories
below), so a bad count, limit or time limit fails at once with one line naming the option:
before a model is trained, a family synthesised or a server started. Without bounds,
``--n 99999999999999999999`` hangs, ``--time-limit 1e7`` overflows a C timer deep inside a
worker, and ``--time-limit nan`` or ``0`` silently means "no limit".

Output paths are probed (:func:`check_output`) before the work that fills them, so that a
read-only folder, a folder given as a file or a path under a file is reported in one line up
front rather than as a traceback after an hour of training.
"""

from __future__ import annotations

import argparse
import math
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from nsr.errors import ConfigError

#: Largest time limit or timeout anywhere (one day): larger values overflow C timers.
MAX_SECONDS = 86_400.0
#: Largest item count (--n, --limit, sizes): far above any real run, far below a hang.
MAX_COUNT = 10_000_000
#: Largest number of worker processes, actors or threads.
MAX_WORKERS = 256
#: Seeds are 32-bit unsigned, what every random generator used here accepts.
MAX_SEED = 2**32 - 1


def _parse(text: str, kind: type) -> float:
    try:
        return kind(text)
    except ValueError:
        word = "an integer" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"expected {word}, got {text!r}") from None


def integer(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` accepting integers in ``low..high``."""

    def parse(text: str) -> int:
        value = int(_parse(text, int))
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be in {low}..{high}, got {text}")
        return value

    parse.__name__ = "integer"
    parse.bounds = (low, high)  # type: ignore[attr-defined]  # for help and the fuzz tests
    return parse


def seconds(high: float = MAX_SECONDS) -> Callable[[str], float]:
    """An argparse ``type`` for a time limit: a finite number of seconds in ``(0, high]``."""

    def parse(text: str) -> float:
        value = _parse(text, float)
        if not (math.isfinite(value) and 0 < value <= high):
            raise argparse.ArgumentTypeError(
                f"must be a number of seconds above 0 and at most {high:g}, got {text}"
            )
        return value

    parse.__name__ = "seconds"
    parse.bounds = (0.0, high)  # type: ignore[attr-defined]  # 0 itself excluded
    return parse


def real(low: float, high: float) -> Callable[[str], float]:
    """An argparse ``type`` accepting finite numbers in ``[low, high]``."""

    def parse(text: str) -> float:
        value = _parse(text, float)
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"must be in {low:g}..{high:g}, got {text}")
        return value

    parse.__name__ = "number"
    parse.bounds = (low, high)  # type: ignore[attr-defined]
    return parse


#: The usual option types, shared so that every command accepts the same ranges.
positive_count = integer(1, MAX_COUNT)
workers = integer(1, MAX_WORKERS)
seed = integer(0, MAX_SEED)
timeout = seconds()


def check_output(path: str | os.PathLike[str] | None, option: str = "--out", *,
                 directory: bool = False) -> None:
    """Fail now, in one line, if ``path`` could not be written later; ``None``/``-`` = stdout.

    ``directory`` says the output is a folder (a checkpoint directory, a dataset folder) rather
    than a file. The nearest existing ancestor must be a folder in which a file can be
    created: that is tried (and the probe removed), since permission bits say nothing on a
    read-only file system or for root.
    """
    if path is None or str(path) == "-":
        return
    target = Path(path)
    if str(path).endswith(os.sep) and not directory:
        raise ConfigError(f"{option} {path}: names a folder; give a file name")
    if target.is_dir() and not directory:
        raise ConfigError(f"{option} {path} is a folder; give a file name")
    if target.exists() and not target.is_dir() and directory:
        raise ConfigError(f"{option} {path} is a file; give a folder")
    base = target if directory and target.is_dir() else target.parent
    while not base.exists():
        if base == base.parent:
            break
        base = base.parent
    if not base.is_dir():
        raise ConfigError(f"{option} {path}: {base} is a file, not a folder")
    probe = base / f".nsr-write-check-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise ConfigError(
            f"{option} {path}: cannot write in {base} ({exc.strerror or exc})"
        ) from None
    probe.unlink(missing_ok=True)


def check_suffix(path: str | os.PathLike[str] | None, option: str, suffixes: tuple[str, ...]
                 ) -> None:
    """Refuse an output whose extension promises a format the command does not write."""
    if path is None:
        return
    if Path(path).suffix.lower() not in suffixes:
        raise ConfigError(f"{option} {path}: writes {' or '.join(s.lstrip('.').upper() for s in suffixes)}; "
                          f"give a file name ending in {' or '.join(suffixes)}")
