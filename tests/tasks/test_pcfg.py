"""PCFG SET: the oracle against every official pair, training-set rules and counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from nsr.errors import DataError
from nsr.resources import shared_data_dir
from nsr.tasks.pcfg import (
    HELD_OUT_PAIRS,
    PcfgTask,
    function_count,
    has_held_out_pair,
    interpret,
    load_pair,
)

_PCFG = shared_data_dir() / "pcfg" if shared_data_dir() else None
_STEMS = (
    sorted(p.relative_to(_PCFG).with_suffix("").as_posix() for p in _PCFG.rglob("*.src"))
    if _PCFG
    else []
)

def toks(text: str) -> list[str]:
    """Whitespace tokens, as every task file stores them."""
    return text.split()



@pytest.mark.parametrize("stem", _STEMS or ["<no shared data>"])
def test_oracle_reproduces_every_target(shared_data: Path, stem: str) -> None:
    examples = load_pair(shared_data / "pcfg" / stem, id_prefix=f"pcfg/{stem}")
    assert examples
    wrong = [ex.meta["line"] for ex in examples if interpret(ex.source) != ex.target]
    assert wrong == [], f"{stem}: oracle disagrees on lines {wrong[:10]}"


def test_every_pair_is_checked(shared_data: Path) -> None:
    assert len(_STEMS) == 7  # 3 official test, pcfgset dev, 10K train/dev/test


@pytest.mark.parametrize(
    ("split", "n_train", "n_test"),
    [("iid", 7_779, 9_721), ("systematicity", 6_963, 10_175), ("productivity", 6_865, 11_333)],
)
def test_training_sets_are_built_with_exact_counts(
    shared_data: Path, split: str, n_train: int, n_test: int
) -> None:
    task = PcfgTask()
    train, test = task.load(split, "train"), task.load(split, "test")
    assert (len(train), len(test)) == (n_train, n_test)
    # The 10K release is disjoint from every official test set.
    assert not {ex.source for ex in train} & {ex.source for ex in test}


def test_systematicity_training_set_holds_out_the_four_pairs(shared_data: Path) -> None:
    task = PcfgTask()
    train = task.load("systematicity", "train")
    assert not any(has_held_out_pair(ex.source) for ex in train)
    # What was removed is exactly the inputs with a held-out pair.
    full = task.load("iid", "train")
    removed = {ex.source for ex in full} - {ex.source for ex in train}
    assert removed and all(has_held_out_pair(src) for src in removed)


def test_productivity_training_set_is_short_and_test_is_long(shared_data: Path) -> None:
    task = PcfgTask()
    assert max(function_count(ex.source) for ex in task.load("productivity", "train")) <= 8
    counts = [function_count(ex.source) for ex in task.load("productivity", "test")]
    assert min(counts) >= 9 and max(counts) == 35


def test_pcfgset_is_an_alias_of_iid(shared_data: Path) -> None:
    task = PcfgTask()
    a, b = task.load("pcfgset", "test"), task.load("iid", "test")
    assert [ex.source for ex in a] == [ex.source for ex in b]
    assert a[0].id == "pcfg/iid/test:0"


def test_held_out_pairs_are_adjacent_pairs_only() -> None:
    assert ("append", "remove_second") in HELD_OUT_PAIRS
    assert has_held_out_pair(toks("append remove_second A1 , B2 , C3"))
    assert not has_held_out_pair(toks("append copy remove_second A1 , B2 , C3"))


def test_oracle_functions_by_hand() -> None:
    def run(text: str) -> str:
        return " ".join(interpret(text.split()))

    assert run("copy A1 B2 C3") == "A1 B2 C3"
    assert run("reverse A1 B2 C3") == "C3 B2 A1"
    assert run("shift A1 B2 C3") == "B2 C3 A1"
    assert run("echo A1 B2 C3") == "A1 B2 C3 C3"
    assert run("swap_first_last A1 B2 C3") == "C3 B2 A1"
    assert run("repeat A1 B2") == "A1 B2 A1 B2"
    assert run("append A1 , B2 C3") == "A1 B2 C3"
    assert run("prepend A1 , B2 C3") == "B2 C3 A1"
    assert run("remove_first A1 , B2 C3") == "B2 C3"
    assert run("remove_second A1 , B2 C3") == "A1"
    # Nesting: a binary function's first argument ends at its own ','.
    assert run("append append A1 , B2 , C3") == "A1 B2 C3"
    assert run("append A1 , remove_first B2 , C3") == "A1 C3"


@pytest.mark.parametrize(
    "text", ["", "append A1", "copy", "A1 , B2", "copy A1 , B2", "copy a1", "append A1 , , B2"]
)
def test_oracle_rejects_malformed_inputs(text: str) -> None:
    with pytest.raises(DataError, match="not a PCFG SET input"):
        interpret(text.split())


def test_mismatched_line_counts_are_a_data_error(tmp_path: Path) -> None:
    (tmp_path / "x.src").write_text("copy A1\ncopy B2\n")
    (tmp_path / "x.tgt").write_text("A1\n")
    with pytest.raises(DataError, match=r"x\.src has 2 lines but .*x\.tgt has 1"):
        load_pair(tmp_path / "x", id_prefix="t")


def test_empty_line_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "x.src").write_text("copy A1\n\n")
    (tmp_path / "x.tgt").write_text("A1\nB2\n")
    with pytest.raises(DataError, match=r"x\.src:2: empty input"):
        load_pair(tmp_path / "x", id_prefix="t")
