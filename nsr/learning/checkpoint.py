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


def load(directory: Path) -> dict[str, Any]:
    """Read a checkpoint; missing or corrupt files raise one clear error."""
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
    try:
        return _decode(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(f"checkpoint {path} is corrupt: {exc}") from exc
