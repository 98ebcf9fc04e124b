"""SCAN (Lake & Baroni 2018): commands to action sequences, five standard splits."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from nsr.errors import DataError
from nsr.tasks.base import Example, Target, Task
from nsr.tasks.files import all_lines
from nsr.tasks.paths import find_dataset_dir, require_file
from nsr.tasks.scan.oracle import interpret

#: NSR split name -> (train file, test file), relative to the SCAN data folder.
SPLIT_FILES: dict[str, tuple[str, str]] = {
    "simple": ("simple_split/tasks_train_simple.txt", "simple_split/tasks_test_simple.txt"),
    "length": ("length_split/tasks_train_length.txt", "length_split/tasks_test_length.txt"),
    "jump": (
        "add_prim_split/tasks_train_addprim_jump.txt",
        "add_prim_split/tasks_test_addprim_jump.txt",
    ),
    "turn_left": (
        "add_prim_split/tasks_train_addprim_turn_left.txt",
        "add_prim_split/tasks_test_addprim_turn_left.txt",
    ),
    "around_right": (
        "template_split/tasks_train_template_around_right.txt",
        "template_split/tasks_test_template_around_right.txt",
    ),
}

#: Every command of the grammar (not a split; handy for oracle checks).
ALL_COMMANDS_FILE = "tasks.txt"


def load_file(
    path: Path, *, id_prefix: str | None = None, split: str = "", part: str = ""
) -> list[Example]:
    """Examples of any file in SCAN's native format, one ``IN: ... OUT: ...`` per line.

    Blank lines are skipped; anything else that does not match, bytes that are not UTF-8 and
    a file without any example raise :class:`DataError` naming the file and line.
    """
    path = Path(path)
    prefix = id_prefix or f"scan/file/{path.stem}"
    examples: list[Example] = []
    for lineno, line in all_lines(path, what="SCAN"):
        source, target = _record(line, f"{path}:{lineno}")
        meta = {"split": split, "part": part, "file": str(path), "line": lineno}
        examples.append(Example(source, target, f"{prefix}:{len(examples)}", meta))
    return examples


def _record(line: str, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    body = line.strip()
    if not body.startswith("IN:") or " OUT:" not in body:
        raise DataError(f"{where}: expected 'IN: <command> OUT: <actions>'")
    command, _, actions = body[3:].partition(" OUT:")
    source, target = tuple(command.split()), tuple(actions.split())
    if not source or not target:
        raise DataError(f"{where}: empty command or action sequence")
    return source, target


def read_inputs(path: Path) -> list[tuple[int, tuple[str, ...]]]:
    """Commands of ``path``, one per line: plain commands, or SCAN records whose ``OUT:`` part
    is ignored (so a test file can be answered as it is)."""
    out = []
    for lineno, line in all_lines(path, what="SCAN input"):
        if line.lstrip().startswith("IN:"):
            out.append((lineno, _record(line, f"{path}:{lineno}")[0]))
        else:
            out.append((lineno, tuple(line.split())))
    return out


def format_record(source: tuple[str, ...], target: tuple[str, ...]) -> str:
    """One line of SCAN's native format."""
    return f"IN: {' '.join(source)} OUT: {' '.join(target)}"


class ScanTask(Task):
    """SCAN with the simple, length, add-primitive (jump, turn left) and around-right splits."""

    name: ClassVar[str] = "scan"
    splits: ClassVar[tuple[str, ...]] = tuple(SPLIT_FILES)
    default_split: ClassVar[str] = "simple"
    primitive_library: ClassVar[str] = "lists"
    perception_kind: ClassVar[str] = "tokens"
    split_aliases: ClassVar[dict[str, str]] = {
        "addprim_jump": "jump",
        "addprim_turn_left": "turn_left",
        "template_around_right": "around_right",
    }

    def load(
        self, split: str | None = None, part: str = "train", *, data_dir: Path | None = None
    ) -> list[Example]:
        split = self.resolve_split(split)
        part = self.check_part(part)
        root = find_dataset_dir("scan", data_dir)
        relative = SPLIT_FILES[split][0 if part == "train" else 1]
        path = require_file(root, relative, "scan")
        return load_file(path, id_prefix=f"scan/{split}/{part}", split=split, part=part)

    def load_file(self, path: Path) -> list[Example]:
        return load_file(path)

    def read_inputs(self, path: Path) -> list[tuple[int, tuple[str, ...]]]:
        return read_inputs(path)

    def format_record(self, source: tuple[str, ...], target: Target) -> str:
        return format_record(source, target)  # type: ignore[arg-type]

    def oracle(self, source: tuple[str, ...]) -> Target:
        return interpret(source)
