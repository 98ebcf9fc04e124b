"""LLM conversion without an endpoint or an interpreter: input file, prompts, reply parsing,
answer agreement."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nsr.errors import ConfigError, DataError
from nsr.prototypes.llm.convert import LlmConvertConfig
from nsr.prototypes.llm.errors import ReplyError
from nsr.prototypes.llm.execute import answers_agree
from nsr.prototypes.llm.inputs import LlmProblem, read_problems
from nsr.prototypes.llm.prompts import feedback_message, first_messages
from nsr.prototypes.llm.reply import PddlReply, PrologReply, parse_reply

PROLOG = {"kind": "prolog", "program": "p(1).", "query": "p(Answer)", "answer": 1}


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_problems_keeps_order_and_normalises(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", [
        json.dumps({"id": "a", "problem": " Who? ", "answer": "cid", "extra": 1}),
        "",
        json.dumps({"id": 7, "problem": "How many?", "answer": 3, "kind": "prolog"}),
        json.dumps({"id": "p", "problem": "Plan it", "answer": ["(a)", "(b x)"]}),
    ])
    got = read_problems(path)
    assert got == [LlmProblem("a", "Who?", "cid"), LlmProblem("7", "How many?", "3", "prolog"),
                   LlmProblem("p", "Plan it", "(a)\n(b x)")]


@pytest.mark.parametrize(("line", "needle"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    (json.dumps({"problem": "x"}), "'id'"),
    (json.dumps({"id": "x", "problem": ""}), "'problem'"),
    (json.dumps({"id": "x", "problem": "q", "kind": "lisp"}), "'kind'"),
    (json.dumps({"id": "x", "problem": "q", "answer": True}), "'answer'"),
    (json.dumps({"id": "x", "problem": "q", "answer": {"a": 1}}), "'answer'"),
    (json.dumps({"id": "a", "problem": "again"}), "duplicate id 'a' (first on line 1)"),
])
def test_bad_input_line_names_file_and_line(tmp_path: Path, line: str, needle: str) -> None:
    path = write_lines(tmp_path / "in.jsonl", [json.dumps({"id": "a", "problem": "q"}), line])
    with pytest.raises(DataError) as info:
        read_problems(path)
    assert str(info.value).startswith(f"{path}:2: ")
    assert needle in str(info.value)


def test_missing_input_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such problem file"):
        read_problems(tmp_path / "nope.jsonl")


@pytest.mark.parametrize("kind", ["prolog", "pddl", "auto"])
def test_first_messages_come_from_the_shipped_templates(kind: str) -> None:
    system, user = first_messages("Ann has $5 and {braces}.", kind)
    assert system["role"] == "system" and "JSON" in system["content"]
    assert user["role"] == "user"
    assert "Ann has $5 and {braces}." in user["content"]  # no template syntax leaks through
    assert ('"kind": "pddl"' in user["content"]) == (kind != "prolog")
    assert ('"kind": "prolog"' in user["content"]) == (kind != "pddl")


def test_feedback_message_carries_the_error() -> None:
    msg = feedback_message("Syntax error: Operator expected")
    assert msg["role"] == "user" and "Syntax error: Operator expected" in msg["content"]


@pytest.mark.parametrize("wrap", [
    "{body}", "```json\n{body}\n```", "```\n{body}\n```", "\n  ```json\n{body}```  \n",
    "Here is the prototype:\n```JSON\n{body}\n```\nIt derives 1.",
])
def test_reply_json_with_or_without_fence(wrap: str) -> None:
    text = wrap.replace("{body}", json.dumps({**PROLOG, "query": "?- p(Answer)."}))
    assert parse_reply(text, "prolog") == PrologReply("p(1).", "p(Answer)", "1")


def test_pddl_reply_plan_as_list_or_text() -> None:
    base = {"domain": "(define (domain d))", "problem": "(define (problem p))"}
    assert parse_reply(json.dumps({**base, "plan": ["(a)", " (b x) "]})).plan == ("(a)", "(b x)")
    assert parse_reply(json.dumps({**base, "plan": "(a)\n\n(b x)"}), "pddl") == PddlReply(
        base["domain"], base["problem"], ("(a)", "(b x)"))


@pytest.mark.parametrize(("text", "wanted", "needle"), [
    ("Sure! Here is the program: p(1).", "prolog", "not valid JSON"),
    ("Two tries:\n```json\n{}\n```\n```json\n{}\n```", "auto", "not valid JSON"),
    ("", "auto", "empty"),
    ("[1]", "auto", "not an object"),
    (json.dumps({"kind": "prolog", "program": "p(1)."}), "prolog", "'query'"),
    (json.dumps({"kind": "prolog", "program": " ", "query": "p(Answer)"}), "auto", "'program'"),
    (json.dumps({"answer": 3}), "auto", '"kind"'),
    (json.dumps(PROLOG), "pddl", "a pddl prototype was asked for"),
    (json.dumps({"kind": "pddl", "domain": "d", "problem": "p", "plan": 3}), "pddl", "plan"),
])
def test_bad_replies_say_what_is_wrong(text: str, wanted: str, needle: str) -> None:
    with pytest.raises(ReplyError) as info:
        parse_reply(text, wanted)
    assert needle in str(info.value)


@pytest.mark.parametrize(("derived", "reference", "agree"), [
    ("[a,b]", "[a, b]", True),
    ("3", "3.0", True),
    ("alice", "Alice", True),
    ("'New York'", "new york", True),
    ("[alice, bob]", "[Alice,Bob]", True),
    ("3", "4", False),
    ("[a, b]", "[b, a]", False),
    ("alice", "bob", False),
])
def test_answers_agree(derived: str, reference: str, agree: bool) -> None:
    assert answers_agree(derived, reference) is agree


def test_the_cli_does_not_import_the_converter() -> None:
    """`nsr --help` stays fast: the command's parser is registered without its machinery."""
    code = ("import sys; from nsr.cli import build_parser; build_parser(); "
            "print(sorted(m for m in sys.modules if m.startswith('nsr.prototypes.llm.') "
            "and m != 'nsr.prototypes.llm.cli'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("kwargs", [
    {"retries": -1}, {"kind": "lisp"}, {"concurrency": 0}, {"time_limit": 0},
    {"planner": "magic"},
])
def test_convert_config_checks(kwargs: dict) -> None:
    with pytest.raises(ConfigError):
        LlmConvertConfig(**kwargs)
