"""Reading JSON-lines files the same way everywhere: every error names ``file:line``.

Records, LLM problem lists and generated HINT splits are all JSON lines; a user who hand-edits
one should get the same one-line error from each (what is wrong, and where).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nsr.errors import DataError, ResourceNotFound


def read_jsonl(path: str | Path, *, what: str = "JSON-lines") -> Iterator[tuple[str, int, Any]]:
    """Yield ``(where, line_number, value)`` for every non-blank line of ``path``.

    ``where`` is ``"file:line"`` for messages. A missing file raises :class:`ResourceNotFound`
    naming ``what`` the file should have held; a line that is not JSON raises
    :class:`DataError` with its position.
    """
    path = Path(path)
    if not path.is_file():
        raise ResourceNotFound(f"no such {what} file: {path}")
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(
                    f"{where}: not valid JSON ({exc.msg} at column {exc.colno})"
                ) from None
            yield where, lineno, value
