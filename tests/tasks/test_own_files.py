"""Users' own files in every task: the generic format, native formats, open vocabularies, and
one error naming file and 1-based line for every bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nsr.errors import ConfigError, DataError, ResourceNotFound
from nsr.tasks import get_task
from nsr.tasks.bleu import corpus_bleu
from nsr.tasks.data import read_data_file

# -- the generic task's format ----------------------------------------------------------------


def test_json_lines_with_strings_lists_and_integers(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.jsonl"
    tokens.write_text('{"input": "walk twice", "output": "W W"}\n\n'
                      '{"input": ["run"], "output": ["R"]}\n')
    data = read_data_file(tokens)
    assert data.output_kind == "tokens"
    assert [(e.source, e.target) for e in data.examples] == [(("walk", "twice"), ("W", "W")),
                                                             (("run",), ("R",))]
    assert [e.meta["line"] for e in data.examples] == [1, 3]
    numbers = tmp_path / "numbers.jsonl"
    numbers.write_text('{"input": "2 + 3", "output": 5}\n{"input": "7", "output": -7}\n')
    data = read_data_file(numbers)
    assert data.output_kind == "integer" and [e.target for e in data.examples] == [5, -7]


def test_tsv_tokens_and_tsv_integers(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text("walk twice\tW W\nrun\tR\n")
    assert read_data_file(path).output_kind == "tokens"
    path.write_text("1 + 1\t2\n3\t3\n")
    data = read_data_file(path)
    assert data.output_kind == "integer" and data.examples[0].target == 2
    path.write_text("1 + 1\t2\nx\ty\n")  # one output is not an integer: all are tokens
    assert read_data_file(path).examples[0].target == ("2",)


@pytest.mark.parametrize("content, line, why", [
    ('{"input": "a", "output": "b"}\n{"input": "c", "output": 3}\n', 2, "one kind"),
    ('{"input": "a", "output": "b"}\n{"input": "c"}\n', 2, '"input" and "output"'),
    ('{"input": "a", "output": "b"}\n{"input": "c", "output": ""}\n', 2, "empty"),
    ('{"input": "a", "output": 1.5}\n', 1, "integer"),
    ('{"input": "a", "output": "b"}\nnot json\n', 2, "not valid JSON"),
    ("a\tb\nc d\n", 2, "TAB"),
    ("a\tb\tc\n", 1, "more than one TAB"),
    ("\n\n", 1, "empty"),
])
def test_bad_data_files_name_file_and_line(tmp_path: Path, content: str, line: int,
                                           why: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(DataError) as info:
        read_data_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:") and why in message
    assert "\n" not in message


def test_non_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.tsv"
    path.write_bytes("walk\tW\ncaf\xe9\tC\n".encode("latin-1"))
    with pytest.raises(DataError, match=rf"^{path}:2: not UTF-8"):
        read_data_file(path)
    with pytest.raises(ResourceNotFound, match="no such data file"):
        read_data_file(tmp_path / "missing.tsv")


def test_data_task_library_follows_the_first_file(tmp_path: Path) -> None:
    task = get_task("data")
    assert task.primitive_library == "lists" and not task.has_oracle
    train = tmp_path / "train.jsonl"
    train.write_text('{"input": "2 + 3", "output": 5}\n')
    task.load_file(train)
    assert task.primitive_library == "numbers" and task.output_kind == "integer"
    test = tmp_path / "test.jsonl"
    test.write_text('{"input": "2 + 3", "output": "five"}\n')
    with pytest.raises(DataError, match=r"test\.jsonl:1: outputs are tokens"):
        task.load_file(test)
    fixed = get_task("data")
    fixed.adopt_checkpoint({"library": "lists"})
    with pytest.raises(DataError, match="integer"):
        fixed.load_file(train)
    with pytest.raises(ConfigError, match="--train-file"):
        fixed.load()


# -- native formats ---------------------------------------------------------------------------


def test_scan_files_and_inputs(tmp_path: Path) -> None:
    scan = get_task("scan")
    path = tmp_path / "mine.txt"
    path.write_text("IN: jump twice OUT: I_JUMP I_JUMP\nIN: zigzag OUT: I_ZIG\n")
    examples = scan.load_file(path)
    assert examples[1].source == ("zigzag",)  # a new verb is data like any other
    inputs = tmp_path / "in.txt"
    inputs.write_text("walk left\n\nIN: jump twice OUT: I_JUMP I_JUMP\n")
    assert scan.read_inputs(inputs) == [(1, ("walk", "left")), (3, ("jump", "twice"))]
    path.write_bytes(b"IN: walk OUT: I_WALK\nIN: w\xffalk OUT: I_WALK\n")
    with pytest.raises(DataError, match=rf"^{path}:2: not UTF-8"):
        scan.load_file(path)
    path.write_text("")
    with pytest.raises(DataError, match=rf"^{path}:1: the SCAN file is empty"):
        scan.load_file(path)


def test_pcfg_pair_from_either_file_or_the_stem(tmp_path: Path) -> None:
    pcfg = get_task("pcfg")
    (tmp_path / "x.src").write_text("copy A1 B2\nreverse C3 D4\n")
    (tmp_path / "x.tgt").write_text("A1 B2\nD4 C3\n")
    for name in ("x.src", "x.tgt", "x"):
        examples = pcfg.load_file(tmp_path / name)
        assert [e.target for e in examples] == [("A1", "B2"), ("D4", "C3")]
    assert pcfg.read_inputs(tmp_path / "x.tgt") == [(1, ("copy", "A1", "B2")),
                                                    (2, ("reverse", "C3", "D4"))]
    (tmp_path / "x.tgt").write_text("A1 B2\n")
    with pytest.raises(DataError, match=r"x\.tgt:2: .* has 2 lines but .* has 1"):
        pcfg.load_file(tmp_path / "x")
    with pytest.raises(ResourceNotFound, match="no such PCFG file"):
        pcfg.load_file(tmp_path / "y.src")


def test_hint_without_head_and_with_new_symbols(tmp_path: Path) -> None:
    hint = get_task("hint")
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps({"expr": "2 + 3 * 4", "res": 14}) + "\n"
                    + json.dumps({"expr": "3 max 5", "res": 5}) + "\n"
                    + json.dumps({"expr": "11 + 1", "res": 12}) + "\n")
    examples = hint.load_file(path)
    assert [e.target for e in examples] == [14, 5, 12]
    assert "head" not in examples[0].meta and examples[0].meta["max_value"] == 14
    assert examples[1].source == ("3", "max", "5")
    path.write_text(json.dumps({"expr": "2 + 3", "res": "five"}) + "\n")
    with pytest.raises(DataError, match=rf"^{path}:1: malformed HINT record"):
        hint.load_file(path)
    inputs = tmp_path / "in.txt"
    inputs.write_text('2 + 3\n{"expr": "4 * 5", "res": 20}\n')
    assert hint.read_inputs(inputs) == [(1, ("2", "+", "3")), (2, ("4", "*", "5"))]


def test_mt_splits_and_pairs(shared_data: Path, tmp_path: Path) -> None:
    if not (shared_data / "mt").is_dir():
        pytest.skip("../shared/data/mt is absent")
    mt = get_task("mt")
    assert mt.primitive_library == "lists" and not mt.has_oracle
    daxy = mt.load("test-daxy", "test")
    assert len(daxy) == 8 and daxy[0].target == ("tu", "es", "daxiste", ".")
    assert len(mt.load("test", "test")) == 583 and mt.resolve_split("daxy") == "test-daxy"
    assert ("i", "am", "daxy", ".") in {e.source for e in mt.load(part="train")}
    (tmp_path / "x.en").write_text("you are daxy .\n")
    (tmp_path / "x.fr").write_text("tu es daxiste .\n")
    assert mt.load_file(tmp_path / "x.fr")[0].target == ("tu", "es", "daxiste", ".")


# -- BLEU -------------------------------------------------------------------------------------


def test_bleu_by_hand() -> None:
    ref = ["the", "cat", "is", "on", "the", "mat"]
    assert corpus_bleu([ref], [ref]) == pytest.approx(100.0)
    assert corpus_bleu([None], [ref]) == 0.0
    assert corpus_bleu([["a", "b", "c", "d"]], [ref]) == 0.0
    # 5 of 6 tokens, one substitution at the end: p1 = 5/6, p2 = 4/5, p3 = 3/4, p4 = 2/3,
    # equal lengths (no brevity penalty): BLEU = (5/6 * 4/5 * 3/4 * 2/3) ** (1/4)
    hyp = ["the", "cat", "is", "on", "the", "rug"]
    assert corpus_bleu([hyp], [ref]) == pytest.approx(100 * (1 / 3) ** 0.25)
    # Shorter hypothesis: brevity penalty exp(1 - 6/5) on the same precisions of "the cat is on
    # the" (5/5, 4/4, 3/3, 2/2)
    assert corpus_bleu([ref[:5]], [ref]) == pytest.approx(100 * 2.718281828 ** (1 - 6 / 5))
    with pytest.raises(ValueError):
        corpus_bleu([ref], [])
