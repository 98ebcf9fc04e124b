"""HINT as a task: loads a generated dataset directory (see :mod:`.generate`)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from nsr.errors import DataError, ResourceNotFound
from nsr.jsonlines import read_jsonl
from nsr.tasks.base import Example, Target, Task
from nsr.tasks.hint.expr import interpret, parse, tree_from_heads, tree_values
from nsr.tasks.hint.generate import MANIFEST, TEST_SUBSETS, TRAIN, split_file
from nsr.tasks.paths import hint_cache_dir

DEFAULT_SEED = 0
ALL = "all"


def load_jsonl(path: Path, *, id_prefix: str, split: str, part: str) -> list[Example]:
    """Examples from one generated JSON lines file; malformed records raise :class:`DataError`
    naming file and line (a record's ``head`` must be a well-formed tree of its ``expr``)."""
    examples: list[Example] = []
    for where, lineno, rec in read_jsonl(path, what="HINT", nonempty=True):
        try:
            tokens = tuple(rec["expr"].split())
            head = tuple(int(h) for h in rec["head"])
            res = int(rec["res"])
            subset = str(rec.get("split", part))
            n_ops = int(rec["n_ops"]) if "n_ops" in rec else None
        except KeyError as exc:
            raise DataError(f"{where}: HINT record without the field {exc} (a record has "
                            "'expr', 'head' and 'res')") from None
        except (ValueError, TypeError, AttributeError) as exc:
            raise DataError(f"{where}: malformed HINT record ({exc})") from None
        try:
            tree_from_heads(tokens, head)
            _, max_value = tree_values(parse(tokens).tree)
        except (DataError, ZeroDivisionError) as exc:
            raise DataError(f"{where}: {exc}") from None
        meta = {
            "split": split,
            "part": part,
            "subset": subset,
            "file": str(path),
            "line": lineno,
            "head": head,
            "n_ops": n_ops if n_ops is not None else sum(t in "+-*/" for t in tokens),
            "max_value": int(rec.get("max_value", max_value)),
            "seed": rec.get("seed"),
        }
        examples.append(Example(tokens, res, f"{id_prefix}:{len(examples)}", meta))
    return examples


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
    #: Learner settings for HINT (task configuration, not data): the published length
    #: curriculum (single digits first, then max length 3, 5, 7, 11, 15, then all) and a program
    #: size that fits ``*``/``/`` written with a learned ``+``/``-`` (10 AST nodes).
    learner_options: ClassVar[dict[str, object]] = {
        "curriculum": (1, 3, 5, 7, 11, 15),
        "search_max_size": 10,
        # Every tree of a 5-token input: the parser's beam rarely offers the other bracketing,
        # so precedence (a - b * c) would only be learned by luck.
        "enumerate_up_to": 5,
        # ...and every projective tree of a longer input holding a new symbol, when at most
        # 200: the first brackets come in 7-token expressions (20 trees each)
        "enumerate_new": 200,
        "fast_abduction": True,
        # A new operator over a new bracket still gets rows, under a guess of the bracket
        # (identity over its child; see ``LearnerConfig.guess_lower_holes``)
        "guess_lower_holes": True,
        # `(` is learned as `lambda x, y: x`: a tree may stow `+ 0 )` in its ignored slot and
        # still be right (`( 7 + 0 )` = 7), teaching the parser a reading that fails on long
        # inputs. Answers come from trees that use every computed part (beam fallback).
        "live_trees": True,
        # Brackets must scope what they enclose. As identities, `(` and `)` fit every example
        # wherever they attach (`( 3` + `4 )`), the parser learns local attachments that keep
        # no nesting on its stack, and long inputs fail (seeds 1, 2: LS 43%). Without the
        # identity the bracket pair is learned as `(` := lambda x, y: x over the enclosed
        # expression and `)`, which a stack parser closes locally.
        "identity_programs": False,
        # Infix expressions are projective; a non-projective tree that is right is right by
        # accident (commutative operators), and teaches the parser a wrong attachment.
        "projective": True,
        # `( 6 + 6 ) * 0` = 0 says nothing about the bracket's value: such rows, fitted, buy a
        # bigger program that explains a few more examples by luck (`)` := y - x over y)
        "loose_evidence": False,
        # ...and every tree's row reaches the search (up to 12 per example), which stops
        # 3 sizes past a program explaining 95% of the examples (the rest are noise)
        "search_rows_per_group": 12,
        "search_good_slack": 3,
        # Four rounds over all 20,000 examples can leave the parser a few long inputs short of
        # fitting them (seed 1: 99.62% train, LS 98.6%; ten rounds: 100% train and test)
        "final_rounds": 10,
    }

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
        """Examples of any file in the generated format (JSON lines with ``expr``, ``head``,
        ``res``), e.g. for ``nsr eval hint --test-file`` or ``nsr train hint --train-file``."""
        path = Path(path)  # a missing file: read_jsonl raises ResourceNotFound naming it
        return load_jsonl(path, id_prefix=f"hint/file/{path.stem}", split="file", part="file")

    def oracle(self, source: tuple[str, ...]) -> Target:
        return interpret(source)

    def parse_target(self, text: str) -> Target:
        try:
            return int(text.strip())
        except ValueError:
            raise DataError(f"a HINT answer is an integer, got {text!r}") from None

    def __repr__(self) -> str:
        return f"HintTask(seed={self.seed})"
