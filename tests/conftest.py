"""Shared test fixtures and marker handling.

Markers ``prolog`` and ``pddl`` skip with a reason when the engine is missing (never a silent
pass); ``slow`` is deselected by default (``pytest -m slow`` runs it).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from nsr.resources import shared_data_dir


def _has_swipl() -> bool:
    return shutil.which("swipl") is not None and importlib.util.find_spec("pyswip") is not None


def _has_up() -> bool:
    return importlib.util.find_spec("unified_planning") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    no_prolog = pytest.mark.skip(
        reason="SWI-Prolog or pyswip missing: apt-get install swi-prolog-core swi-prolog-core-packages"
    )
    no_pddl = pytest.mark.skip(reason="unified-planning missing: pip install -e .")
    prolog_ok, pddl_ok = _has_swipl(), _has_up()
    for item in items:
        if "prolog" in item.keywords and not prolog_ok:
            item.add_marker(no_prolog)
        if "pddl" in item.keywords and not pddl_ok:
            item.add_marker(no_pddl)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; skips the test (with the reason) when it is absent."""
    data = shared_data_dir()
    if data is None:
        pytest.skip("../shared/data is absent (set NSR_SHARED to the shared folder)")
    return data


@pytest.fixture
def one_torch_thread():
    """As the learner runs (LearnerConfig.torch_threads = 1): tiny CNNs only lose from more
    threads, badly so on a shared 2-core machine. Modules opt in with ``pytestmark``."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
