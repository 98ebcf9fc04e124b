"""Checkpoints: one JSON file holding everything needed to rebuild a trained model.

``checkpoint.json`` stores the model arguments and weights (tensors as base64 float32/int64),
the learned programs as DSL text, the learner config, the seed, the metrics so far and where
training stopped (for resume). JSON rather than a pickle: it is safe to load, diffable, and it
ships as package data. Writes are atomic (temp file + ``os.replace``): an interrupted run never
leaves a half-written checkpoint behind.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import torch

from nsr.atomic import atomic_write_text
from nsr.errors import DataError, ResourceNotFound

FILENAME = "checkpoint.json"
FORMAT = "nsr-checkpoint/1"


def _encode(obj: Any) -> Any:
    if isinstance(obj, torch.Tensor):
        t = obj.detach().cpu().contiguous()
        return {"__tensor__": base64.b64encode(t.numpy().tobytes()).decode("ascii"),
                "dtype": str(t.dtype).removeprefix("torch."), "shape": list(t.shape)}
    if isinstance(obj, dict):
        return {str(k): _encode(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_encode(v) for v in obj]
    return obj


def _decode(obj: Any) -> Any:
    if isinstance(obj, dict):
        if "__tensor__" in obj:
            dtype = getattr(torch, obj["dtype"])
            raw = bytearray(base64.b64decode(obj["__tensor__"]))
            return torch.frombuffer(raw, dtype=dtype).reshape(obj["shape"]).clone()
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def save(directory: Path, payload: dict[str, Any]) -> Path:
    """Write ``directory/checkpoint.json`` atomically; returns its path."""
    text = json.dumps({"format": FORMAT, **_encode(payload)}, separators=(",", ":"))
    return atomic_write_text(Path(directory) / FILENAME, text)


def load(directory: Path, *, require: tuple[str, ...] = ()) -> dict[str, Any]:
    """Read a checkpoint; missing or corrupt files raise one clear error.

    Every field a model checkpoint has is checked when present (see :func:`schema_problem`);
    ``require`` names top-level fields that must be there too (resuming needs ``progress``).
    """
    directory = Path(directory)
    path = directory / FILENAME if directory.is_dir() else directory
    if not path.is_file():
        raise ResourceNotFound(f"no checkpoint at {directory} (expected {FILENAME}); train one with 'nsr train'")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"checkpoint {path} is corrupt: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataError(f"checkpoint {path} is corrupt or not an nsr checkpoint (format {FORMAT} expected)")
    problem = schema_problem(data, require)
    if problem is not None:
        raise DataError(f"checkpoint {path} is corrupt: {problem}")
    try:
        return _decode(data)
    except (KeyError, TypeError, ValueError, AttributeError, RuntimeError) as exc:
        raise DataError(f"checkpoint {path} is corrupt: {exc}") from exc


# -- schema ----------------------------------------------------------------------------------
# What a checkpoint must hold for the model to be rebuilt: checked field by field before
# anything is decoded, so a hand-edited or truncated file says which field is wrong instead of
# failing with a KeyError deep inside the model ("library": "garbage", "programs": null).

_NUMBER = (int, float)


def _kind(types: tuple[type, ...]) -> str:
    names = {dict: "an object", list: "a list", str: "a string", int: "an integer",
             float: "a number", bool: "true or false"}
    return " or ".join(dict.fromkeys(names[t] for t in types))


def _field(obj: dict[str, Any], key: str, types: tuple[type, ...], where: str,
           required: bool = True) -> str | None:
    """A message when ``obj[key]`` is missing (and ``required``) or of the wrong JSON type."""
    if key not in obj:
        return f"field {where}{key} is missing" if required else None
    value = obj[key]
    # JSON true/false are ints to Python; a count must not be a boolean and vice versa.
    wrong_bool = isinstance(value, bool) and bool not in types
    if wrong_bool or not isinstance(value, types):
        return f"field {where}{key} must be {_kind(types)}, got {json.dumps(value)[:40]}"
    return None


def _tensor_problem(value: Any, where: str) -> str | None:
    if not isinstance(value, dict) or "__tensor__" not in value:
        return None
    for key, types in (("__tensor__", (str,)), ("dtype", (str,)), ("shape", (list,))):
        problem = _field(value, key, types, f"{where}.")
        if problem:
            return problem
    if not hasattr(torch, value["dtype"]) or not isinstance(getattr(torch, value["dtype"]),
                                                               torch.dtype):
        return f"field {where}.dtype names no tensor type: {value['dtype'][:40]!r}"
    if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
               for d in value["shape"]):
        return f"field {where}.shape must be a list of sizes"
    return None


def _tensors_problem(value: Any, where: str) -> str | None:
    """The first malformed tensor anywhere below ``value``."""
    if isinstance(value, dict):
        problem = _tensor_problem(value, where)
        if problem or "__tensor__" in value:
            return problem
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return None
    for key, item in items:
        problem = _tensors_problem(item, f"{where}.{key}")
        if problem:
            return problem
    return None


def schema_problem(data: dict[str, Any], require: tuple[str, ...] = ()) -> str | None:
    """What is wrong with a checkpoint's structure (first problem found), or None.

    Top-level fields are checked when present or named in ``require`` (the same container
    also stores partial payloads, e.g. a perception alone); a ``model`` is checked in full.
    """
    for key, types in (("model", (dict,)), ("config", (dict,)), ("seed", (int,)),
                       ("metrics", (list,)), ("progress", (dict,))):
        problem = _field(data, key, types, "", required=key in require)
        if problem:
            return problem
    if "progress" in data:
        progress = data["progress"]
        problem = (_field(progress, "next_stage", (int,), "progress.")
                   or _field(progress, "seconds", _NUMBER, "progress.", required=False))
        if problem:
            return problem
        if progress["next_stage"] < 0:
            return "field progress.next_stage must be >= 0"
    return None if "model" not in data else _model_problem(data["model"])


def _model_problem(model: dict[str, Any]) -> str | None:
    """What is wrong with the ``model`` part of a checkpoint, or None."""
    for key, types, required in (
        ("library", (str,), True), ("symbol_names", (list,), True), ("programs", (dict,), True),
        ("perception", (dict,), True), ("parser", (dict,), True), ("fits", (dict,), False),
        ("open_class", (str,), False), ("live_trees", (bool,), False),
    ):
        problem = _field(model, key, types, "model.", required)
        if problem:
            return problem
    from nsr.induction.library import LIBRARIES

    if model["library"] not in LIBRARIES:
        return (f"field model.library names no primitive library: {model['library'][:40]!r} "
                f"(known: {', '.join(sorted(LIBRARIES))})")
    names = model["symbol_names"]
    if not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        return "field model.symbol_names must be a list of distinct strings"
    for what in ("programs", "fits"):
        table = model.get(what, {})
        for name, value in table.items():
            if name not in names:
                return f"field model.{what} names an unknown symbol {name[:40]!r}"
            want = (str,) if what == "programs" else _NUMBER
            if isinstance(value, bool) or not isinstance(value, want):
                return f"field model.{what}.{name[:40]} must be {_kind(want)}"
    parser = model["parser"]
    for key, types in (("config", (dict,)), ("weights", (dict,)), ("in_context", (list,))):
        problem = _field(parser, key, types, "model.parser.")
        if problem:
            return problem
    if "phrases" in model:  # absent: the programs are the model's meaning
        from nsr.model.phrase_state import state_problem

        problem = state_problem(model["phrases"], "model.phrases")
        if problem:
            return problem
    return _tensors_problem(model, "model")
