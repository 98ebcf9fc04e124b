"""Locate the files shipped under ``grammars/`` and ``prototypes/``.

In a source checkout they sit at the top level beside ``nsr/``; ``nsr/_grammars`` and
``nsr/_prototypes`` are symlinks to them, and a wheel ships them under those names. Looking them
up relative to this file (never the current directory) finds them in both cases.
"""

from __future__ import annotations

from pathlib import Path

from nsr.errors import ResourceNotFound

_PACKAGE_DIR = Path(__file__).resolve().parent
_ROOTS = {"grammars": "_grammars", "prototypes": "_prototypes"}


def resource_path(kind: str, *parts: str) -> Path:
    """Path of a shipped file, e.g. ``resource_path("grammars", "gss.lark")``.

    Raises :class:`ResourceNotFound` when it does not exist.
    """
    if kind not in _ROOTS:
        raise ResourceNotFound(f"unknown resource kind {kind!r}; expected one of {sorted(_ROOTS)}")
    path = _PACKAGE_DIR / _ROOTS[kind]
    for part in parts:
        path = path / part
    if not path.exists():
        raise ResourceNotFound(f"shipped resource {kind}/{'/'.join(parts)} is missing at {path}")
    return path


def shared_dir() -> Path | None:
    """The project's ``../shared`` folder when running from a checkout, else None.

    ``NSR_SHARED`` overrides the location. Tests and benchmarks skip (with a reason) on None.
    """
    import os

    env = os.environ.get("NSR_SHARED")
    if env:
        p = Path(env)
        return p if p.is_dir() else None
    candidate = _PACKAGE_DIR.parent.parent / "shared"
    return candidate if candidate.is_dir() else None


def shared_data_dir() -> Path | None:
    """``../shared/data`` or None when absent."""
    root = shared_dir()
    if root is None:
        return None
    data = root / "data"
    return data if data.is_dir() else None
