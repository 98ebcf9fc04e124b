"""Read the model's reply: one JSON object holding a Prolog or a PDDL prototype.

Models often wrap JSON in a Markdown fence even when told not to, so a ```` ```json ```` (or
bare ```` ``` ````) fence around the object is accepted, as is one ```` ```json ```` block after
a sentence of preamble; anything else that is not a JSON object is a :class:`ReplyError` whose
message is sent back to the model on the next attempt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from nsr.prototypes.llm.errors import ReplyError

_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*[ \t]*\n(?P<body>.*?)\n?```\s*$", re.DOTALL)
_JSON_BLOCK = re.compile(r"```json[ \t]*\n(?P<body>.*?)\n?```", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class PrologReply:
    """A program + a query binding ``Answer``; ``claimed`` is the model's own expected answer."""

    program: str
    query: str
    claimed: str | None = None
    kind: str = "prolog"


@dataclass(frozen=True)
class PddlReply:
    """A domain + problem; ``plan`` is the model's suggested plan (validated, never trusted)."""

    domain: str
    problem: str
    plan: tuple[str, ...] = ()
    kind: str = "pddl"


Reply = PrologReply | PddlReply


def unfence(text: str) -> str:
    """``text`` without one surrounding Markdown code fence; else the body of its only
    ```` ```json ```` block; else ``text`` unchanged."""
    match = _FENCE.match(text)
    if match:
        return match.group("body")
    blocks = _JSON_BLOCK.findall(text)
    return blocks[0] if len(blocks) == 1 else text


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _text_field(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ReplyError(f"the JSON object needs a non-empty string field {key!r}")
    return value.strip()


def _kind_of(data: dict[str, Any], wanted: str) -> str:
    kind = data.get("kind")
    if kind is None:
        kind = ("prolog" if "program" in data or "query" in data
                else "pddl" if "domain" in data or "problem" in data else None)
    if kind not in ("prolog", "pddl"):
        raise ReplyError('the JSON object needs "kind": "prolog" (with "program" and "query") '
                         'or "kind": "pddl" (with "domain" and "problem")')
    if wanted != "auto" and kind != wanted:
        raise ReplyError(f"a {wanted} prototype was asked for, but the reply is {kind}")
    return kind


def parse_reply(text: str, wanted: str = "auto") -> Reply:
    """The prototype in ``text``; ``wanted`` is ``prolog``, ``pddl`` or ``auto`` (either)."""
    body = unfence(text).strip()
    if not body:
        raise ReplyError("the reply is empty; a JSON object was expected")
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ReplyError(f"the reply is not valid JSON ({exc.msg} at line {exc.lineno} column "
                         f"{exc.colno}); it starts with {_short(body)!r}") from None
    if not isinstance(data, dict):
        raise ReplyError(f"the reply is JSON but not an object (got {type(data).__name__})")
    if _kind_of(data, wanted) == "prolog":
        query = _text_field(data, "query").removeprefix("?-").strip().removesuffix(".").strip()
        claimed = data.get("answer")
        return PrologReply(_text_field(data, "program"), query,
                           None if claimed is None else str(claimed))
    plan = data.get("plan")
    if isinstance(plan, str):
        plan = plan.splitlines()
    if plan is None:
        plan = []
    if not isinstance(plan, list) or not all(isinstance(s, str) for s in plan):
        raise ReplyError('field "plan" must be a list of steps such as "(move a b)"')
    return PddlReply(_text_field(data, "domain"), _text_field(data, "problem"),
                     tuple(s.strip() for s in plan if s.strip()))
