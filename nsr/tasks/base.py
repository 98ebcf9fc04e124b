"""What every task hands to the learner: examples, and the task object that loads them.

A task is pure data plumbing: it reads (or generates) (input, output) pairs and knows a
hand-written reference interpreter (the *oracle*). The oracle exists for tests, data generation
and prototype conversion only; the learner never sees it and must infer the semantics from the
pairs alone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from nsr.errors import ConfigError

#: A target is a token sequence (SCAN, PCFG) or an integer (HINT).
Target = tuple[str, ...] | int

#: What a task's outputs are: token sequences, or integers.
OutputKind = Literal["tokens", "integer"]

Part = Literal["train", "test"]
PARTS: tuple[str, ...] = ("train", "test")


@dataclass(frozen=True)
class Example:
    """One (input, output) pair.

    ``id`` is ``"<task>/<split>/<part>:<index>"`` (index 0-based in the loaded list) so a
    prediction can always be traced back to its source line; ``meta`` holds where it came from
    (``split``, ``part``, ``file``, ``line``; HINT adds ``n_ops``, ``max_value`` and ``head`` when
    the file has it).
    ``meta`` is excluded from equality and hashing: two examples are the same example when
    their id, input and output agree, whatever bookkeeping travels with them. Treat it as
    read-only (it stays a plain dict so examples pickle into data-loader workers).
    """

    source: tuple[str, ...]
    target: Target
    id: str
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        # Accept lists from callers but store tuples: examples must stay hashable and immutable.
        if not isinstance(self.source, tuple):
            object.__setattr__(self, "source", tuple(self.source))
        if not isinstance(self.target, int | tuple):
            object.__setattr__(self, "target", tuple(self.target))
        if not isinstance(self.meta, dict):
            object.__setattr__(self, "meta", dict(self.meta))


@dataclass(frozen=True)
class Vocabulary:
    """Sorted distinct input tokens and output tokens of a set of examples.

    Integer targets (HINT) contribute no output tokens: their outputs are numbers, not symbols.
    """

    source: tuple[str, ...]
    target: tuple[str, ...]


class Task(ABC):
    """A benchmark task. Subclasses set the class attributes and implement the methods.

    Outside packages plug in their own tasks by subclassing this and declaring an entry point
    in the ``nsr.tasks`` group (see :mod:`nsr.tasks.registry`).
    """

    name: ClassVar[str]
    splits: ClassVar[tuple[str, ...]]
    default_split: ClassVar[str]
    #: Which primitive library the learner's programs draw on: "lists", "sequences" (lists
    #: without atom constants) or "numbers".
    primitive_library: ClassVar[Literal["lists", "sequences", "numbers"]]
    #: What perception reads: discrete tokens, or images of symbols.
    perception_kind: ClassVar[Literal["tokens", "images"]]
    #: Other names accepted for a split, e.g. PCFG's "pcfgset" for "iid".
    split_aliases: ClassVar[Mapping[str, str]] = {}
    #: Regex of open-class input tokens (data, not instructions: PCFG's letters). A maximal run
    #: of them is one segment whose value is the run itself. "" = every token is a symbol.
    open_class: ClassVar[str] = ""
    #: Whether :meth:`oracle` knows the answers (False for data-only tasks: translation, the
    #: user's own files), so tests and data tools can tell before calling it.
    has_oracle: ClassVar[bool] = True
    #: Inputs and outputs live in two files paired line by line (PCFG's ``.src``/``.tgt``):
    #: a native answer file is then one answer per input line.
    paired_files: ClassVar[bool] = False

    @abstractmethod
    def load(
        self, split: str | None = None, part: str = "train", *, data_dir: Path | None = None
    ) -> list[Example]:
        """The examples of one part ("train" or "test") of one split."""

    @abstractmethod
    def oracle(self, source: tuple[str, ...]) -> Target:
        """Reference interpreter: the expected output of an input (tests and data only)."""

    @property
    def output_kind(self) -> OutputKind:
        """Integers for a task whose programs compute numbers, token sequences otherwise."""
        return "integer" if self.primitive_library == "numbers" else "tokens"

    def load_file(self, path: Path) -> list[Example]:
        """Examples of any file in the task's native format (``--train-file``/``--test-file``).

        Errors name the file and the 1-based line. Tasks without a file format say so.
        """
        raise ConfigError(f"task {self.name!r} cannot read arbitrary files")

    def read_inputs(self, path: Path) -> list[tuple[int, tuple[str, ...]]]:
        """``(line, tokens)`` of every input of ``path`` for ``nsr solve --input-file``: one
        input per non-blank line, tokens separated by whitespace (tasks may also accept their
        native records, whose outputs are then ignored)."""
        from nsr.tasks.files import plain_inputs

        return plain_inputs(path, what=f"{self.name} input")

    def format_record(self, source: tuple[str, ...], target: Target) -> str:
        """One line of the task's native file holding ``source`` answered by ``target`` (what
        ``nsr solve --native`` writes, so answers can be read back as a test file). Tasks whose
        answers live in a file of their own (PCFG's ``.tgt``) write just the answer."""
        return self.format_target(target)

    def adopt_checkpoint(self, config: Mapping[str, Any]) -> None:
        """Take what a checkpoint's learner config records about the data (the generic task's
        primitive library); built-in tasks declare it themselves and ignore this."""
        del config  # nothing to adopt: a built-in task's facts are its class attributes

    def format_target(self, target: Target) -> str:
        """Text form of a target (space-separated tokens, or the decimal integer)."""
        if isinstance(target, int):
            return str(target)
        return " ".join(target)

    def parse_target(self, text: str) -> Target:
        """Inverse of :meth:`format_target`."""
        return tuple(text.split())

    def vocabulary(self, examples: Iterable[Example]) -> Vocabulary:
        """Distinct input and output tokens of ``examples`` (sorted, for stable indices)."""
        src: set[str] = set()
        tgt: set[str] = set()
        for ex in examples:
            src.update(ex.source)
            if not isinstance(ex.target, int):
                tgt.update(ex.target)
        return Vocabulary(tuple(sorted(src)), tuple(sorted(tgt)))

    # -- helpers shared by the built-in tasks -------------------------------------------------
    def resolve_split(self, split: str | None) -> str:
        """Canonical split name; raises :class:`ConfigError` naming the known ones."""
        if split is None:
            return self.default_split
        split = self.split_aliases.get(split, split)
        if split not in self.splits:
            known = ", ".join(self.splits)
            raise ConfigError(f"task {self.name!r} has no split {split!r}; known splits: {known}")
        return split

    @staticmethod
    def check_part(part: str) -> str:
        if part not in PARTS:
            raise ConfigError(f"unknown part {part!r}; expected 'train' or 'test'")
        return part

    def example_id(self, split: str, part: str, index: int) -> str:
        return f"{self.name}/{split}/{part}:{index}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
