"""Generate HINT (Li et al. 2023) from its published recipe, reproducibly from one seed.

Train: 0..10 operators, every intermediate value and the result <= 100, unique expressions, at
most ``max_per_op`` per operator count, no single result above ``result_ratio`` (5%) of the set.
Test, five subsets, at most ``test_per_op`` unique expressions per operator count, results
balanced (no result above ``test_result_ratio`` of its operator count's quota):

    I   expressions drawn from the train set          SS  <= 10 ops, values <= 100, not in train
    LS  11..20 ops, values <= 100                     SL  <= 10 ops, some value in (100, 10000]
    LL  11..20 ops, some value in (100, 10000]

Expressions are random prefix trees (operator uniform, left/right operator split uniform) printed
infix with only the parentheses precedence needs, then re-read by the oracle to record the
dependency tree (``head``). Trees with at most two operators are enumerated instead of sampled
so that small operator counts, whose space is tiny, are covered without endless rejection.

Every random choice comes from one ``random.Random(seed)`` in a fixed order, so the same config
writes byte-identical files. Published sizes: ``HintConfig.published()`` (the paper reports
train 998,000; I 9,980 / SS 8,000 / LS 10,000 / SL 8,640 / LL 10,000). Under the stated caps
this recipe cannot reach 998,000: 0-2 operators allow only 29,630 valid expressions and 3-10
operators at most 100,000 each, so the training set tops out at 829,630 (measured: about three
minutes on a shared 2-core machine).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import product
from pathlib import Path
from typing import Any

from nsr.atomic import atomic_open
from nsr.errors import ConfigError
from nsr.tasks.hint.expr import (
    DIGITS,
    OPERATORS,
    Tree,
    parse,
    to_infix,
    tree_values,
)

TRAIN = "train"
TEST_SUBSETS: tuple[str, ...] = ("I", "SS", "LS", "SL", "LL")
ALL_SPLITS: tuple[str, ...] = (TRAIN, *TEST_SUBSETS)
MANIFEST = "config.json"
FORMAT_VERSION = 1
#: Operator counts up to this are enumerated rather than sampled (2 ops: 32,000 trees).
ENUMERATE_MAX_OPS = 2

ProgressFn = Callable[[str, int], None]


@dataclass(frozen=True)
class HintConfig:
    """Sizes and bounds of a generated HINT dataset; defaults generate in seconds."""

    seed: int = 0
    train_size: int = 20_000
    test_per_op: int = 100
    max_train_ops: int = 10
    max_test_ops: int = 20
    small_max_value: int = 100
    large_max_value: int = 10_000
    max_per_op: int = 100_000
    result_ratio: float = 0.05
    test_result_ratio: float = 0.05
    #: Sampling attempts per wanted expression before an operator count is declared exhausted.
    attempts_per_item: int = 200

    def __post_init__(self) -> None:
        for name in ("train_size", "test_per_op", "max_per_op", "attempts_per_item"):
            if getattr(self, name) < 1:
                raise ConfigError(f"HINT {name} must be >= 1, got {getattr(self, name)}")
        if not 0 <= self.max_train_ops < self.max_test_ops:
            raise ConfigError(
                f"HINT needs 0 <= max_train_ops < max_test_ops, got {self.max_train_ops}, "
                f"{self.max_test_ops}"
            )
        if not 9 <= self.small_max_value < self.large_max_value:
            raise ConfigError(
                f"HINT needs 9 <= small_max_value < large_max_value, got {self.small_max_value}, "
                f"{self.large_max_value}"
            )
        for name in ("result_ratio", "test_result_ratio"):
            if not 0 < getattr(self, name) <= 1:
                raise ConfigError(f"HINT {name} must be in (0, 1], got {getattr(self, name)}")
        if self.seed < 0:
            raise ConfigError(f"HINT seed must be >= 0, got {self.seed}")

    @classmethod
    def published(cls, seed: int = 0) -> HintConfig:
        """The paper's sizes (slow: minutes, ~1M expressions)."""
        return cls(seed=seed, train_size=998_000, test_per_op=1_000)

    @property
    def short_ops(self) -> range:
        return range(0, self.max_train_ops + 1)

    @property
    def long_ops(self) -> range:
        return range(self.max_train_ops + 1, self.max_test_ops + 1)


@dataclass(frozen=True)
class HintRecord:
    """One generated expression, as written to the JSON lines files."""

    expr: tuple[str, ...]
    head: tuple[int, ...]
    res: int
    split: str
    n_ops: int
    seed: int
    max_value: int

    def to_json(self) -> str:
        return json.dumps(
            {
                "expr": " ".join(self.expr),
                "head": list(self.head),
                "res": self.res,
                "split": self.split,
                "n_ops": self.n_ops,
                "seed": self.seed,
                "max_value": self.max_value,
            },
            separators=(", ", ": "),
        )


@dataclass(frozen=True)
class _Candidate:
    tree: Tree
    key: str
    value: int
    max_value: int


# -- drawing expressions ----------------------------------------------------------------------
def sample_tree(rng: random.Random, n_ops: int, ops: Sequence[str] = OPERATORS,
                leaves: Sequence[str] = DIGITS) -> Tree:
    """A random tree of ``n_ops`` operators drawn from ``ops`` over ``leaves`` (recursion
    depth <= n_ops)."""
    if n_ops == 0:
        return rng.choice(leaves)
    op = rng.choice(ops)
    left = rng.randint(0, n_ops - 1)
    return (op, sample_tree(rng, left, ops, leaves),
            sample_tree(rng, n_ops - 1 - left, ops, leaves))


def _enumerate_trees(n_ops: int) -> list[Tree]:
    """Every tree with ``n_ops`` operators, in a fixed order."""
    if n_ops == 0:
        return list(DIGITS)
    trees: list[Tree] = []
    for op in OPERATORS:
        for left_ops in range(n_ops):
            for left, right in product(
                _enumerate_trees(left_ops), _enumerate_trees(n_ops - 1 - left_ops)
            ):
                trees.append((op, left, right))
    return trees


def _candidate(tree: Tree) -> _Candidate | None:
    """Evaluate a tree; None when it divides by zero (such trees are resampled)."""
    try:
        value, max_value = tree_values(tree)
    except ZeroDivisionError:
        return None
    return _Candidate(tree, " ".join(to_infix(tree)), value, max_value)


def _candidates(rng: random.Random, n_ops: int, budget: int) -> Iterable[_Candidate]:
    """Valid candidates with ``n_ops`` operators: a shuffled enumeration for small counts,
    otherwise up to ``budget`` random draws."""
    if n_ops <= ENUMERATE_MAX_OPS:
        trees = _enumerate_trees(n_ops)
        rng.shuffle(trees)
        for tree in trees:
            cand = _candidate(tree)
            if cand is not None:
                yield cand
        return
    for _ in range(budget):
        cand = _candidate(sample_tree(rng, n_ops))
        if cand is not None:
            yield cand


def _take(
    candidates: Iterable[_Candidate],
    quota: int,
    accept: Callable[[_Candidate], bool],
    result_cap: int,
    result_counts: Counter[int],
    seen: set[str],
) -> list[_Candidate]:
    """Up to ``quota`` accepted, unseen candidates whose result is still under its cap."""
    chosen: list[_Candidate] = []
    for cand in candidates:
        if len(chosen) >= quota:
            break
        if cand.key in seen or not accept(cand) or result_counts[cand.value] >= result_cap:
            continue
        seen.add(cand.key)
        result_counts[cand.value] += 1
        chosen.append(cand)
    return chosen


def _record(cand: _Candidate, split: str, n_ops: int, seed: int) -> HintRecord:
    parsed = parse(cand.key.split())
    return HintRecord(parsed.tokens, parsed.head, cand.value, split, n_ops, seed, cand.max_value)


# -- the splits -------------------------------------------------------------------------------
def _water_fill(total: int, capacity: dict[int, int]) -> dict[int, int]:
    """Share ``total`` evenly over the keys, never above a key's capacity; what a small key
    cannot take goes to the larger ones."""
    quotas: dict[int, int] = {}
    remaining = total
    keys = sorted(capacity, key=lambda k: (capacity[k], k))
    for i, key in enumerate(keys):
        share = -(-remaining // (len(keys) - i)) if remaining > 0 else 0
        quotas[key] = min(capacity[key], share)
        remaining -= quotas[key]
    return quotas


def _generate_train(config: HintConfig, rng: random.Random, progress: ProgressFn) -> list[HintRecord]:
    def accept(c: _Candidate) -> bool:
        return c.max_value <= config.small_max_value

    ops = list(config.short_ops)
    # Small operator counts are enumerated up front: their exact capacity shapes the plan.
    pools: dict[int, list[_Candidate]] = {}
    for n_ops in ops:
        if n_ops <= ENUMERATE_MAX_OPS:
            pools[n_ops] = [c for c in _candidates(rng, n_ops, 0) if accept(c)]
    capacity = {n: min(config.max_per_op, len(pools[n])) if n in pools else config.max_per_op
                for n in ops}
    target = min(config.train_size, sum(capacity.values()))
    cap = max(1, int(target * config.result_ratio))
    counts: Counter[int] = Counter()
    seen: set[str] = set()
    records: list[HintRecord] = []
    for i, n_ops in enumerate(ops):
        # Re-plan what is still missing over the remaining operator counts, so one that falls
        # short (rejections) leaves its share to the larger ones.
        rest = {n: capacity[n] for n in ops[i:]}
        quota = _water_fill(target - len(records), rest)[n_ops]
        source = pools[n_ops] if n_ops in pools else _candidates(
            rng, n_ops, quota * config.attempts_per_item
        )
        chosen = _take(source, quota, accept, cap, counts, seen)
        records.extend(_record(c, TRAIN, n_ops, config.seed) for c in chosen)
        progress(TRAIN, len(chosen))
    records = _enforce_result_ratio(records, config.result_ratio, rng)
    rng.shuffle(records)
    return records


def _enforce_result_ratio(
    records: list[HintRecord], ratio: float, rng: random.Random
) -> list[HintRecord]:
    """Drop random surplus examples of any result above ``ratio`` of the set (only needed when
    sampling fell short of the planned size, which makes the planned cap too loose)."""
    while True:
        limit = max(1, int(len(records) * ratio))
        counts = Counter(r.res for r in records)
        over = {res for res, c in counts.items() if c > limit}
        if not over:
            return records
        keep: list[HintRecord] = []
        by_res: dict[int, list[HintRecord]] = {}
        for r in records:
            (by_res.setdefault(r.res, []) if r.res in over else keep).append(r)
        for res in sorted(over):
            group = by_res[res]
            rng.shuffle(group)
            keep.extend(group[:limit])
        records = keep


def _generate_test(
    config: HintConfig,
    rng: random.Random,
    train: list[HintRecord],
    progress: ProgressFn,
) -> dict[str, list[HintRecord]]:
    small, large = config.small_max_value, config.large_max_value
    quota = config.test_per_op
    cap = max(1, int(quota * config.test_result_ratio))
    train_keys = {" ".join(r.expr) for r in train}
    by_ops: dict[int, list[HintRecord]] = {}
    for r in sorted(train, key=lambda r: " ".join(r.expr)):  # order independent of the shuffle
        by_ops.setdefault(r.n_ops, []).append(r)

    rules: dict[str, tuple[range, Callable[[_Candidate], bool]]] = {
        "SS": (config.short_ops, lambda c: c.max_value <= small),
        "LS": (config.long_ops, lambda c: c.max_value <= small),
        "SL": (config.short_ops, lambda c: small < c.max_value <= large),
        "LL": (config.long_ops, lambda c: small < c.max_value <= large),
    }
    out: dict[str, list[HintRecord]] = {}

    # I: a balanced sample of the training expressions themselves.
    subset: list[HintRecord] = []
    for n_ops in config.short_ops:
        pool = list(by_ops.get(n_ops, []))
        rng.shuffle(pool)
        counts: Counter[int] = Counter()
        chosen: list[HintRecord] = []
        for r in pool:
            if len(chosen) >= quota:
                break
            if counts[r.res] < cap:
                counts[r.res] += 1
                chosen.append(
                    HintRecord(r.expr, r.head, r.res, "I", n_ops, config.seed, r.max_value)
                )
        subset.extend(chosen)
        progress("I", len(chosen))
    out["I"] = subset

    for name, (op_range, accept) in rules.items():
        subset = []
        for n_ops in op_range:
            seen = set(train_keys)  # never reuse a training expression outside I
            chosen_c = _take(
                _candidates(rng, n_ops, quota * config.attempts_per_item),
                quota,
                accept,
                cap,
                Counter(),
                seen,
            )
            subset.extend(_record(c, name, n_ops, config.seed) for c in chosen_c)
            progress(name, len(chosen_c))
        out[name] = subset
    return out


def generate_splits(
    config: HintConfig, progress: ProgressFn | None = None
) -> dict[str, list[HintRecord]]:
    """All six splits in memory: ``{"train": [...], "I": [...], ..., "LL": [...]}``."""
    rng = random.Random(config.seed)
    report = progress or (lambda split, n: None)
    train = _generate_train(config, rng, report)
    return {TRAIN: train, **_generate_test(config, rng, train, report)}


def expected_size(config: HintConfig) -> int:
    """Upper bound of the number of records (for progress bars)."""
    short, long = len(config.short_ops), len(config.long_ops)
    return config.train_size + config.test_per_op * (3 * short + 2 * long)


# -- files ------------------------------------------------------------------------------------
def split_file(out_dir: Path, split: str) -> Path:
    return Path(out_dir) / f"{split}.jsonl"


def _write_atomic(path: Path, lines: Iterable[str]) -> None:
    with atomic_open(path) as fh:
        for line in lines:
            fh.write(line)
            fh.write("\n")


def write_dataset(out_dir: Path, config: HintConfig, splits: dict[str, list[HintRecord]]) -> Path:
    """Write one JSON lines file per split, then ``config.json`` (the manifest, written last so
    that its presence means the set is complete). Each file is replaced atomically."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for split in ALL_SPLITS:
        _write_atomic(split_file(out_dir, split), (r.to_json() for r in splits[split]))
    manifest: dict[str, Any] = {
        "generator": "nsr.tasks.hint.generate",
        "format_version": FORMAT_VERSION,
        "config": asdict(config),
        "counts": {split: len(splits[split]) for split in ALL_SPLITS},
    }
    _write_atomic(out_dir / MANIFEST, [json.dumps(manifest, indent=2, sort_keys=True)])
    return out_dir


def generate(
    config: HintConfig, out_dir: Path, progress: ProgressFn | None = None
) -> dict[str, int]:
    """Generate and write a HINT dataset; returns the number of records per split."""
    splits = generate_splits(config, progress)
    write_dataset(out_dir, config, splits)
    return {split: len(splits[split]) for split in ALL_SPLITS}
