"""HINT as a task: loads a generated dataset directory (see :mod:`.generate`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

from nsr.errors import DataError, ResourceNotFound
from nsr.tasks.base import Example, Target, Task
from nsr.tasks.files import all_lines
from nsr.tasks.hint.expr import (
    OPERATORS,
    SYMBOLS,
    interpret,
    parse,
    tree_from_heads,
    tree_values,
)
from nsr.tasks.hint.generate import MANIFEST, TEST_SUBSETS, TRAIN, split_file
from nsr.tasks.paths import hint_cache_dir

DEFAULT_SEED = 0
ALL = "all"


def load_jsonl(path: Path, *, id_prefix: str, split: str, part: str) -> list[Example]:
    """Examples from a JSON lines file of ``{"expr": ..., "res": ...}`` records.

    Only ``expr`` and ``res`` are required: ``head`` (a gold dependency tree, never used by
    the learner) is checked when present; other symbols than HINT's (a new operator, a number
    ``11``) are data like any other, so the vocabulary stays open. Malformed records, bytes that
    are not UTF-8 and empty files raise :class:`DataError` naming file and line.
    """
    path = Path(path)
    examples: list[Example] = []
    for lineno, text in all_lines(path, what="HINT"):
        where = f"{path}:{lineno}"
        rec = _json_object(text, where)
        examples.append(_example(rec, where, f"{id_prefix}:{len(examples)}",
                                 {"split": split, "part": part, "file": str(path),
                                  "line": lineno}))
    return examples


def _json_object(text: str, where: str) -> dict:
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(rec, dict):
        raise DataError(f'{where}: expected an object {{"expr": ..., "res": ...}}')
    return rec


def _example(rec: dict, where: str, ex_id: str, meta: dict) -> Example:
    try:
        if not isinstance(rec["expr"], str) or isinstance(rec["res"], bool | float):
            raise TypeError("expr must be a string and res an integer")
        tokens = tuple(rec["expr"].split())
        res = int(rec["res"])
        subset = str(rec.get("split", meta["part"]))
        n_ops = int(rec["n_ops"]) if "n_ops" in rec else None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"{where}: malformed HINT record ({type(exc).__name__}: {exc}); "
                        'expected {"expr": "2 + 3", "res": 5}') from None
    if not tokens:
        raise DataError(f"{where}: empty expr")
    known = all(t in SYMBOLS for t in tokens)
    max_value = None
    if known:  # HINT's own symbols: the oracle can check the record's gold tree and values
        try:
            if "head" in rec:
                tree_from_heads(tokens, tuple(int(h) for h in rec["head"]))
            _, max_value = tree_values(parse(tokens).tree)
        except (DataError, ZeroDivisionError, ValueError, TypeError) as exc:
            raise DataError(f"{where}: {exc}") from None
    extra = {
        "subset": subset,
        "n_ops": n_ops if n_ops is not None else sum(t in OPERATORS for t in tokens),
        "max_value": int(rec.get("max_value", max_value if max_value is not None else res)),
        "seed": rec.get("seed"),
    }
    if "head" in rec:
        extra["head"] = tuple(int(h) for h in rec["head"])
    return Example(tokens, res, ex_id, {**meta, **extra})


def read_inputs(path: Path) -> list[tuple[int, tuple[str, ...]]]:
    """Expressions of ``path``, one per line: plain (``2 + 3 * 4``), or JSON records whose
    ``expr`` is read and ``res`` ignored (a HINT file answered as it is)."""
    out = []
    for lineno, text in all_lines(path, what="HINT input"):
        if text.lstrip().startswith("{"):
            rec = _json_object(text, f"{path}:{lineno}")
            if not isinstance(rec.get("expr"), str) or not rec["expr"].split():
                raise DataError(f'{path}:{lineno}: expected a record with a non-empty "expr"')
            out.append((lineno, tuple(rec["expr"].split())))
        else:
            out.append((lineno, tuple(text.split())))
    return out


class HintTask(Task):
    """HINT: one training set and five test subsets (I, SS, LS, SL, LL; ``all`` = their union).

    ``data_dir`` is a directory written by ``nsr data generate hint``; by default the cache
    directory of seed ``seed`` (``${NSR_DATA:-~/.cache/nsr}/hint/seed-<seed>``). Inputs are
    symbol tokens; the task's nature is images of handwritten symbols, which perception renders
    from these tokens (offline stand-ins, not CROHME).
    """

    name: ClassVar[str] = "hint"
    splits: ClassVar[tuple[str, ...]] = (ALL, *TEST_SUBSETS)
    default_split: ClassVar[str] = ALL
    primitive_library: ClassVar[str] = "numbers"
    perception_kind: ClassVar[str] = "images"
    split_aliases: ClassVar[dict[str, str]] = {s.lower(): s for s in TEST_SUBSETS}

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed

    def data_dir(self, data_dir: Path | None = None) -> Path:
        root = Path(data_dir).expanduser() if data_dir is not None else hint_cache_dir(self.seed)
        if not (root / MANIFEST).is_file():
            raise ResourceNotFound(
                f"no generated HINT data in {root}; run 'nsr data generate hint --seed "
                f"{self.seed} --out {root}'"
            )
        return root

    def load(
        self, split: str | None = None, part: str = "train", *, data_dir: Path | None = None
    ) -> list[Example]:
        split = self.resolve_split(split)
        part = self.check_part(part)
        root = self.data_dir(data_dir)
        if part == TRAIN:
            files = [TRAIN]  # one training set serves every test subset
        elif split == ALL:
            files = list(TEST_SUBSETS)
        else:
            files = [split]
        examples: list[Example] = []
        prefix = f"hint/{split}/{part}"
        for name in files:
            for ex in load_jsonl(split_file(root, name), id_prefix=prefix, split=split, part=part):
                examples.append(Example(ex.source, ex.target, f"{prefix}:{len(examples)}", ex.meta))
        return examples

    def load_file(self, path: Path) -> list[Example]:
        """Examples of any HINT JSON-lines file (``expr`` and ``res``; ``head`` optional),
        e.g. for ``nsr eval hint --test-file`` or ``nsr train hint --train-file``."""
        path = Path(path)
        return load_jsonl(path, id_prefix=f"hint/file/{path.stem}", split="file", part="file")

    def read_inputs(self, path: Path) -> list[tuple[int, tuple[str, ...]]]:
        return read_inputs(path)

    def format_record(self, source: tuple[str, ...], target: Target) -> str:
        return json.dumps({"expr": " ".join(source), "res": target})

    def oracle(self, source: tuple[str, ...]) -> Target:
        return interpret(source)

    def parse_target(self, text: str) -> Target:
        try:
            return int(text.strip())
        except ValueError:
            raise DataError(f"a HINT answer is an integer, got {text!r}") from None

    def __repr__(self) -> str:
        return f"HintTask(seed={self.seed})"
