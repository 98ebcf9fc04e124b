"""Turn the JSON answers of nsr_engine.pl into Python values and exceptions.

A value arrives as a flat token list in postfix order (format at the top of nsr_engine.pl):
``json.loads`` parses it in C, and a loop with an explicit stack rebuilds the term, so terms
nested thousands deep (Peano numbers, long conjunctions) decode without hitting Python's
recursion limit.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from nsr.backends.prolog.errors import (
    PrologError,
    PrologExistenceError,
    PrologInferenceLimit,
    PrologResourceError,
    PrologSyntaxError,
    PrologTimeLimit,
)
from nsr.backends.prolog.terms import Compound, PlString, Var

_FLOATS = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan")}


def decode_answer(text: str) -> dict[str, Any]:
    """The top-level answer object (``{"ok": [...]}``, ``{"error": {...}}``, ...), raw."""
    return json.loads(text)


def solutions(raw: list[dict[str, list[Any]]]) -> list[dict[str, Any]]:
    """Solutions of an ``ok`` answer as dicts of Python values."""
    return [{name: value(tokens) for name, tokens in sol.items()} for sol in raw]


def value(tokens: list[Any]) -> Any:
    """Rebuild one value from its ``[0, token, ...]`` postfix list."""
    if len(tokens) == 2 and type(tokens[1]) is not list:
        return tokens[1]  # the common case: one atom or number
    stack: list[Any] = []
    push = stack.append
    for tok in tokens[1:]:
        if type(tok) is not list:
            push(tok)
            continue
        tag = tok[0]
        if tag == "c":
            n = tok[2]
            args = tuple(stack[len(stack) - n :]) if n else ()
            del stack[len(stack) - n :]
            push(Compound(tok[1], args))
        elif tag == "l":
            n = tok[1]
            items = stack[len(stack) - n :] if n else []
            del stack[len(stack) - n :]
            push(items)
        elif tag == "s":
            push(PlString(tok[1]))
        elif tag == "v":
            push(Var(tok[1]))
        elif tag == "f":
            push(_FLOATS[tok[1]])
        elif tag == "r":
            push(Fraction(tok[1].replace("r", "/")))
        elif tag == "b":
            push(tok[1])
        elif tag == "d":
            n = 2 * tok[1] + 1
            flat = stack[len(stack) - n :]
            del stack[len(stack) - n :]
            push(dict(zip(flat[1::2], flat[2::2], strict=True)))
        else:
            raise PrologError(f"internal error: unknown answer token {tok!r}")
    if len(stack) != 1:
        raise PrologError(f"internal error: malformed answer ({len(stack)} values)")
    return stack[0]


def error_from(info: dict[str, Any], *, goal_text: str = "", source: str = "<goal>") -> PrologError:
    """The exception for an ``{"error": info}`` answer."""
    kind = info.get("kind", "error")
    message = info.get("message") or "Prolog error"
    term = info.get("term", "")
    if kind == "time_limit":
        return PrologTimeLimit(message, term=term)
    if kind == "inference_limit":
        return PrologInferenceLimit(message, term=term)
    if kind == "resource":
        return PrologResourceError(message, term=term)
    if kind == "existence":
        pred = info.get("predicate", "?")
        return PrologExistenceError(f"unknown procedure {pred}", predicate=pred, term=term)
    if kind == "syntax":
        what = info.get("what", message)
        line = int(info.get("line", 0))
        column = int(info.get("column", 0))
        if "char" in info and goal_text:
            line, column = line_col(goal_text, int(info["char"]))
        if not line:
            line, column = 1, 1
        return PrologSyntaxError(
            f"{source}:{line}:{column}: syntax error: {what}",
            source=source,
            line=line,
            column=column,
            term=term,
        )
    return PrologError(message, term=term)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of character ``offset`` in ``text``."""
    offset = max(0, min(offset, len(text)))
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    return line, column
