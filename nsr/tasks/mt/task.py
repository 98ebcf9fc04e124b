"""Compositional English -> French translation (Lake & Baroni 2018, the NSR paper's fourth
benchmark): learn from ``train.en``/``train.fr``, test on ``test``, ``dev`` and ``test-daxy``
(the new adjective "daxy" in contexts never seen with it).

The task declares only facts about its data: inputs are English tokens, outputs French token
sequences (the ``lists`` library, whose programs may emit French words as constants). Files are
pairs ``X.en`` / ``X.fr`` paired line by line (see ``../shared/data/mt/README.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from nsr.errors import ConfigError
from nsr.tasks.base import Example, Target, Task
from nsr.tasks.files import pair_stem, paired_lines, plain_inputs
from nsr.tasks.paths import find_dataset_dir, require_file

SOURCE_SUFFIX, TARGET_SUFFIX = ".en", ".fr"
TRAIN_STEM = "train"
#: Split name -> stem of its test pair (``<stem>.en`` / ``<stem>.fr``).
TEST_STEMS: dict[str, str] = {"test": "test", "test-daxy": "test-daxy", "dev": "dev"}


def load_pair(stem: Path, *, id_prefix: str, split: str = "", part: str = "") -> list[Example]:
    """Examples of ``stem.en`` / ``stem.fr``; errors name the file and line."""
    src = stem.with_name(stem.name + SOURCE_SUFFIX)
    tgt = stem.with_name(stem.name + TARGET_SUFFIX)
    return [
        Example(source, target, f"{id_prefix}:{i}",
                {"split": split, "part": part, "file": str(src), "line": lineno})
        for i, (lineno, source, target) in enumerate(paired_lines(src, tgt, what="translation"))
    ]


def load_file(path: Path) -> list[Example]:
    """Examples of any pair of files: pass ``X.en``, ``X.fr`` or the common stem ``X``."""
    stem = pair_stem(Path(path), SOURCE_SUFFIX, TARGET_SUFFIX, what="translation")
    return load_pair(stem, id_prefix=f"mt/file/{stem.name}", split="file", part="file")


class MtTask(Task):
    """English -> French sentences starting with "i am", "you are", "he is"..."""

    name: ClassVar[str] = "mt"
    splits: ClassVar[tuple[str, ...]] = tuple(TEST_STEMS)
    default_split: ClassVar[str] = "test"
    primitive_library: ClassVar[str] = "lists"
    perception_kind: ClassVar[str] = "tokens"
    paired_files: ClassVar[bool] = True
    has_oracle: ClassVar[bool] = False
    split_aliases: ClassVar[dict[str, str]] = {"daxy": "test-daxy"}

    def load(
        self, split: str | None = None, part: str = "train", *, data_dir: Path | None = None
    ) -> list[Example]:
        split = self.resolve_split(split)
        part = self.check_part(part)
        try:
            root = find_dataset_dir("mt", data_dir)
        except FileNotFoundError:
            raise ConfigError("no translation data found: the task reads ../shared/data/mt "
                              "(or pass --train-file/--test-file X.en)") from None
        stem = TRAIN_STEM if part == "train" else TEST_STEMS[split]
        require_file(root, stem + SOURCE_SUFFIX, "mt")
        return load_pair(root / stem, id_prefix=f"mt/{split}/{part}", split=split, part=part)

    def load_file(self, path: Path) -> list[Example]:
        return load_file(path)

    def read_inputs(self, path: Path) -> list[tuple[int, tuple[str, ...]]]:
        path = Path(path)
        if path.suffix == TARGET_SUFFIX:
            path = path.with_suffix(SOURCE_SUFFIX)
        return plain_inputs(path, what="English input")

    def oracle(self, source: tuple[str, ...]) -> Target:
        raise ConfigError("task 'mt' has no reference interpreter: translations are data")
