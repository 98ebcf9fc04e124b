"""The generic task: learn from any file of (input, output) pairs, no task class to write.

The task declares only facts about the data, and reads them from the data: outputs are token
sequences (primitive library ``lists``) or integers (``numbers``), inputs are tokens. A
checkpoint records the library, so a model trained here is evaluated and run from the
checkpoint alone (see :meth:`DataTask.adopt_checkpoint`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from nsr.errors import ConfigError, DataError
from nsr.tasks.base import Example, Target, Task
from nsr.tasks.data.reader import read_data_file, record_line

#: The library each output kind calls for, unless the user names another one.
LIBRARY_OF_KIND = {"tokens": "lists", "integer": "numbers"}


class DataTask(Task):
    """(input, output) pairs from the user's own files (``--train-file`` / ``--test-file``)."""

    name: ClassVar[str] = "data"
    splits: ClassVar[tuple[str, ...]] = ("file",)
    default_split: ClassVar[str] = "file"
    perception_kind: ClassVar[str] = "tokens"
    has_oracle: ClassVar[bool] = False

    def __init__(self) -> None:
        # Until a file or a checkpoint says otherwise: token outputs.
        self.primitive_library = "lists"  # type: ignore[misc]
        self._library_fixed = False

    def set_library(self, library: str) -> None:
        """Use ``library`` whatever the outputs are (``nsr train --library``)."""
        self.primitive_library = library  # type: ignore[misc]
        self._library_fixed = True

    def load(
        self, split: str | None = None, part: str = "train", *, data_dir: Path | None = None
    ) -> list[Example]:
        raise ConfigError("task 'data' has no built-in data: pass --train-file FILE "
                          "(and --test-file FILE to evaluate)")

    def load_file(self, path: Path) -> list[Example]:
        """Examples of a JSON-lines or TSV file (see :mod:`nsr.tasks.data.reader`); the first
        file read decides the library unless one was set, later files must agree with it."""
        data = read_data_file(path)
        wanted = LIBRARY_OF_KIND[data.output_kind]
        if (self.primitive_library == "numbers") != (data.output_kind == "integer"):
            if self._library_fixed:
                raise DataError(f"{path}:{data.examples[0].meta['line']}: outputs are "
                                f"{data.output_kind}, but the model computes "
                                f"{self.output_kind} outputs (library {self.primitive_library!r})")
            self.primitive_library = wanted  # type: ignore[misc]
        self._library_fixed = True
        return data.examples

    def format_record(self, source: tuple[str, ...], target: Target) -> str:
        return record_line(source, target)

    def adopt_checkpoint(self, config: Mapping[str, Any]) -> None:
        library = config.get("library")
        if library:
            self.set_library(str(library))

    def oracle(self, source: tuple[str, ...]) -> Target:
        raise ConfigError("task 'data' has no reference interpreter: its answers are the file's")

    def parse_target(self, text: str) -> Target:
        if self.output_kind == "integer":
            try:
                return int(text.strip())
            except ValueError:
                raise DataError(f"an answer of this task is an integer, got {text!r}") from None
        return tuple(text.split())
