"""Issue 16's defects, each with the command that showed it: bad input is one clear line on
stderr and exit 2 (a negative verdict exit 1), checked before any work, nothing half-written.
The fuzz suite (test_cli_fuzz.py) covers the same ground with generated inputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nsr.resources import resource_path

from .cli_run import assert_nothing_written, assert_user_error, run_cli

PRETRAINED = Path(__file__).resolve().parent.parent / "nsr" / "learning" / "pretrained"
SCAN_CKPT = PRETRAINED / "scan-simple.json"
HINT_CKPT = PRETRAINED / "hint-symbols.json"
BLOCKS = resource_path("prototypes", "pddl", "blocksworld")
GRIPPER = resource_path("prototypes", "pddl", "gripper")
RECORDS = resource_path("prototypes", "examples", "kinship.jsonl")
LLM = ["--llm-url", "http://127.0.0.1:9/v1", "--model", "m"]


# -- 1. unwritable outputs, refused before the work --------------------------------------------

def _bad_out(kind: str, tmp: Path, name: str) -> Path:
    """An output path that cannot be written: a folder, a path under a file, or /proc."""
    if kind == "folder":
        (tmp / name).mkdir()
        return tmp / name
    if kind == "under-a-file":
        (tmp / "afile").write_text("x")
        return tmp / "afile" / name
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc on this system (a read-only file system to write into)")
    return Path("/proc") / name


FILE_OUTPUTS = {
    "plan solve --out": ["plan", "solve", BLOCKS / "domain.pddl", BLOCKS / "p01.pddl", "--out"],
    "proto synth --out": ["proto", "synth", "kinship", "--n", "5", "--out"],
    "proto export --out": ["proto", "export", RECORDS, "--format", "jsonl", "--out"],
    "proto convert task --out": ["proto", "convert", "task", "scan", "--out"],
    "proto convert planning --out": ["proto", "convert", "planning", BLOCKS / "domain.pddl",
                                     BLOCKS / "p01.pddl", "--out"],
    "proto convert model --out": ["proto", "convert", "model", "--out"],
    "proto convert llm --out": ["proto", "convert", "llm", RECORDS, *LLM, "--out"],
    "solve --show": ["solve", "hint", "--input", "images", "1 + 2", "--show"],
}
FOLDER_OUTPUTS = {
    "train --out": ["train", "scan", "--out"],
    "proto export --format hf --out": ["proto", "export", RECORDS, "--format", "hf", "--out"],
    "data generate --out": ["data", "generate", "hint", "--out"],
    "proto examples --out-dir": ["proto", "examples", "--out-dir"],
}


@pytest.mark.parametrize("kind", ["folder", "under-a-file", "read-only"])
@pytest.mark.parametrize("name", sorted(FILE_OUTPUTS))
def test_unwritable_file_output_fails_first(name: str, kind: str, tmp_path: Path) -> None:
    out = _bad_out(kind, tmp_path, "out.png" if "--show" in name else "out.jsonl")
    run = run_cli([*FILE_OUTPUTS[name], out])
    assert_user_error(run, name.split()[-1])
    assert run.out == ""


@pytest.mark.parametrize("kind", ["a-file", "under-a-file", "read-only"])
@pytest.mark.parametrize("name", sorted(FOLDER_OUTPUTS))
def test_unwritable_folder_output_fails_first(name: str, kind: str, tmp_path: Path) -> None:
    if kind == "a-file":
        out = tmp_path / "run"
        out.write_text("not a folder")
    else:
        out = _bad_out(kind, tmp_path, "run")
    run = run_cli([*FOLDER_OUTPUTS[name], out])
    assert_user_error(run, name.split()[-1])


def test_train_checks_out_before_reading_data(tmp_path: Path) -> None:
    # The output is refused before the (missing) training file is even looked at.
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    run = run_cli(["train", "scan", "--train-file", tmp_path / "missing.txt",
                   "--out", blocker / "run"])
    assert_user_error(run, "--out", "is a file, not a folder")


# -- 2. non-UTF-8 files: file and line named ----------------------------------------------------

READERS = {
    "eval --test-file": lambda f: ["eval", "scan", "--checkpoint", SCAN_CKPT, "--test-file", f],
    "eval hint --test-file": lambda f: ["eval", "hint", "--checkpoint", HINT_CKPT,
                                        "--test-file", f],
    "train --train-file": lambda f: ["train", "scan", "--train-file", f, "--out",
                                     f.parent / "run"],
    "proto verify": lambda f: ["proto", "verify", f],
    "proto stats": lambda f: ["proto", "stats", f],
    "proto export": lambda f: ["proto", "export", f, "--format", "jsonl", "--out",
                               f.parent / "x.jsonl"],
    "proto convert llm": lambda f: ["proto", "convert", "llm", f, *LLM, "--out",
                                    f.parent / "x.jsonl"],
    "plan validate": lambda f: ["plan", "validate", f, BLOCKS / "p01.pddl", f],
    "prolog run": lambda f: ["prolog", "run", f, "true"],
}


@pytest.mark.parametrize("name", sorted(READERS))
def test_non_utf8_file_names_file_and_line(name: str, tmp_path: Path) -> None:
    f = tmp_path / "input.txt"
    f.write_bytes(b"\n  \nab\xffcd\n")  # blank lines first: every reader meets byte 0xff
    run = run_cli(READERS[name](f))
    assert_user_error(run, f"{f}:3:", "not UTF-8", "column 3")


# -- 7. empty files are errors, not 0 % or 0 records --------------------------------------------

@pytest.mark.parametrize("name", sorted(set(READERS) - {"prolog run", "plan validate"}))
@pytest.mark.parametrize("content", [b"", b"\n  \n"], ids=["empty", "blank"])
def test_empty_input_file_is_an_error(name: str, content: bytes, tmp_path: Path) -> None:
    f = tmp_path / "input.txt"
    f.write_bytes(content)
    run = run_cli(READERS[name](f))
    assert_user_error(run, str(f))
    assert_nothing_written(tmp_path / "x.jsonl")


def test_convert_task_of_an_empty_data_file_is_an_error(tmp_path: Path) -> None:
    split = tmp_path / "data" / "simple_split"
    split.mkdir(parents=True)
    for part in ("train", "test"):
        (split / f"tasks_{part}_simple.txt").write_text("")
    out = tmp_path / "t.jsonl"
    run = run_cli(["proto", "convert", "task", "scan", "--data-dir", tmp_path / "data",
                   "--out", out])
    assert_user_error(run, "tasks_train_simple.txt:1:", "empty")
    assert_nothing_written(out)


def test_empty_pddl_file_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "domain.pddl"
    f.write_text("")
    run = run_cli(["plan", "validate", f, BLOCKS / "p01.pddl", BLOCKS / "p01.pddl"])
    assert_user_error(run, "empty")


# -- 3. time limits: finite, positive, at most a day ---------------------------------------------

@pytest.mark.parametrize("argv", [
    ["verify", "prolog", "p.pl", "--query", "p(X)", "--expect", "a", "--time-limit", "1e7"],
    ["serve", "--port", "0", "--time-limit", "1e9"],
    ["prolog", "run", "p.pl", "true", "--time-limit", "0"],
    ["prolog", "run", "p.pl", "true", "--time-limit", "-1"],
    ["prolog", "run", "p.pl", "true", "--time-limit", "nan"],
    ["proto", "synth", "kinship", "--time-limit", "0"],
    ["plan", "solve", "d.pddl", "p.pddl", "--timeout", "inf"],
], ids=lambda a: " ".join(a))
def test_time_limits_out_of_range(argv: list[str]) -> None:
    assert_user_error(run_cli(argv), "--time", "at most 86400")


# -- 4. train never replaces a checkpoint unasked; --resume must match ---------------------------

@pytest.fixture
def existing_run(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    run.mkdir()
    shutil.copy(SCAN_CKPT, run / "checkpoint.json")
    return run


def test_train_refuses_an_existing_checkpoint(existing_run: Path) -> None:
    before = (existing_run / "checkpoint.json").read_bytes()
    run = run_cli(["train", "scan", "--split", "simple", "--out", existing_run, "--quiet"])
    assert_user_error(run, "already holds a checkpoint", "--force", "--resume")
    assert (existing_run / "checkpoint.json").read_bytes() == before


@pytest.mark.parametrize(("argv", "needle"), [
    (["--split", "length", "--resume"], "split 'simple' run, not 'length'"),
    (["--split", "simple", "--resume", "--force"], "give one of them"),
])
def test_resume_must_match_the_checkpoint(existing_run: Path, argv, needle) -> None:
    run = run_cli(["train", "scan", *argv, "--out", existing_run, "--quiet"])
    assert_user_error(run, needle)


def test_resume_of_another_task_is_refused(existing_run: Path) -> None:
    data = json.loads((existing_run / "checkpoint.json").read_text())
    data["config"]["task"] = "pcfg"
    (existing_run / "checkpoint.json").write_text(json.dumps(data))
    run = run_cli(["train", "scan", "--split", "simple", "--resume", "--out", existing_run])
    assert_user_error(run, "task 'pcfg' run, not 'scan'")


def test_resume_without_a_checkpoint_says_so(tmp_path: Path) -> None:
    run = run_cli(["train", "scan", "--resume", "--out", tmp_path / "fresh"])
    assert_user_error(run, "no checkpoint to continue")


# -- 5. a checkpoint with a corrupt field names the field ----------------------------------------

@pytest.mark.parametrize(("path", "value", "needle"), [
    (("model", "library"), "garbage", "model.library names no primitive library"),
    (("model", "programs"), None, "model.programs must be an object"),
    (("model", "symbol_names"), [1, 2], "model.symbol_names"),
    (("progress", "next_stage"), "x", "progress.next_stage must be an integer"),
    (("model", "parser", "weights"), [], "model.parser.weights must be an object"),
])
def test_corrupt_checkpoint_field_is_named(path, value, needle, tmp_path: Path) -> None:
    data = json.loads(SCAN_CKPT.read_text(encoding="utf-8"))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    ckpt = tmp_path / "checkpoint.json"
    ckpt.write_text(json.dumps(data))
    for argv in (["eval", "scan", "--checkpoint", ckpt], ["solve", "scan", "--checkpoint",
                                                          ckpt, "jump"]):
        assert_user_error(run_cli(argv), "corrupt", needle)


# -- 6. every argument validated before any work -------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["proto", "convert", "task", "scan", "--limit", "-5", "--out", "{tmp}/x.jsonl"],
    ["proto", "synth", "kinship", "--n", "99999999999999999999"],
    ["proto", "synth", "kinship,dragons", "--n", "2"],
    ["proto", "synth", "kinship,", "--n", "2"],
    ["proto", "synth", "lists", "--task", "plan_generation", "--n", "2"],
    ["demo", "--timeout", "0"],
], ids=lambda a: " ".join(a))
def test_arguments_are_checked_before_any_work(argv: list[str], tmp_path: Path) -> None:
    run = run_cli([a.format(tmp=tmp_path) for a in argv])
    assert_user_error(run)  # exactly one line: no "kinship: 2 records" or demo output first
    assert run.out == ""
    assert not any(tmp_path.iterdir())


# -- 9. prolog run --json: stdout is JSON even when the program prints ---------------------------

@pytest.mark.prolog
def test_prolog_json_output_stays_json(tmp_path: Path, capfd) -> None:
    from nsr.cli import main

    program = tmp_path / "chatty.pl"
    program.write_text(':- format("loading~n").\n'
                       'p(X) :- format("hello ~w~n", [X]), member(X, [1, 2]).\n')
    assert main(["prolog", "run", str(program), "p(X)", "--all", "--json"]) == 0
    out, err = capfd.readouterr()
    assert json.loads(out) == [{"X": "1"}, {"X": "2"}]
    assert "loading" in err and "hello" in err


# -- 11. user errors exit 2, negative verdicts exit 1 --------------------------------------------

@pytest.mark.prolog
def test_verify_prolog_bad_query_is_a_user_error(tmp_path: Path) -> None:
    program = tmp_path / "p.pl"
    program.write_text("p(a).\n")
    run = run_cli(["verify", "prolog", program, "--query", "p(X", "--expect", "a"])
    assert_user_error(run, "bad_query")
    wrong = run_cli(["verify", "prolog", program, "--query", "p(X)", "--expect", "b"])
    assert wrong.code == 1 and "wrong_answer" in wrong.out


@pytest.mark.prolog
def test_verify_plan_malformed_domain_is_a_user_error(tmp_path: Path) -> None:
    domain = tmp_path / "d.pddl"
    domain.write_text("(define (domain")
    plan = tmp_path / "p.plan"
    plan.write_text("(pick-up a)\n")
    run = run_cli(["verify", "plan", domain, BLOCKS / "p01.pddl", plan])
    assert_user_error(run, "pddl_syntax", "never closed")


@pytest.mark.pddl
def test_plan_solve_unsupported_planner_is_a_user_error(tmp_path: Path) -> None:
    out = tmp_path / "p.plan"
    run = run_cli(["plan", "solve", GRIPPER / "domain.pddl", GRIPPER / "p01.pddl",
                   "--planner", "pyperplan", "--out", out])
    assert_user_error(run, "pyperplan cannot solve this problem")
    assert_nothing_written(out)


# -- 12. messages ------------------------------------------------------------------------------

def test_an_unknown_word_in_a_test_file_is_counted_and_named_short(tmp_path: Path) -> None:
    f = tmp_path / "test.txt"
    word = "zorp" * 25_000  # a 100 kB "word" is not echoed in full
    f.write_text(f"IN: jump OUT: I_JUMP\n\nIN: walk {word} OUT: I_WALK\n")
    run = run_cli(["eval", "scan", "--checkpoint", SCAN_CKPT, "--test-file", f, "--json"])
    assert run.code == 0 and "Traceback" not in run.err
    assert "100000 characters" in run.out and len(run.out) < 2000


def test_solve_does_not_echo_a_huge_word() -> None:
    line = assert_user_error(run_cli(["solve", "scan", "--engine", "python",
                                      "walk " + "y" * 100_000]), "unknown word", "100000")
    assert len(line) < 300


def test_a_folder_is_not_called_missing(tmp_path: Path) -> None:
    run = run_cli(["plan", "validate", tmp_path, BLOCKS / "p01.pddl", tmp_path])
    assert_user_error(run, "is a folder")


def test_hint_record_without_head_names_the_field(tmp_path: Path) -> None:
    f = tmp_path / "hint.jsonl"
    f.write_text('{"expr": "1 + 2", "res": 3}\n')
    run = run_cli(["eval", "hint", "--checkpoint", HINT_CKPT, "--test-file", f])
    assert run.code == 0  # 'head' is optional: the learner never uses gold trees
    f.write_text('{"expr": "1 + 2", "head": [1, -1, 1]}\n')
    run = run_cli(["eval", "hint", "--checkpoint", HINT_CKPT, "--test-file", f])
    assert_user_error(run, f"{f}:1:", "res")


def test_show_refuses_a_non_png_name(tmp_path: Path) -> None:
    out = tmp_path / "s.jpg"
    run = run_cli(["solve", "hint", "--input", "images", "1 + 2", "--show", out])
    assert_user_error(run, "--show", ".png")
    assert_nothing_written(out)


def test_solve_says_when_a_limit_was_hit() -> None:
    run = run_cli(["solve", "hint", "--engine", "python", "9 * 9 * 9 * 9 * 9 * 9"])
    assert_user_error(run, "limit hit")  # a resource limit: one line, exit 2
    assert "do not apply" not in run.err


def test_multi_line_error_is_printed_as_one_line() -> None:
    from nsr.cli import one_line

    assert one_line("a\n  b\n\nc") == "a | b | c"
    assert len(one_line("x" * 5000)) < 1100


# -- the same through the console script (a real process: exit status and stderr as a user sees)

@pytest.mark.parametrize("argv", [
    ["serve", "--port", "0", "--time-limit", "1e9"],
    ["eval", "scan", "--checkpoint", str(SCAN_CKPT), "--test-file", "{bad}"],
], ids=["serve --time-limit 1e9", "eval non-UTF-8"])
def test_console_script_exit_2_one_line(argv: list[str], tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\n")
    done = subprocess.run([sys.executable, "-m", "nsr.cli", *(a.format(bad=bad) for a in argv)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
