"""Reading users' data files the same way in every task: every error names ``file:line``.

A user who hands nsr their own file should get one line saying what is wrong and where
(1-based line numbers), whatever the task: a missing file, bytes that are not UTF-8, a line in
the wrong format, or a file with no example at all. Task readers build on these helpers instead
of opening files themselves; these build on :mod:`nsr.textfile`, the one text reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from nsr.errors import DataError
from nsr.textfile import iter_lines


def read_lines(path: str | Path, *, what: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` for every non-blank line of ``path`` (newline stripped).

    ``what`` names the kind of file in messages ("SCAN", "PCFG source"...). A missing file
    raises :class:`ResourceNotFound`; bytes that are not UTF-8 raise :class:`DataError` naming
    the line they sit on.
    """
    for lineno, text in iter_lines(path, what):
        text = text.rstrip("\r\n")
        if text.strip():
            yield lineno, text


def all_lines(path: str | Path, *, what: str) -> list[tuple[int, str]]:
    """Every non-blank line of ``path`` as :func:`read_lines` gives it; an empty file raises
    :class:`DataError` (a file with no example is always a mistake: a wrong path or a failed
    export)."""
    lines = list(read_lines(path, what=what))
    if not lines:
        raise DataError(f"{path}:1: the {what} file is empty (no example in it)")
    return lines


def require_examples(examples: list, path: str | Path, what: str) -> list:
    """``examples`` unless it is empty (see :func:`all_lines`)."""
    if not examples:
        raise DataError(f"{path}:1: the {what} file is empty (no example in it)")
    return examples


def plain_inputs(path: str | Path, *, what: str = "input") -> list[tuple[int, tuple[str, ...]]]:
    """One input per non-blank line, tokens separated by whitespace: what ``nsr solve
    --input-file`` reads for every task (a task may accept its native records too)."""
    return [(lineno, tuple(text.split())) for lineno, text in all_lines(path, what=what)]


def _every_line(path: Path, what: str) -> list[str]:
    """Every line of ``path`` (blank ones too: in paired files position is meaning)."""
    return [text.rstrip("\r\n") for _, text in iter_lines(path, what)]


def paired_lines(
    inputs: Path, outputs: Path, *, what: str
) -> list[tuple[int, tuple[str, ...], tuple[str, ...]]]:
    """``(line, input tokens, output tokens)`` of two files paired line by line (PCFG's
    ``.src``/``.tgt``, a translation corpus's ``.en``/``.fr``).

    Different line counts, a blank line inside either file and empty files raise
    :class:`DataError` naming the file and line.
    """
    src, tgt = _every_line(Path(inputs), what), _every_line(Path(outputs), what)
    if not src:
        raise DataError(f"{inputs}:1: the {what} file is empty (no example in it)")
    if len(src) != len(tgt):
        short, n = (outputs, len(tgt)) if len(tgt) < len(src) else (inputs, len(src))
        raise DataError(f"{short}:{n + 1}: {inputs} has {len(src)} lines but {outputs} has "
                        f"{len(tgt)}; they must pair line by line")
    rows = []
    for lineno, (a, b) in enumerate(zip(src, tgt, strict=True), start=1):
        source, target = tuple(a.split()), tuple(b.split())
        if not source:
            raise DataError(f"{inputs}:{lineno}: empty input line")
        if not target:
            raise DataError(f"{outputs}:{lineno}: empty output line")
        rows.append((lineno, source, target))
    return rows


def pair_stem(path: Path, input_suffix: str, output_suffix: str, *, what: str) -> Path:
    """The common stem of a pair of files, given either file or the stem itself
    (``X.src``, ``X.tgt`` or ``X`` for PCFG)."""
    path = Path(path)
    if path.suffix in (input_suffix, output_suffix):
        return path.with_suffix("")
    if path.with_name(path.name + input_suffix).is_file() or not path.is_file():
        return path
    raise DataError(f"{path}:1: a {what} file is a pair X{input_suffix} / X{output_suffix}; "
                    f"pass either file or the stem X")
