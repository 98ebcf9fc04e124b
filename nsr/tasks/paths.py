"""Where task data lives.

Two places hold the official SCAN and PCFG files with the same layout: the project's
``../shared/data/<name>`` (a checkout with the shared folder beside it) and the fetch cache
``${NSR_DATA:-~/.cache/nsr}/data/<name>`` that ``nsr data fetch <name>`` fills. Generated HINT
data goes to ``${NSR_DATA:-~/.cache/nsr}/hint/seed-<seed>``.
"""

from __future__ import annotations

import os
from pathlib import Path

from nsr.errors import ResourceNotFound
from nsr.resources import shared_data_dir


def cache_root() -> Path:
    """``$NSR_DATA`` or ``~/.cache/nsr``: everything nsr downloads or generates."""
    env = os.environ.get("NSR_DATA")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "nsr"


def dataset_cache_dir(name: str) -> Path:
    """Where ``nsr data fetch NAME`` puts the official files of ``name``."""
    return cache_root() / "data" / name


def hint_cache_dir(seed: int) -> Path:
    """Default directory of HINT data generated with ``seed``."""
    return cache_root() / "hint" / f"seed-{seed}"


def find_dataset_dir(name: str, data_dir: Path | None = None) -> Path:
    """The folder holding dataset ``name`` (layout as in ``../shared/data/<name>``).

    ``data_dir`` may name that folder itself or its parent. Without it, ``../shared/data`` is
    tried before the fetch cache. Raises :class:`ResourceNotFound` naming the fetch command.
    """
    if data_dir is not None:
        data_dir = Path(data_dir).expanduser()
        if (data_dir / name).is_dir():
            return data_dir / name
        if data_dir.is_dir():
            return data_dir
        raise ResourceNotFound(f"data directory {data_dir} does not exist")
    candidates = []
    shared = shared_data_dir()
    if shared is not None:
        candidates.append(shared / name)
    candidates.append(dataset_cache_dir(name))
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise ResourceNotFound(
        f"no {name} data found (looked in {', '.join(str(c) for c in candidates)}); "
        f"run 'nsr data fetch {name}' or pass --data-dir"
    )


def require_file(root: Path, relative: str, name: str) -> Path:
    """``root / relative``, or :class:`ResourceNotFound` naming the fetch command."""
    path = root / relative
    if not path.is_file():
        raise ResourceNotFound(
            f"{name} data file {path} is missing; run 'nsr data fetch {name}' "
            f"(or --force to repair a partial copy)"
        )
    return path
