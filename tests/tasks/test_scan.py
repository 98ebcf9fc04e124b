"""SCAN: the oracle against every official line, the split table, the file reader's errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from nsr.errors import ConfigError, DataError, ResourceNotFound
from nsr.resources import shared_data_dir
from nsr.tasks.scan import SPLIT_FILES, ScanTask, interpret, load_file

_SCAN = shared_data_dir() / "scan" if shared_data_dir() else None
_FILES = sorted(p.relative_to(_SCAN).as_posix() for p in _SCAN.rglob("*.txt")) if _SCAN else []

EXPECTED_SIZES = {
    "simple": (16_728, 4_182),
    "length": (16_990, 3_920),
    "jump": (14_670, 7_706),
    "turn_left": (21_890, 1_208),
    "around_right": (15_225, 4_476),
}

def toks(text: str) -> list[str]:
    """Whitespace tokens, as every task file stores them."""
    return text.split()



@pytest.mark.parametrize("relative", _FILES or ["<no shared data>"])
def test_oracle_reproduces_every_line(shared_data: Path, relative: str) -> None:
    examples = load_file(shared_data / "scan" / relative)
    assert examples, relative
    wrong = [ex.meta["line"] for ex in examples if interpret(ex.source) != ex.target]
    assert wrong == [], f"{relative}: oracle disagrees on lines {wrong[:10]}"


def test_every_data_file_is_checked(shared_data: Path) -> None:
    # The parametrisation above must cover tasks.txt and both files of every split.
    covered = set(_FILES)
    assert "tasks.txt" in covered
    for train, test in SPLIT_FILES.values():
        assert {train, test} <= covered


@pytest.mark.parametrize("split", list(EXPECTED_SIZES))
def test_split_sizes_match_the_published_table(shared_data: Path, split: str) -> None:
    task = ScanTask()
    train, test = task.load(split, "train"), task.load(split, "test")
    assert (len(train), len(test)) == EXPECTED_SIZES[split]
    # Every SCAN split partitions commands: no test command is seen in training.
    assert not {ex.source for ex in train} & {ex.source for ex in test}


def test_ids_and_meta_trace_back_to_the_file(shared_data: Path) -> None:
    examples = ScanTask().load("length", "test")
    ex = examples[5]
    assert ex.id == "scan/length/test:5"
    assert ex.meta["split"] == "length" and ex.meta["part"] == "test"
    lines = Path(ex.meta["file"]).read_text().splitlines()
    assert lines[ex.meta["line"] - 1] == f"IN: {' '.join(ex.source)} OUT: {' '.join(ex.target)}"


def test_split_structure(shared_data: Path) -> None:
    task = ScanTask()
    # add-primitive jump: "jump" appears in training only alone.
    jump_train = [ex.source for ex in task.load("jump", "train") if "jump" in ex.source]
    assert jump_train and all(src == ("jump",) for src in jump_train)
    assert all("jump" in ex.source for ex in task.load("jump", "test"))
    # length: test action sequences are longer than every training one.
    longest_train = max(len(ex.target) for ex in task.load("length", "train"))
    assert min(len(ex.target) for ex in task.load("length", "test")) > longest_train


def test_aliases_and_unknown_split(shared_data: Path) -> None:
    task = ScanTask()
    assert task.resolve_split("addprim_jump") == "jump"
    with pytest.raises(ConfigError, match="known splits: simple"):
        task.load("nope")
    with pytest.raises(ConfigError, match="part"):
        task.load("simple", "dev")


def test_oracle_semantics_by_hand() -> None:
    assert interpret(toks("jump")) == ("I_JUMP",)
    assert interpret(toks("turn left")) == ("I_TURN_LEFT",)
    assert interpret(toks("walk opposite right")) == ("I_TURN_RIGHT", "I_TURN_RIGHT", "I_WALK")
    assert interpret(toks("turn around left")) == ("I_TURN_LEFT",) * 4
    assert interpret(toks("look around right twice")) == ("I_TURN_RIGHT", "I_LOOK") * 8
    assert interpret(toks("run and jump")) == ("I_RUN", "I_JUMP")
    assert interpret(toks("run after jump thrice")) == ("I_JUMP",) * 3 + ("I_RUN",)


@pytest.mark.parametrize(
    "command", ["", "fly", "jump twice twice", "jump and", "walk left right", "turn", "twice"]
)
def test_oracle_rejects_non_commands(command: str) -> None:
    with pytest.raises(DataError, match="not a SCAN command"):
        interpret(command.split())


def test_load_file_names_file_and_line_of_a_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("IN: jump OUT: I_JUMP\n\nIN: walk I_WALK\n")
    with pytest.raises(DataError, match=r"bad\.txt:3: expected 'IN:"):
        load_file(path)


def test_load_file_rejects_empty_parts(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("IN: jump OUT:\n")
    with pytest.raises(DataError, match=r"empty\.txt:1: empty"):
        load_file(path)


def test_load_file_reads_any_native_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("IN: jump twice OUT: I_JUMP I_JUMP\nIN: walk OUT: I_WALK\n")
    examples = load_file(path)
    assert [ex.id for ex in examples] == ["scan/file/mine:0", "scan/file/mine:1"]
    assert all(interpret(ex.source) == ex.target for ex in examples)


def test_missing_data_names_the_fetch_command(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("nsr.tasks.paths.shared_data_dir", lambda: None)
    monkeypatch.setenv("NSR_DATA", str(tmp_path / "cache"))
    with pytest.raises(ResourceNotFound, match="nsr data fetch scan"):
        ScanTask().load("simple")
    # An existing but empty data dir: the missing file is named, with the same advice.
    with pytest.raises(ResourceNotFound, match=r"tasks_train_simple\.txt.*nsr data fetch scan"):
        ScanTask().load("simple", data_dir=tmp_path)
