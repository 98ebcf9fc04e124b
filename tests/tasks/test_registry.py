"""Task lookup: built-ins by lazy module path, plugins by entry point, clear errors."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import EntryPoint

import pytest

from nsr.errors import ConfigError, MissingDependency
from nsr.tasks import get_task, registry, task_names
from nsr.tasks.base import Example, Task
from nsr.tasks.hint import HintTask
from nsr.tasks.pcfg import PcfgTask
from nsr.tasks.scan import ScanTask


class ToyTask(Task):
    name = "toy"
    splits = ("only",)
    default_split = "only"
    primitive_library = "lists"
    perception_kind = "tokens"

    def load(self, split=None, part="train", *, data_dir=None):
        return [Example(("a",), ("a",), "toy/only/train:0")]

    def oracle(self, source):
        return tuple(source)


class NotATask:
    pass


def _plugins(monkeypatch, **specs: str) -> None:
    eps = [EntryPoint(name, value, registry.ENTRY_POINT_GROUP) for name, value in specs.items()]
    monkeypatch.setattr(registry, "entry_points", lambda group: eps)


def test_builtin_names_and_classes() -> None:
    assert task_names()[:3] == ("scan", "pcfg", "hint")
    assert isinstance(get_task("scan"), ScanTask)
    assert isinstance(get_task("pcfg"), PcfgTask)
    assert isinstance(get_task("hint"), HintTask)


def test_unknown_task_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="unknown task 'nope'; known tasks: scan, pcfg, hint"):
        get_task("nope")


def test_entry_point_plugins_are_found(monkeypatch) -> None:
    _plugins(monkeypatch, toy=f"{__name__}:ToyTask")
    assert "toy" in task_names()
    task = get_task("toy")
    assert isinstance(task, ToyTask) and task.load()[0].target == ("a",)


def test_builtin_wins_over_a_plugin_of_the_same_name(monkeypatch) -> None:
    _plugins(monkeypatch, scan=f"{__name__}:ToyTask")
    assert isinstance(get_task("scan"), ScanTask)
    assert task_names().count("scan") == 1


def test_broken_plugins_give_clear_errors(monkeypatch) -> None:
    _plugins(
        monkeypatch,
        gone="no_such_module_xyz:Task",
        typo=f"{__name__}:Nope",
        wrong=f"{__name__}:NotATask",
    )
    with pytest.raises(MissingDependency, match="no_such_module_xyz"):
        get_task("gone")
    with pytest.raises(ConfigError, match="no attribute 'Nope'"):
        get_task("typo")
    with pytest.raises(ConfigError, match="not a subclass"):
        get_task("wrong")


def test_importing_nsr_tasks_stays_light() -> None:
    # A fresh interpreter: importing every task module must not pull in an engine or torch.
    code = (
        "import sys, nsr.tasks, nsr.tasks.scan, nsr.tasks.pcfg, nsr.tasks.hint, nsr.tasks.fetch;"
        "print(sorted(m for m in ('torch', 'pyswip', 'unified_planning', 'rich', 'tqdm')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
