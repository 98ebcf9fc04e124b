"""The conversation: prompt templates shipped in ``prototypes/llm/`` filled with the problem.

Templates are files, not Python strings, so that the wording can be tuned (or translated)
without touching code; they use ``string.Template`` placeholders (``$problem``, ``$error``)
because JSON examples in the text are full of braces.
"""

from __future__ import annotations

from functools import cache
from string import Template

from nsr.prototypes.llm.client import Message
from nsr.resources import resource_path

#: First-message template per requested kind.
TEMPLATES = {"prolog": "prolog.md", "pddl": "pddl.md", "auto": "auto.md"}


@cache
def template(name: str) -> Template:
    """A shipped template (cached: every problem of a batch uses the same few)."""
    return Template(resource_path("prototypes", "llm", name).read_text(encoding="utf-8"))


def first_messages(problem: str, kind: str) -> list[Message]:
    """System + user message asking for a ``kind`` prototype of ``problem``."""
    return [
        {"role": "system", "content": template("system.md").substitute().strip()},
        {"role": "user",
         "content": template(TEMPLATES[kind]).substitute(problem=problem.strip()).strip()},
    ]


def feedback_message(error: str) -> Message:
    """The user turn that sends a rejection (interpreter error or mismatch) back to the model."""
    return {"role": "user",
            "content": template("feedback.md").substitute(error=error.strip()).strip()}
