"""PCFG SET (Hupkes et al. 2020): string-function compositions, three splits.

The official 82K ``train.src`` files are unavailable, so every split trains on the complete
10K release (``pcfg-set-10K/random_split_train``) filtered by the split's rule (see
``docs/datasets.md``); tests are the official ``<split>/test.src|tgt``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from nsr.errors import DataError, ResourceNotFound
from nsr.tasks.base import Example, Target, Task
from nsr.tasks.paths import find_dataset_dir, require_file
from nsr.tasks.pcfg.oracle import function_count, interpret
from nsr.textfile import read_text

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

    Mismatched line counts or empty lines raise :class:`DataError` naming file and line.
    """
    src_path, tgt_path = stem.with_name(stem.name + ".src"), stem.with_name(stem.name + ".tgt")
    for p in (src_path, tgt_path):
        if not p.is_file():
            raise ResourceNotFound(f"PCFG file {p} does not exist; run 'nsr data fetch pcfg'")
    sources = read_text(src_path, "PCFG").splitlines()
    targets = read_text(tgt_path, "PCFG").splitlines()
    if len(sources) != len(targets):
        raise DataError(
            f"{src_path} has {len(sources)} lines but {tgt_path} has {len(targets)}; "
            "they must pair line by line"
        )
    examples: list[Example] = []
    for lineno, (src_line, tgt_line) in enumerate(zip(sources, targets, strict=True), start=1):
        source, target = tuple(src_line.split()), tuple(tgt_line.split())
        if not source:
            raise DataError(f"{src_path}:{lineno}: empty input line")
        if not target:
            raise DataError(f"{tgt_path}:{lineno}: empty output line")
        if keep is not None and not keep(source):
            continue
        meta = {"split": split, "part": part, "file": str(src_path), "line": lineno}
        examples.append(Example(source, target, f"{id_prefix}:{len(examples)}", meta))
    return examples


class PcfgTask(Task):
    """PCFG SET with the i.i.d. (pcfgset), systematicity and productivity splits."""

    name: ClassVar[str] = "pcfg"
    splits: ClassVar[tuple[str, ...]] = tuple(TEST_DIRS)
    default_split: ClassVar[str] = "iid"
    # Outputs only rearrange the input's letters: no atom constants in programs.
    primitive_library: ClassVar[str] = "sequences"
    perception_kind: ClassVar[str] = "tokens"
    split_aliases: ClassVar[dict[str, str]] = {"pcfgset": "iid"}
    #: Letters (``A1`` .. ``Z20``, and unseen ones) are data: a run of them is one argument.
    open_class: ClassVar[str] = r"[A-Z][0-9]+"
    #: Inputs are prefix expressions: every argument is a contiguous span, so trees are
    #: projective (see ``LearnerConfig.projective``).
    #: Two new symbols in one tree (a function over a new separator) teach the upper one
    #: under a guess of the lower one (see ``LearnerConfig.guess_lower_holes``).
    learner_options: ClassVar[dict[str, object]] = {"search_max_size": 11, "projective": True,
                                                    "learn_rescued": True,
                                                    "guess_lower_holes": True}

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

    def oracle(self, source: tuple[str, ...]) -> Target:
        return interpret(source)
