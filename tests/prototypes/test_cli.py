"""`nsr proto ...` end to end: families, synth, verify (exit codes), export, stats, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nsr.cli import main
from nsr.prototypes.families import family_names


def test_families_one_per_line_name_first(capsys) -> None:
    assert main(["proto", "families"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == list(family_names())


@pytest.mark.prolog
def test_synth_verify_tamper_stats_export(tmp_path: Path, capsys) -> None:
    out = tmp_path / "p.jsonl"
    assert main(["proto", "synth", "knights,grid", "--n", "6", "--seed", "4",
                 "--difficulty", "2-3", "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 12
    assert main(["proto", "verify", str(out)]) == 0
    rec = json.loads(lines[0])
    rec["answer"] = rec["answer"].replace("knight", "knave", 1)
    lines[0] = json.dumps(rec)
    out.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert main(["proto", "verify", str(out)]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 1 and rec["id"] in printed[0] and printed[0].startswith("line 1:")
    assert main(["proto", "stats", str(out)]) == 0
    table = capsys.readouterr().out
    assert "knights" in table and "grid" in table
    assert main(["proto", "export", str(out), "--format", "jsonl",
                 "--out", str(tmp_path / "e.jsonl")]) == 0
    assert len((tmp_path / "e.jsonl").read_text().splitlines()) == 12


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["proto", "synth", "chess"], "unknown prototype family"),
        (["proto", "synth", "lists", "--difficulty", "9"], "difficulty level"),
        (["proto", "synth", "lists", "--workers", "0"], "--workers"),
        (["proto", "verify", "/nonexistent.jsonl"], "no such prototype file"),
        (["proto", "stats", "/nonexistent.jsonl"], "no such prototype file"),
    ],
)
def test_user_errors_are_one_line(argv: list[str], needle: str, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("nsr: error:") and needle in err and "\n" not in err


def test_malformed_file_names_the_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n")
    assert main(["proto", "stats", str(bad)]) == 2
    assert f"{bad}:1: missing field(s)" in capsys.readouterr().err


def test_help_texts_teach(capsys) -> None:
    for sub in ("synth", "verify", "export", "stats", "convert", "families", "examples"):
        with pytest.raises(SystemExit):
            main(["proto", sub, "--help"])
        assert "example" in capsys.readouterr().out
