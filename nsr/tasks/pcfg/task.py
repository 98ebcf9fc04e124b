"""PCFG SET (Hupkes et al. 2020): string-function compositions, three splits.

The official 82K ``train.src`` files are unavailable, so every split trains on the complete
10K release (``pcfg-set-10K/random_split_train``) filtered by the split's rule (see
``docs/datasets.md``); tests are the official ``<split>/test.src|tgt``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from nsr.tasks.base import Example, Target, Task
from nsr.tasks.files import pair_stem, paired_lines, plain_inputs
from nsr.tasks.paths import find_dataset_dir, require_file
from nsr.tasks.pcfg.oracle import function_count, interpret

TRAIN_STEM = "pcfg-set-10K/random_split_train"
#: NSR split name -> official folder of its test set.
TEST_DIRS: dict[str, str] = {
    "iid": "pcfgset",
    "systematicity": "systematicity",
    "productivity": "productivity",
}
#: Function pairs the systematicity split holds out when they stand next to each other.
HELD_OUT_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {
        ("swap_first_last", "repeat"),
        ("append", "remove_second"),
        ("repeat", "remove_second"),
        ("append", "swap_first_last"),
    }
)
#: Productivity trains on inputs with at most this many function tokens.
PRODUCTIVITY_MAX_FUNCTIONS = 8


def has_held_out_pair(source: Sequence[str]) -> bool:
    """True when two adjacent tokens form one of :data:`HELD_OUT_PAIRS`."""
    return any(pair in HELD_OUT_PAIRS for pair in zip(source, source[1:], strict=False))


def keep_for_training(split: str, source: Sequence[str]) -> bool:
    """The split's rule for building its training set from the 10K release."""
    if split == "systematicity":
        return not has_held_out_pair(source)
    if split == "productivity":
        return function_count(source) <= PRODUCTIVITY_MAX_FUNCTIONS
    return True


def load_pair(
    stem: Path,
    *,
    id_prefix: str,
    split: str = "",
    part: str = "",
    keep: Callable[[tuple[str, ...]], bool] | None = None,
) -> list[Example]:
    """Examples from ``stem.src`` / ``stem.tgt`` (line i of one answers line i of the other).

    Mismatched line counts, empty lines, bytes that are not UTF-8 and empty files raise
    :class:`DataError` naming file and line.
    """
    src_path, tgt_path = stem.with_name(stem.name + ".src"), stem.with_name(stem.name + ".tgt")
    examples: list[Example] = []
    for lineno, source, target in paired_lines(src_path, tgt_path, what="PCFG"):
        if keep is not None and not keep(source):
            continue
        meta = {"split": split, "part": part, "file": str(src_path), "line": lineno}
        examples.append(Example(source, target, f"{id_prefix}:{len(examples)}", meta))
    return examples


def load_file(path: Path) -> list[Example]:
    """Examples of any PCFG pair of files: pass ``X.src``, ``X.tgt`` or the common stem ``X``."""
    stem = pair_stem(Path(path), ".src", ".tgt", what="PCFG")
    return load_pair(stem, id_prefix=f"pcfg/file/{stem.name}", split="file", part="file")


def read_inputs(path: Path) -> list[tuple[int, tuple[str, ...]]]:
    """Inputs of a ``.src`` file (or of the ``.src`` of a stem or of a ``.tgt``'s pair)."""
    path = Path(path)
    if path.suffix == ".tgt" or (not path.is_file() and path.suffix != ".src"):
        stem = pair_stem(path, ".src", ".tgt", what="PCFG")
        path = stem.with_name(stem.name + ".src")
    return plain_inputs(path, what="PCFG source")


class PcfgTask(Task):
    """PCFG SET with the i.i.d. (pcfgset), systematicity and productivity splits."""

    name: ClassVar[str] = "pcfg"
    splits: ClassVar[tuple[str, ...]] = tuple(TEST_DIRS)
    default_split: ClassVar[str] = "iid"
    # Outputs only rearrange the input's letters: no atom constants in programs.
    primitive_library: ClassVar[str] = "sequences"
    perception_kind: ClassVar[str] = "tokens"
    paired_files: ClassVar[bool] = True
    split_aliases: ClassVar[dict[str, str]] = {"pcfgset": "iid"}
    #: Letters (``A1`` .. ``Z20``, and unseen ones) are data: a run of them is one argument.
    open_class: ClassVar[str] = r"[A-Z][0-9]+"

    def load(
        self, split: str | None = None, part: str = "train", *, data_dir: Path | None = None
    ) -> list[Example]:
        split = self.resolve_split(split)
        part = self.check_part(part)
        root = find_dataset_dir("pcfg", data_dir)
        stem = TRAIN_STEM if part == "train" else f"{TEST_DIRS[split]}/test"
        require_file(root, stem + ".src", "pcfg")
        require_file(root, stem + ".tgt", "pcfg")
        keep = (lambda source: keep_for_training(split, source)) if part == "train" else None
        return load_pair(
            root / stem, id_prefix=f"pcfg/{split}/{part}", split=split, part=part, keep=keep
        )

    def load_file(self, path: Path) -> list[Example]:
        return load_file(path)

    def read_inputs(self, path: Path) -> list[tuple[int, tuple[str, ...]]]:
        return read_inputs(path)

    def oracle(self, source: tuple[str, ...]) -> Target:
        return interpret(source)
