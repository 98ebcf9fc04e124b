"""nsr.jsonlines: every JSON-lines reader names file:line on bad input."""

from __future__ import annotations

import pytest

from nsr.errors import DataError, ResourceNotFound
from nsr.jsonlines import read_jsonl
from nsr.prototypes.record import load_records
from nsr.tasks.hint.task import load_jsonl


def test_blank_lines_are_skipped_and_positions_kept(tmp_path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n\n[2]\n', encoding="utf-8")
    assert list(read_jsonl(path)) == [(f"{path}:1", 1, {"a": 1}), (f"{path}:3", 3, [2])]


@pytest.mark.parametrize(
    "reader",
    [lambda p: load_records(p), lambda p: load_jsonl(p, id_prefix="h", split="s", part="test")],
    ids=["prototype records", "hint split"],
)
def test_each_reader_names_the_bad_line_and_the_missing_file(tmp_path, reader) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('\n{"oops": \n', encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.jsonl:2: not valid JSON"):
        reader(path)
    with pytest.raises(ResourceNotFound, match="no such .* file"):
        reader(tmp_path / "absent.jsonl")
