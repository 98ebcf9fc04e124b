"""Held-out SCAN splits built from the data in ``../shared``, as seeded code.

The five published splits are few, and a learner can be tuned to them. These generators make
splits nobody tuned the learner on, from the same grammar:

- **template splits**: every command of ``tasks.txt`` that contains a phrase template (a
  modifier with one direction, a word in one role, a verb with one modifier) is held out; the
  learner trains on the rest of the simple split's training file and is tested on the held-out
  commands (Loula et al. 2018 style);
- **fraction splits**: a seeded random ``p`` of the simple split's training file, tested on the
  simple split's official test file (data efficiency).

Which templates exist is fixed here, before any result was seen; benchmarks report every one.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from nsr.errors import ConfigError
from nsr.tasks.base import Example
from nsr.tasks.paths import find_dataset_dir, require_file
from nsr.tasks.scan.task import ALL_COMMANDS_FILE, SPLIT_FILES, load_file

_ANY_VERB = r"(?:walk|look|run|jump|turn)"


@dataclass(frozen=True)
class Template:
    """A phrase template: a regex over the space-joined command, and what it tests."""

    name: str
    pattern: str
    what: str

    def matches(self, source: tuple[str, ...]) -> bool:
        return re.search(self.pattern, " ".join(source)) is not None


#: The held-out templates: at least one per kind (modifier x direction, word in one role,
#: verb x modifier, modifier x repetition), both directions.
TEMPLATES: tuple[Template, ...] = (
    Template("opposite_left", r"\bopposite left\b",
             "`opposite` seen only with `right`"),
    Template("opposite_right", r"\bopposite right\b",
             "`opposite` seen only with `left`"),
    Template("around_left", r"\baround left\b",
             "`around` seen only with `right`"),
    Template("verb_left", rf"\b{_ANY_VERB} left\b",
             "`left` seen only after `opposite`/`around`, never right after a verb"),
    Template("verb_right", rf"\b{_ANY_VERB} right\b",
             "`right` seen only after `opposite`/`around`, never right after a verb"),
    Template("jump_opposite_left", r"\bjump opposite left\b",
             "one verb with one modifier and one direction"),
    Template("look_around_right", r"\blook around right\b",
             "one verb with one modifier and one direction"),
    Template("around_left_twice", r"\baround left twice\b",
             "a modified phrase with one repetition"),
    Template("opposite_right_thrice", r"\bopposite right thrice\b",
             "a modified phrase with one repetition"),
    Template("run_twice", r"\brun twice\b",
             "one verb with one repetition"),
)

TEMPLATE_NAMES: tuple[str, ...] = tuple(t.name for t in TEMPLATES)

#: Fractions of the simple split's training file for the data-efficiency splits.
FRACTIONS: tuple[float, ...] = (0.01, 0.02, 0.04, 0.08)


def template(name: str) -> Template:
    for t in TEMPLATES:
        if t.name == name:
            return t
    raise ConfigError(f"unknown SCAN template {name!r}; known: {', '.join(TEMPLATE_NAMES)}")


def template_split(name: str, *, data_dir: Path | None = None,
                   max_test: int = 0, seed: int = 0) -> tuple[list[Example], list[Example]]:
    """(train, test) of one template split.

    Train: the simple split's training file without the commands matching the template. Test:
    every command of ``tasks.txt`` matching it (``max_test`` > 0: a seeded sample of that many).
    """
    t = template(name)
    root = find_dataset_dir("scan", data_dir)
    simple = load_file(require_file(root, SPLIT_FILES["simple"][0], "scan"),
                       id_prefix=f"scan/template-{name}/train", split=f"template-{name}",
                       part="train")
    every = load_file(require_file(root, ALL_COMMANDS_FILE, "scan"),
                      id_prefix=f"scan/template-{name}/test", split=f"template-{name}",
                      part="test")
    train = [ex for ex in simple if not t.matches(ex.source)]
    test = [ex for ex in every if t.matches(ex.source)]
    if not test:
        raise ConfigError(f"template {name!r} matches no command")
    if max_test and len(test) > max_test:
        test = random.Random(seed).sample(test, max_test)
    return train, test


def fraction_split(fraction: float, seed: int, *,
                   data_dir: Path | None = None) -> tuple[list[Example], list[Example]]:
    """(train, test): a seeded random ``fraction`` of the simple training file, and the simple
    split's official test file."""
    if not 0.0 < fraction <= 1.0:
        raise ConfigError(f"fraction must be in (0, 1], got {fraction}")
    root = find_dataset_dir("scan", data_dir)
    tag = f"simple-{fraction:g}"
    simple = load_file(require_file(root, SPLIT_FILES["simple"][0], "scan"),
                       id_prefix=f"scan/{tag}/train", split=tag, part="train")
    test = load_file(require_file(root, SPLIT_FILES["simple"][1], "scan"),
                     id_prefix=f"scan/{tag}/test", split=tag, part="test")
    n = max(1, round(fraction * len(simple)))
    return random.Random(seed).sample(simple, n), test


def new_verb_split(seed: int, *, shots: int = 10, word: str = "dax", action: str = "I_DAX",
                   data_dir: Path | None = None, max_test: int = 2000
                   ) -> tuple[list[Example], list[Example]]:
    """(train, test) for few-shot learning of a new verb.

    Every command of ``tasks.txt`` holding ``jump`` becomes one holding ``word`` (and
    ``I_JUMP`` becomes ``action``); train: ``shots`` seeded commands of at most 3 words; test: a
    seeded sample of ``max_test`` of the rest. Meant for a model that never saw ``word``
    (``nsr train --init``), e.g. any SCAN model.
    """
    root = find_dataset_dir("scan", data_dir)
    every = load_file(require_file(root, ALL_COMMANDS_FILE, "scan"),
                      id_prefix=f"scan/new-verb-{word}", split=f"new-verb-{word}", part="all")

    def renamed(ex: Example) -> Example:
        return Example(tuple(word if t == "jump" else t for t in ex.source),
                       tuple(action if t == "I_JUMP" else t for t in ex.target), ex.id, ex.meta)

    pool = [renamed(ex) for ex in every if "jump" in ex.source]
    rng = random.Random(seed)
    train = rng.sample([ex for ex in pool if len(ex.source) <= 3], shots)
    taken = {ex.id for ex in train}
    rest = [ex for ex in pool if ex.id not in taken]
    return train, rng.sample(rest, min(max_test, len(rest)))
