"""Session fixtures shared by the PDDL and prototype tests: the IPC data and a built VAL."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def ipc_root(shared_data):
    """``../shared/data/ipc`` (IPC families with VAL's verdicts); skips when absent."""
    root = shared_data / "ipc"
    if not (root / "cases.json").is_file():
        pytest.skip(f"{root}/cases.json is absent (the IPC planning data)")
    return root


@pytest.fixture(scope="session")
def val_binary(shared_data):
    """VAL's ``Validate``, built once from ``../shared/vendor`` into the cache (then reused);
    skips with the reason when the tarball is absent or the build fails."""
    from nsr.backends.pddl.val import build_val, find_val_tarball
    from nsr.errors import NsrError

    vendor = shared_data.parent / "vendor"
    try:
        return build_val(find_val_tarball(vendor))
    except NsrError as exc:
        pytest.skip(f"VAL unavailable: {exc}")
