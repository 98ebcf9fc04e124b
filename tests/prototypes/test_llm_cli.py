"""`nsr proto convert llm` as a user runs it: files in, records out, one line per problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nsr.cli import main
from nsr.prototypes.record import load_records

from .test_llm_convert import GOOD, scripted
from .test_llm_server import closed_port_url, serve


def problems_file(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "problems.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


ROWS = [{"id": "bad", "problem": "PROSE: who?"},
        {"id": "good", "problem": "GRAND: who is Ann's grandchild?", "answer": "cid"}]
SCRIPT = {"PROSE": ["I believe it is cid."], "GRAND": [json.dumps(GOOD)]}


@pytest.mark.prolog
def test_convert_writes_records_and_lists_failures(tmp_path: Path, capsys) -> None:
    inp, out = problems_file(tmp_path, ROWS), tmp_path / "out" / "llm.jsonl"
    with serve(scripted(SCRIPT)) as fake:
        status = main(["proto", "convert", "llm", str(inp), "--llm-url", fake.url,
                       "--model", "tiny", "--out", str(out), "--retries", "1",
                       "--concurrency", "2"])
    assert status == 0
    (rec,) = load_records(out)
    assert rec.source == "llm:tiny" and rec.answer == "cid"
    err = capsys.readouterr().err.splitlines()
    assert [e for e in err if e.startswith("bad: ")] == [
        next(e for e in err if "not valid JSON" in e)]
    assert "(after 2 attempt(s))" in next(e for e in err if e.startswith("bad: "))
    assert err[-1].startswith("1 of 2 problems converted (1 failed, 0 duplicates, 3 requests")
    assert main(["proto", "verify", str(out)]) == 0  # the stored answer is re-derived


@pytest.mark.prolog
def test_records_go_to_stdout_by_default(tmp_path: Path, capsys) -> None:
    inp = problems_file(tmp_path, ROWS[1:])
    with serve(scripted(SCRIPT)) as fake:
        assert main(["proto", "convert", "llm", str(inp), "--llm-url", fake.url,
                     "--model", "tiny", "--kind", "prolog", "--no-json-mode"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["answer"] == "cid"
    assert "response_format" not in fake.requests[0]


def test_unreachable_endpoint_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    inp, out = problems_file(tmp_path, ROWS), tmp_path / "llm.jsonl"
    status = main(["proto", "convert", "llm", str(inp), "--llm-url", closed_port_url(),
                   "--model", "tiny", "--out", str(out)])
    assert status == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("nsr: error: cannot reach the LLM endpoint http://127.0.0.1:")
    assert line.endswith("connection refused")
    assert not out.exists()


def test_malformed_input_names_file_and_line(tmp_path: Path, capsys) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps(ROWS[0]) + "\n{\"id\": 2}\n", encoding="utf-8")
    assert main(["proto", "convert", "llm", str(inp), "--llm-url", "http://127.0.0.1:9/v1",
                 "--model", "m"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"nsr: error: {inp}:2: ") and "'problem'" in line


@pytest.mark.parametrize(("extra", "needle"), [
    (["--api-key-env", "NSR_TEST_UNSET_KEY"], "NSR_TEST_UNSET_KEY"),
    (["--retries", "-1"], "--retries"),
    (["--concurrency", "0"], "--concurrency"),
    (["--timeout", "0"], "--timeout"),
    (["--kind", "lisp"], "--kind"),
])
def test_bad_options_are_one_line(tmp_path: Path, capsys, monkeypatch, extra, needle) -> None:
    monkeypatch.delenv("NSR_TEST_UNSET_KEY", raising=False)
    inp = problems_file(tmp_path, ROWS)
    assert main(["proto", "convert", "llm", str(inp), "--llm-url", "http://127.0.0.1:9/v1",
                 "--model", "m", *extra]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("nsr: error: ") and needle in line


def test_help_teaches(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["proto", "convert", "llm", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "chat/completions" in text and "examples:" in text and "--llm-url" in text
