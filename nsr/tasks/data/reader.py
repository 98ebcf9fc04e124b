"""The generic task's file format: (input, output) pairs as JSON lines or TSV.

JSON lines: one object per line, ``{"input": ..., "output": ...}``. The input is a string (split
on whitespace) or a list of tokens; the output is a string (split on whitespace), a list of
tokens, or an integer (a number-valued task). TSV: ``input<TAB>output`` per line; a TSV file
whose every output is one integer is a number-valued task. Every output of a file has the same
kind: a file mixing integers and token sequences is refused at the first line that disagrees.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nsr.errors import DataError
from nsr.tasks.base import Example, OutputKind, Target
from nsr.tasks.files import all_lines

WHAT = "data"
_INTEGER = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class DataFile:
    """The examples of one file and the kind of its outputs."""

    examples: list[Example]
    output_kind: OutputKind


def _tokens(value: Any, where: str, field: str) -> tuple[str, ...]:
    if isinstance(value, str):
        tokens = tuple(value.split())
    elif isinstance(value, list) and all(isinstance(t, str) for t in value):
        if any(not t or any(c.isspace() for c in t) for t in value):
            raise DataError(f"{where}: a token in {field!r} is empty or holds whitespace")
        tokens = tuple(value)
    else:
        raise DataError(f"{where}: {field!r} must be a string or a list of strings, "
                        f"got {type(value).__name__}")
    if not tokens:
        raise DataError(f"{where}: {field!r} is empty")
    return tokens


def _json_record(text: str, where: str) -> tuple[tuple[str, ...], Target]:
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); expected "
                        '{"input": ..., "output": ...}') from None
    if not isinstance(rec, dict) or "input" not in rec or "output" not in rec:
        raise DataError(f'{where}: expected an object with "input" and "output"')
    out = rec["output"]
    if isinstance(out, bool | float):
        raise DataError(f"{where}: \"output\" must be tokens or an integer, got {out!r}")
    target: Target = out if isinstance(out, int) else _tokens(out, where, "output")
    return _tokens(rec["input"], where, "input"), target


def _tsv_record(text: str, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if "\t" not in text:
        raise DataError(f"{where}: expected 'input<TAB>output' (or a JSON object per line)")
    left, _, right = text.partition("\t")
    if "\t" in right:
        raise DataError(f"{where}: more than one TAB; expected 'input<TAB>output'")
    return _tokens(left, where, "input"), _tokens(right, where, "output")


def _kind(target: Target) -> OutputKind:
    return "integer" if isinstance(target, int) else "tokens"


def read_data_file(path: str | Path, *, id_prefix: str | None = None) -> DataFile:
    """Every example of a JSON-lines or TSV file of (input, output) pairs.

    The first non-blank line decides the format (``{`` starts JSON lines). Errors name the
    file and the 1-based line: not UTF-8, a line in the wrong format, outputs of two kinds,
    an empty file.
    """
    path = Path(path)
    lines = all_lines(path, what=WHAT)
    as_json = lines[0][1].lstrip().startswith("{")
    prefix = id_prefix or f"data/file/{path.stem}"
    rows: list[tuple[int, tuple[str, ...], Target]] = []
    for lineno, text in lines:
        where = f"{path}:{lineno}"
        source, target = _json_record(text, where) if as_json else _tsv_record(text, where)
        rows.append((lineno, source, target))
    if not as_json and all(len(t) == 1 and _INTEGER.fullmatch(t[0]) for _, _, t in rows):
        rows = [(n, s, int(t[0])) for n, s, t in rows]  # type: ignore[index]
    kind = _kind(rows[0][2])
    for lineno, _, target in rows:
        if _kind(target) != kind:
            raise DataError(f"{path}:{lineno}: output is {_kind(target)} but line {rows[0][0]}'s "
                            f"is {kind}: every output of a file must be of one kind")
    examples = [
        Example(source, target, f"{prefix}:{i}", {"file": str(path), "line": lineno})
        for i, (lineno, source, target) in enumerate(rows)
    ]
    return DataFile(examples, kind)


def record_line(source: tuple[str, ...], target: Target | None) -> str:
    """One JSON-lines record of the generic format (``output`` null: no answer)."""
    return json.dumps({"input": " ".join(source),
                       "output": target if target is None or isinstance(target, int)
                       else " ".join(target)})
