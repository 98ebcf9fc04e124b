"""Plans as data: :class:`Step`, the usual one-step-per-line text format, reading and writing.

Planners and people write plans with small variations (``0: (a b)``, ``(a b) [1]``, upper case,
a trailing ``; cost = 3 (unit cost)``); the reader accepts all of them so that a validator judges
the plan, not its formatting. Anything else on a line is an error naming the line, because a
silently skipped step would turn an invalid plan into a different one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nsr.backends.pddl.errors import PlanSyntaxError
from nsr.backends.pddl.nogc import without_collector

_STEP = re.compile(
    r"""^\s*
    (?:\d+(?:\.\d+)?\s*:\s*)?          # optional step index or start time: "0:" / "0.000:"
    \(\s*([^()\s]+)((?:\s+[^()\s]+)*)\s*\)
    \s*(?:\[[^\]]*\])?\s*$             # optional duration or cost: "[1]"
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Step:
    """One ground action of a plan: its name and its object arguments (lower-case)."""

    action: str
    args: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.args, tuple):  # a list would break hashing and validation
            object.__setattr__(self, "args", tuple(self.args))

    def __str__(self) -> str:
        return "(" + " ".join((self.action, *self.args)) + ")"


def parse_step(text: str) -> Step:
    """One step such as ``(stack a b)``; raises :class:`PlanSyntaxError` otherwise."""
    steps = parse_plan(text, name="<step>")
    if len(steps) != 1:
        raise PlanSyntaxError(f"expected exactly one '(action arg ...)' step, got {text!r}")
    return steps[0]


@without_collector  # many small objects, no cycle (see nogc)
def parse_plan(
    text: str, *, name: str = "<plan>", lines: dict[str, Step] | None = None
) -> tuple[Step, ...]:
    """Read a plan written one ``(action arg ...)`` per line.

    Case-insensitive; blank lines and ``;`` comments (including a trailing ``; cost = ...``) are
    ignored; ``0: (a b)`` and ``(a b) [1]`` decorations are tolerated. Any other line raises
    :class:`PlanSyntaxError` with ``name`` and the line number.

    ``lines`` (plain line text -> its step), when given, is shared with other calls: plans of
    one batch (candidates for one problem) repeat most of their lines, and a line read once is
    a dict look-up afterwards (steps are immutable, so sharing them is safe).
    """
    low = text.lower()
    quick = _plain_steps(_COMMENT.sub("", low) if ";" in low else low, lines)
    if quick is not None:
        return quick
    steps: list[Step] = []
    for lineno, raw in enumerate(low.splitlines(), start=1):
        line = raw.split(";", 1)[0] if ";" in raw else raw
        bare = line.strip()
        if not bare:
            continue
        if bare[0] == "(" and bare[-1] == ")":  # the usual "(a b c)": string methods suffice
            inner = bare[1:-1]
            words = inner.split()
            if words and "(" not in inner and ")" not in inner:
                steps.append(Step(words[0], tuple(words[1:])))
                continue
        match = _STEP.match(line)
        if match is None:
            shown = text.splitlines()[lineno - 1].strip()
            if len(shown) > 60:
                shown = shown[:57] + "..."
            raise PlanSyntaxError(
                f"{name}:{lineno}: expected a step like '(action arg ...)', got {shown!r}"
            )
        action, rest = match.groups()
        steps.append(Step(action, tuple(rest.split())))
    return tuple(steps)


# a comment runs to the end of its line, for every line break str.splitlines knows
_COMMENT = re.compile("[;][^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*")
_new = object.__new__
_set_action = Step.action.__set__  # type: ignore[attr-defined]
_set_args = Step.args.__set__  # type: ignore[attr-defined]


def _plain_steps(body: str, made: dict[str, Step] | None = None) -> tuple[Step, ...] | None:
    """The steps of a plan whose every non-blank line is a plain ``(action arg ...)`` (no step
    index, no duration; comments already removed); None for anything else (the line reader
    then reads it, or names the bad line). A line seen twice gives the same :class:`Step` (it is
    immutable), and steps are made without their checking constructor: the arguments are a
    tuple of strings by construction. ``made`` may come from the caller (see :func:`parse_plan`)."""
    if made is None:
        made = {}
    out: list[Step] = []
    for line in body.splitlines():
        step = made.get(line)
        if step is None:
            bare = line.strip()
            if not bare:
                continue
            if bare[0] != "(" or bare[-1] != ")":
                return None
            inner = bare[1:-1]
            words = inner.split()
            if not words or "(" in inner or ")" in inner:
                return None
            step = _new(Step)
            _set_action(step, words[0])
            _set_args(step, tuple(words[1:]))
            made[line] = step
        out.append(step)
    return tuple(out)


def write_plan(plan: Iterable[Step]) -> str:
    """The plan in the usual format: one ``(action arg ...)`` per line, a ``; cost`` footer."""
    lines = [str(step) for step in plan]
    lines.append(f"; cost = {len(lines)} (unit cost)")
    return "\n".join(lines) + "\n"
