"""``nsr data``: stats, generate and fetch through nsr.cli.main; one-line errors, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nsr.cli
from nsr.cli import main
from nsr.tasks.sources import SOURCES


@pytest.fixture(autouse=True)
def only_data_commands(monkeypatch) -> None:
    # Test this command group on its own, whatever state the other groups are in.
    monkeypatch.setattr(nsr.cli, "COMMAND_MODULES", ("nsr.commands.data",))


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("nsr: error:"), err
    return err[0]


def test_stats_prints_a_table(shared_data, capsys) -> None:
    assert main(["data", "stats", "scan", "--split", "length"]) == 0
    out = capsys.readouterr().out
    assert "16990" in out and "3920" in out and "length" in out


def test_stats_unknown_split_is_one_line(shared_data, capsys) -> None:
    assert main(["data", "stats", "pcfg", "--split", "nope"]) == 2
    assert "known splits: iid, systematicity, productivity" in _one_line_error(capsys)


def test_stats_missing_data_names_the_fetch_command(tmp_path, capsys) -> None:
    assert main(["data", "stats", "scan", "--data-dir", str(tmp_path)]) == 2
    assert "nsr data fetch scan" in _one_line_error(capsys)


def test_generate_then_stats_hint(tmp_path, capsys) -> None:
    out = tmp_path / "hint"
    args = ["data", "generate", "hint", "--seed", "2", "--train-size", "400", "--test-per-op", "5"]
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "train 400" in printed
    manifest = json.loads((out / "config.json").read_text())
    assert manifest["config"]["seed"] == 2 and manifest["counts"]["train"] == 400
    assert main(["data", "stats", "hint", "--data-dir", str(out)]) == 0
    table = capsys.readouterr().out
    assert "400" in table and "LL" in table


def test_generate_default_out_uses_the_cache(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("NSR_DATA", str(tmp_path))
    assert main(["data", "generate", "hint", "--seed", "5", "--train-size", "200",
                 "--test-per-op", "3"]) == 0
    assert (tmp_path / "hint/seed-5/train.jsonl").is_file()
    assert main(["data", "stats", "hint", "--seed", "5"]) == 0


def test_generate_bad_size_is_one_line(capsys) -> None:
    assert main(["data", "generate", "hint", "--train-size", "0"]) == 2
    assert "argument --train-size: must be in 1..10000000, got 0" in _one_line_error(capsys)


def test_generate_unwritable_out_is_one_line(tmp_path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["data", "generate", "hint", "--train-size", "50", "--test-per-op", "2",
                 "--out", str(blocker / "sub")]) == 2
    assert f"{blocker} is a file, not a folder" in _one_line_error(capsys)


def test_fetch_offline_is_one_line(tmp_path, closed_port_url, capsys) -> None:
    code = main(["data", "fetch", "scan", "--cache-dir", str(tmp_path), "--base-url",
                 closed_port_url])
    assert code == 2
    assert "cannot reach 127.0.0.1" in _one_line_error(capsys)


def test_fetch_from_a_mirror(shared_data, mirror, tmp_path, capsys) -> None:
    for file in SOURCES["scan"].files:
        mirror.files[file.path] = (shared_data / "scan" / file.path).read_bytes()
    args = ["data", "fetch", "scan", "--cache-dir", str(tmp_path), "--base-url", mirror.url]
    assert main(args) == 0
    assert f"{len(SOURCES['scan'].files)} downloaded" in capsys.readouterr().out
    assert main(args) == 0
    assert "0 downloaded" in capsys.readouterr().out
    assert main(["data", "stats", "scan", "--split", "simple", "--data-dir",
                 str(tmp_path / "scan")]) == 0


def test_bad_choice_is_one_line(capsys) -> None:
    assert main(["data", "fetch", "mnist"]) == 2
    assert "invalid choice" in _one_line_error(capsys)


@pytest.mark.parametrize("path", [[], ["fetch"], ["stats"], ["generate"]])
def test_help_teaches_with_examples(path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["data", *path, "--help"])
    assert exc.value.code == 0
    assert "examples:" in capsys.readouterr().out


def test_data_dir_argument_accepts_the_parent(shared_data: Path, capsys) -> None:
    assert main(["data", "stats", "pcfg", "--split", "productivity", "--data-dir",
                 str(shared_data)]) == 0
    assert "6865" in capsys.readouterr().out
