"""The one place that locates and launches ``swipl`` processes (the in-process engine,
pyswip, is :mod:`nsr.backends.prolog`'s).

Every child ``swipl`` nsr starts (the verifier's sandboxed workers, the prototype driver, the
HINT program check, the benchmarks' per-sample processes) gets its executable and its common
flags here, so the install hint, the "no user init file, no packs, no tty" start-up and the
version string are decided once.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache

from nsr.errors import MissingDependency

INSTALL_HINT = "apt-get install swi-prolog-core swi-prolog-core-packages"
# No user init file, no packs, no terminal: a child swipl sees only what we load.
QUIET_FLAGS: tuple[str, ...] = ("-q", "-f", "none", "--no-packs", "--no-tty")


@lru_cache(maxsize=4)
def swipl_path(name: str = "swipl") -> str:
    """The ``swipl`` executable (``name`` may be another command or a path); raises
    :class:`~nsr.errors.MissingDependency` naming the install command."""
    path = shutil.which(name)
    if path is None:
        raise MissingDependency(f"SWI-Prolog ({name}) is not installed: {INSTALL_HINT}")
    return path


def swipl_available() -> bool:
    """True when ``swipl`` is on PATH."""
    return shutil.which("swipl") is not None


def swipl_argv(*args: str, executable: str | None = None,
               flags: Sequence[str] = QUIET_FLAGS) -> list[str]:
    """A command line: the executable, the quiet start-up flags, then ``args``."""
    return [executable or swipl_path(), *flags, *args]


@lru_cache(maxsize=1)
def swipl_version() -> str:
    """E.g. ``"swipl 9.0.4"`` (recorded in every Prolog record's verification metadata)."""
    out = subprocess.run(
        [swipl_path(), "--dump-runtime-variables"], capture_output=True, text=True, check=False
    ).stdout
    for line in out.splitlines():
        if line.startswith("PLVERSION="):
            raw = line.split("=", 1)[1].strip('";')
            if raw.isdigit():
                n = int(raw)
                return f"swipl {n // 10000}.{n // 100 % 100}.{n % 100}"
    return "swipl"
