"""Task lookup by name.

Built-in tasks are lazy ``"module:Class"`` strings, so looking up one task never imports the
others. Outside packages add tasks through the ``nsr.tasks`` entry-point group, e.g. in their
pyproject.toml::

    [project.entry-points."nsr.tasks"]
    mytask = "mypkg.tasks:MyTask"

A built-in name always wins over an entry point of the same name, so an installed plugin cannot
silently change what ``scan`` means.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from nsr.errors import ConfigError, MissingDependency
from nsr.tasks.base import Task

ENTRY_POINT_GROUP = "nsr.tasks"

BUILTIN_TASKS: dict[str, str] = {
    "scan": "nsr.tasks.scan:ScanTask",
    "pcfg": "nsr.tasks.pcfg:PcfgTask",
    "hint": "nsr.tasks.hint:HintTask",
    "mt": "nsr.tasks.mt:MtTask",
    "data": "nsr.tasks.data:DataTask",
}


def _plugin_specs() -> dict[str, str]:
    return {
        ep.name: ep.value
        for ep in entry_points(group=ENTRY_POINT_GROUP)
        if ep.name not in BUILTIN_TASKS
    }


def _all_specs() -> dict[str, str]:
    return {**BUILTIN_TASKS, **_plugin_specs()}


def task_names() -> tuple[str, ...]:
    """Names of every available task: built-ins first, then plugins (sorted)."""
    plugins = sorted(_plugin_specs())
    return (*BUILTIN_TASKS, *plugins)


def _import(spec: str, name: str) -> type:
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise ConfigError(f"task {name!r} has a malformed spec {spec!r}; expected 'module:Class'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise MissingDependency(
            f"task {name!r} cannot be imported from {module_name}: {exc}"
        ) from exc
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ConfigError(f"task {name!r}: {module_name} has no attribute {attr!r}") from None


def get_task(name: str) -> Task:
    """A fresh instance of the task called ``name``.

    Raises :class:`ConfigError` listing the known names when there is no such task.
    """
    specs = _all_specs()
    if name not in specs:
        known = ", ".join(task_names())
        raise ConfigError(f"unknown task {name!r}; known tasks: {known}")
    cls = _import(specs[name], name)
    task = cls()
    if not isinstance(task, Task):
        raise ConfigError(f"task {name!r} ({specs[name]}) is not a subclass of nsr.tasks.Task")
    return task
