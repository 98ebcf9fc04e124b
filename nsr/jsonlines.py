"""Reading JSON-lines files the same way everywhere: every error names ``file:line``.

Records, LLM problem lists and generated HINT splits are all JSON lines; a user who hand-edits
one should get the same one-line error from each (what is wrong, and where).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nsr.errors import DataError
from nsr.textfile import empty_file, iter_lines


def read_jsonl(
    path: str | Path, *, what: str = "JSON-lines", nonempty: bool = False
) -> Iterator[tuple[str, int, Any]]:
    """Yield ``(where, line_number, value)`` for every non-blank line of ``path``.

    ``where`` is ``"file:line"`` for messages. A missing file raises
    :class:`~nsr.errors.ResourceNotFound` naming ``what`` the file should have held; a line that
    is not UTF-8 or not JSON raises :class:`DataError` with its position; with ``nonempty`` so
    does a file without a single record (a command would otherwise do nothing and succeed).
    """
    seen = False
    for lineno, line in iter_lines(path, what):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(
                f"{where}: not valid JSON ({exc.msg} at column {exc.colno})"
            ) from None
        except RecursionError:
            raise DataError(f"{where}: JSON nested too deeply") from None
        seen = True
        yield where, lineno, value
    if nonempty and not seen:
        raise empty_file(path, what)
