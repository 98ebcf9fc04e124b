"""HINT: one test per constraint of the generation spec, plus the oracle and the loader.

Values are re-computed here by an evaluator written independently of nsr (over the recorded
``head`` trees), so the checks do not trust the generator's own bookkeeping.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nsr.errors import ConfigError, DataError, ResourceNotFound
from nsr.tasks.hint import (
    HintConfig,
    HintTask,
    generate,
    interpret,
    parse,
    to_infix,
    tree_from_heads,
)
from nsr.tasks.hint.generate import ALL_SPLITS, MANIFEST

from .conftest import SMALL_HINT

OPS = set("+-*/")
SHORT, LONG = ("train", "I", "SS", "SL"), ("LS", "LL")

def toks(text: str) -> list[str]:
    """Whitespace tokens, as every task file stores them."""
    return text.split()



def _records(hint_dir: Path) -> dict[str, list[dict]]:
    return {
        split: [json.loads(line) for line in (hint_dir / f"{split}.jsonl").read_text().splitlines()]
        for split in ALL_SPLITS
    }


@pytest.fixture(scope="module")
def records(hint_dir: Path) -> dict[str, list[dict]]:
    return _records(hint_dir)


def _node_values(tokens: list[str], head: list[int]) -> dict[int, int]:
    """Value of every digit/operator token, evaluating the tree the heads describe."""
    children: dict[int, list[int]] = defaultdict(list)
    for i, h in enumerate(head):
        if h >= 0 and tokens[i] not in "()":
            children[h].append(i)
    values: dict[int, int] = {}

    def value(i: int) -> int:
        if tokens[i].isdigit():
            values[i] = int(tokens[i])
            return values[i]
        a, b = (value(c) for c in sorted(children[i]))
        op = tokens[i]
        v = {"+": a + b, "-": max(0, a - b), "*": a * b}.get(op)
        if v is None:
            assert b != 0, "division by zero in generated data"
            v = math.ceil(a / b)
        values[i] = v
        return v

    value(head.index(-1))
    return values


def test_operator_counts_per_split(records) -> None:
    for split, recs in records.items():
        for r in recs:
            tokens = r["expr"].split()
            assert r["n_ops"] == sum(t in OPS for t in tokens)
            if split in SHORT:
                assert 0 <= r["n_ops"] <= 10, (split, r)
            else:
                assert 11 <= r["n_ops"] <= 20, (split, r)
    assert {r["n_ops"] for r in records["LS"]} == set(range(11, 21))


def test_value_bounds_hold_for_every_intermediate_value(records) -> None:
    for split, recs in records.items():
        for r in recs:
            values = _node_values(r["expr"].split(), r["head"])
            top = max(values.values())
            assert top == r["max_value"]
            if split in ("train", "I", "SS", "LS"):
                assert top <= 100, (split, r)
            else:
                assert 100 < top <= 10_000, (split, r)


def test_expressions_are_unique_within_each_split(records) -> None:
    for split, recs in records.items():
        exprs = [r["expr"] for r in recs]
        assert len(exprs) == len(set(exprs)), split


def test_no_result_above_five_percent_of_train(records) -> None:
    train = records["train"]
    assert len(train) == SMALL_HINT.train_size
    assert max(Counter(r["res"] for r in train).values()) <= 0.05 * len(train)


def test_test_results_are_balanced_per_operator_count(records) -> None:
    cap = max(1, int(SMALL_HINT.test_per_op * SMALL_HINT.test_result_ratio))
    for split in ("I", "SS", "LS", "SL", "LL"):
        by_ops = defaultdict(Counter)
        for r in records[split]:
            by_ops[r["n_ops"]][r["res"]] += 1
        for n_ops, counts in by_ops.items():
            assert sum(counts.values()) <= SMALL_HINT.test_per_op, (split, n_ops)
            assert max(counts.values()) <= cap, (split, n_ops, counts.most_common(1))


def test_ss_and_the_other_generalisation_subsets_are_disjoint_from_train(records) -> None:
    train = {r["expr"] for r in records["train"]}
    assert records["SS"]
    for split in ("SS", "LS", "SL", "LL"):
        assert not train & {r["expr"] for r in records[split]}, split


def test_i_is_a_subset_of_train(records) -> None:
    train = {r["expr"] for r in records["train"]}
    assert records["I"] and {r["expr"] for r in records["I"]} <= train


def test_heads_are_well_formed_trees_matching_the_oracle(records) -> None:
    for recs in records.values():
        for r in recs:
            tokens, head = r["expr"].split(), r["head"]
            tree_from_heads(tokens, head)  # raises on a malformed tree
            values = _node_values(tokens, head)
            root = head.index(-1)
            assert values[root] == r["res"] == interpret(tokens)
            assert tuple(head) == parse(tokens).head
            # Each parenthesis pair hangs on the operator it encloses.
            stack = []
            for i, t in enumerate(tokens):
                if t == "(":
                    stack.append(i)
                elif t == ")":
                    j = stack.pop()
                    assert head[i] == head[j] and tokens[head[i]] in OPS
                    assert j < head[i] < i


def test_generation_is_reproducible_byte_for_byte(tmp_path: Path, hint_dir: Path) -> None:
    again = tmp_path / "again"
    generate(SMALL_HINT, again)
    for split in ALL_SPLITS:
        name = f"{split}.jsonl"
        assert (again / name).read_bytes() == (hint_dir / name).read_bytes(), name
    assert (again / MANIFEST).read_bytes() == (hint_dir / MANIFEST).read_bytes()
    other = tmp_path / "other"
    generate(replace(SMALL_HINT, seed=8), other)
    assert (other / "train.jsonl").read_bytes() != (hint_dir / "train.jsonl").read_bytes()


def test_every_record_carries_its_seed_and_split(records) -> None:
    for split, recs in records.items():
        assert all(r["seed"] == SMALL_HINT.seed and r["split"] == split for r in recs)


def test_loader_reads_the_generated_splits(hint_dir: Path, records) -> None:
    task = HintTask()
    train = task.load("all", "train", data_dir=hint_dir)
    assert len(train) == len(records["train"])
    ex = train[0]
    assert ex.source == tuple(records["train"][0]["expr"].split())
    assert ex.target == records["train"][0]["res"] and isinstance(ex.target, int)
    assert ex.meta["head"] == tuple(records["train"][0]["head"])
    assert ex.id == "hint/all/train:0"
    every_test = task.load("all", "test", data_dir=hint_dir)
    assert len(every_test) == sum(len(records[s]) for s in ("I", "SS", "LS", "SL", "LL"))
    ll = task.load("ll", "test", data_dir=hint_dir)  # lower-case alias
    assert len(ll) == len(records["LL"]) and {ex.meta["subset"] for ex in ll} == {"LL"}


def test_loader_without_data_names_the_generate_command(tmp_path: Path) -> None:
    with pytest.raises(ResourceNotFound, match="nsr data generate hint"):
        HintTask().load(data_dir=tmp_path)


def test_loader_names_file_and_line_of_a_bad_record(tmp_path: Path, hint_dir: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in (MANIFEST, *(f"{s}.jsonl" for s in ALL_SPLITS)):
        (bad / name).write_bytes((hint_dir / name).read_bytes())
    lines = (bad / "train.jsonl").read_text().splitlines()
    rec = json.loads(lines[2])
    rec["head"] = [-1] * len(rec["head"]) if len(rec["head"]) > 1 else [0]
    lines[2] = json.dumps(rec)
    (bad / "train.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"train\.jsonl:3:"):
        HintTask().load(data_dir=bad)


def test_semantics_by_hand() -> None:
    assert interpret(toks("3 - 5")) == 0  # truncated subtraction
    assert interpret(toks("7 / 2")) == 4  # ceiling division
    assert interpret(toks("2 + 3 * 4")) == 14  # precedence
    assert interpret(toks("9 - 3 - 2")) == 4  # left associative
    assert interpret(toks("9 - ( 3 - 2 )")) == 8
    assert interpret(toks("( 6 + 4 ) / ( 3 - 1 )")) == 5
    assert parse(toks("( 6 + 4 ) / ( 3 - 1 )")).head == (2, 2, 5, 2, 2, -1, 8, 8, 5, 8, 8)


@pytest.mark.parametrize("text", ["", "1 +", "( 1 + 2", "1 2", "12 + 1", "+ 1 2", "1 + 2 )"])
def test_oracle_rejects_malformed_expressions(text: str) -> None:
    with pytest.raises(DataError, match="not a HINT expression"):
        interpret(text.split())


def test_division_by_zero_is_a_data_error() -> None:
    with pytest.raises(DataError, match="division by zero"):
        interpret(toks("4 / ( 2 - 3 )"))


def _trees(depth: int = 4):
    digit = st.sampled_from([str(d) for d in range(10)])
    return st.recursive(
        digit, lambda sub: st.tuples(st.sampled_from("+-*/"), sub, sub), max_leaves=12
    )


@settings(max_examples=200, deadline=None)
@given(_trees())
def test_printing_keeps_the_tree(tree) -> None:
    # Only the needed parentheses are printed, and reading the text back gives the same tree.
    tokens = to_infix(tree)
    assert parse(tokens).tree == tree
    assert tree_from_heads(tokens, parse(tokens).head) == tree


@pytest.mark.parametrize(
    "kwargs",
    [
        {"train_size": 0},
        {"test_per_op": 0},
        {"max_train_ops": 10, "max_test_ops": 10},
        {"result_ratio": 0.0},
        {"small_max_value": 200, "large_max_value": 100},
        {"seed": -1},
    ],
)
def test_config_checks_raise(kwargs) -> None:
    with pytest.raises(ConfigError):
        HintConfig(**kwargs)


def test_published_sizes_are_reachable() -> None:
    config = HintConfig.published()
    assert (config.train_size, config.test_per_op, config.max_per_op) == (998_000, 1_000, 100_000)


def test_any_file_in_the_generated_format_loads(tmp_path) -> None:
    from nsr.tasks.hint import HintTask

    good = tmp_path / "mine.jsonl"
    good.write_text(json.dumps({"expr": "2 + 3 * 4", "head": [1, -1, 3, 1, 3], "res": 14}) + "\n")
    (ex,) = HintTask().load_file(good)
    assert ex.source == ("2", "+", "3", "*", "4") and ex.target == 14
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"expr": "2 +", "head": [1, -1], "res": 2}) + "\n")
    with pytest.raises(DataError, match="bad.jsonl"):
        HintTask().load_file(bad)
    with pytest.raises(ResourceNotFound, match="no such HINT file: .*missing.jsonl"):
        HintTask().load_file(tmp_path / "missing.jsonl")


def test_oracle_reads_and_rebuilds_expressions_nested_10000_deep() -> None:
    from nsr.tasks.hint.expr import n_operators, tree_values

    text = "1 - 1"
    for i in range(10_000):
        text = f"{i % 10} - ( {text} )" if i % 2 else f"( {text} ) + {i % 10}"
    tokens = toks(text)
    parsed = parse(tokens)
    assert n_operators(parsed.tree) == 10_001
    assert to_infix(tree_from_heads(tokens, parsed.head)) == to_infix(parsed.tree)
    assert interpret(tokens) == tree_values(parsed.tree)[0]
    # The same value, computed by a plain left-to-right fold (no tree at all).
    value = 0
    for i in range(10_000):
        value = max(0, i % 10 - value) if i % 2 else value + i % 10
    assert interpret(tokens) == value
