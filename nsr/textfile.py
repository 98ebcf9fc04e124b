"""Reading a user's text file the same way everywhere: every failure is one line naming it.

Data sets, prototype files, PDDL, Prolog programs and checkpoints are all text a user may have
saved in the wrong encoding, pointed at a folder, or left empty. Python's own errors for these
(``UnicodeDecodeError: ... in position 48213``, ``IsADirectoryError``) say neither which file nor
which line; the readers here raise :class:`~nsr.errors.DataError` /
:class:`~nsr.errors.ResourceNotFound` with ``file:line`` and what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from nsr.errors import DataError, ResourceNotFound

#: How much of an offending token or line an error message quotes (a 100 kB "word" must not be
#: echoed in full).
SHOWN_CHARS = 60


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters with a note of how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


def _open_error(path: Path, what: str) -> Exception | None:
    """The error for a path that cannot be read as a file, or None when it can be opened."""
    if path.is_dir():
        return ResourceNotFound(f"{path} is a folder, not a {what} file")
    if not path.exists():
        return ResourceNotFound(f"no such {what} file: {path}")
    return None


def _decode_error(path: Path, data: bytes, exc: UnicodeDecodeError, first_line: int = 1) -> DataError:
    start = exc.start
    line = first_line + data.count(b"\n", 0, start)
    column = start - (data.rfind(b"\n", 0, start) + 1) + 1
    return DataError(
        f"{path}:{line}: not UTF-8 text (byte 0x{data[start]:02x} at column {column}); "
        "save the file as UTF-8"
    )


def _decode(path: Path, data: bytes, first_line: int = 1) -> str:
    try:
        # utf-8-sig: a byte-order mark some editors write is not part of the first word.
        return data.decode("utf-8-sig" if first_line == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise _decode_error(path, data, exc, first_line) from None


def read_text(path: str | Path, what: str = "input", *, nonempty: bool = False) -> str:
    """The whole of ``path`` as text (UTF-8).

    ``what`` names the kind of file in messages ("no such SCAN file: x"). With ``nonempty`` a
    file of nothing but whitespace is an error too: every command that reads one would
    otherwise report 0 examples or 0 records and succeed.
    """
    path = Path(path)
    problem = _open_error(path, what)
    if problem is not None:
        raise problem
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ResourceNotFound(f"cannot read {what} file {path}: {exc.strerror or exc}") from None
    text = _decode(path, data)
    if nonempty and not text.strip():
        raise empty_file(path, what)
    return text


def iter_lines(path: str | Path, what: str = "input") -> Iterator[tuple[int, str]]:
    """``(line_number, line)`` for every line of ``path`` (1-based, newline kept), streamed.

    For files too big to hold as one string (generated data sets); an encoding error names
    the line it is on.
    """
    path = Path(path)
    problem = _open_error(path, what)
    if problem is not None:
        raise problem
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ResourceNotFound(f"cannot read {what} file {path}: {exc.strerror or exc}") from None
    with handle:
        for lineno, raw in enumerate(handle, start=1):
            yield lineno, _decode(path, raw, lineno)


def empty_file(path: str | Path, what: str = "input") -> DataError:
    """The error for a file with nothing in it (raised by callers that stream the file)."""
    return DataError(f"{path}: the {what} file is empty")
