"""VAL, the planning field's reference plan validator, as a test and benchmark anchor.

VAL is not part of the product: tests and benchmarks compare our validator's verdicts and speed
with it. It is built from a vendored source tarball (``../shared/vendor/VAL-*.tar.gz``) with
cmake and g++ into a cache folder keyed by the tarball's hash (``~/.cache/nsr/val/<hash>``, or
under ``$NSR_CACHE``), once: later calls find the binary; a file lock keeps two processes from
building at the same time. Nothing is written into the repository.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nsr.errors import EngineError, MissingDependency, NsrError, ResourceNotFound

__all__ = ["ValVerdict", "build_val", "cache_root", "find_val_tarball", "run_val"]

_BUILD_TIMEOUT = 1800.0


def cache_root() -> Path:
    """Where built tools go: ``$NSR_CACHE`` or ``~/.cache/nsr``."""
    return Path(os.environ.get("NSR_CACHE", Path.home() / ".cache" / "nsr"))


def find_val_tarball(vendor: Path) -> Path:
    """The ``VAL-*.tar.gz`` in ``vendor`` (the newest name when there are several)."""
    found = sorted(vendor.glob("VAL-*.tar.gz"))
    if not found:
        raise ResourceNotFound(f"no VAL-*.tar.gz in {vendor}")
    return found[-1]


def build_val(tarball: Path, cache: Path | None = None) -> Path:
    """The ``Validate`` binary built from ``tarball`` (built on the first call, then reused).

    Raises :class:`MissingDependency` when cmake or a C++ compiler is missing and
    :class:`EngineError` when the build fails (the last lines of its log in the message).
    """
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()[:16]
    home = (cache or cache_root()) / "val" / digest
    binary = home / "bin" / "Validate"
    if binary.is_file():
        return binary
    for tool in ("cmake", "make", "g++"):
        if shutil.which(tool) is None:
            raise MissingDependency(f"building VAL needs {tool} (apt-get install cmake g++ make)")
    home.parent.mkdir(parents=True, exist_ok=True)
    with open(home.parent / f"{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it right now
        if binary.is_file():
            return binary
        with tempfile.TemporaryDirectory(dir=home.parent, prefix=f"{digest}-build-") as tmp:
            work = Path(tmp)
            with tarfile.open(tarball) as tar:
                tar.extractall(work, filter="data")
            roots = [p for p in work.iterdir() if (p / "CMakeLists.txt").is_file()]
            if not roots:
                raise EngineError(f"{tarball.name} has no top-level folder with CMakeLists.txt")
            src = roots[0]
            build = src / "build"
            _run(["cmake", "-S", str(src), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release"])
            _run(["make", "-C", str(build), "-j2", "Validate"])
            built = build / "bin" / "Validate"
            if not built.is_file():
                raise EngineError(f"VAL built without producing {built}")
            # the binary finds libVAL.so beside itself (RUNPATH $ORIGIN): copy the folder
            shutil.copytree(built.parent, work / "out" / "bin")
            if home.exists():
                shutil.rmtree(home)
            os.replace(work / "out", home)  # appears complete or not at all
    return binary


def _run(cmd: list[str]) -> None:
    done = subprocess.run(
        cmd, capture_output=True, text=True, timeout=_BUILD_TIMEOUT, check=False
    )
    if done.returncode != 0:
        tail = " | ".join((done.stdout + done.stderr).strip().splitlines()[-3:])
        raise EngineError(f"building VAL failed ({' '.join(cmd[:2])}): {tail}")


@dataclass(frozen=True)
class ValVerdict:
    """VAL's answer: ``valid`` and the last lines of its report (why, when invalid)."""

    valid: bool
    detail: str


def run_val(
    binary: Path, domain: Path, problem: Path, plan: Path, *, timeout: float = 60.0
) -> ValVerdict:
    """Run VAL on one plan (one process, as VAL is used in practice)."""
    done = subprocess.run(
        [str(binary), str(domain), str(problem), str(plan)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    out = done.stdout
    if done.returncode != 0 and "Plan" not in out:  # VAL exits non-zero on invalid plans too
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise EngineError(f"VAL failed (exit status {done.returncode}): {tail}")
    valid = "Plan valid" in out
    lines = [ln for ln in out.strip().splitlines() if ln.strip()]
    return ValVerdict(valid, " | ".join(lines[-3:]))


def prebuild() -> str:
    """Build VAL from ``../shared/vendor`` ahead of the tests (``make val``); returns one line:
    the binary, or why there is none (the VAL tests then skip with that reason)."""
    from nsr.resources import shared_dir

    shared = shared_dir()
    if shared is None:
        return "VAL: no ../shared folder (set NSR_SHARED); the VAL tests will skip"
    try:
        return f"VAL: {build_val(find_val_tarball(shared / 'vendor'))}"
    except NsrError as exc:
        return f"VAL: not built ({exc}); the VAL tests will skip"


if __name__ == "__main__":
    print(prebuild())
