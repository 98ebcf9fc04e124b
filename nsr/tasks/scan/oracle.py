"""SCAN's interpretation function, written from the grammar in Lake & Baroni (2018).

    C -> S and S | S after S | S          S -> V twice | V thrice | V
    V -> D opposite D' | D around D' | D | U      (D' the direction word of D)
    D -> U left | U right | turn left | turn right        U -> walk | look | run | jump

Reference only (tests, prototype conversion): the learner must never be given it.
"""

from __future__ import annotations

from collections.abc import Sequence

from nsr.errors import DataError

_ACTIONS = {"walk": "I_WALK", "look": "I_LOOK", "run": "I_RUN", "jump": "I_JUMP"}
_TURNS = {"left": "I_TURN_LEFT", "right": "I_TURN_RIGHT"}
_REPEATS = {"twice": 2, "thrice": 3}


def _bad(command: Sequence[str], why: str) -> DataError:
    return DataError(f"not a SCAN command ({why}): {' '.join(command)!r}")


def _verb(words: Sequence[str], command: Sequence[str]) -> list[str]:
    """V: a primitive, optionally with a direction and 'opposite'/'around'."""
    if len(words) == 1:
        if words[0] in _ACTIONS:
            return [_ACTIONS[words[0]]]
        raise _bad(command, f"unknown action {words[0]!r}")
    verb, direction = words[0], words[-1]
    if direction not in _TURNS:
        raise _bad(command, f"expected 'left' or 'right', got {direction!r}")
    if verb != "turn" and verb not in _ACTIONS:
        raise _bad(command, f"unknown action {verb!r}")
    turn = _TURNS[direction]
    act = [] if verb == "turn" else [_ACTIONS[verb]]
    if len(words) == 2:
        return [turn, *act]
    if len(words) == 3 and words[1] == "opposite":
        return [turn, turn, *act]
    if len(words) == 3 and words[1] == "around":
        return [turn, *act] * 4
    raise _bad(command, f"cannot read {' '.join(words)!r}")


def _sentence(words: Sequence[str], command: Sequence[str]) -> list[str]:
    """S: V with an optional 'twice' / 'thrice'."""
    if not words:
        raise _bad(command, "empty phrase")
    if len(words) > 1 and words[-1] in _REPEATS:
        return _verb(words[:-1], command) * _REPEATS[words[-1]]
    return _verb(words, command)


def interpret(command: Sequence[str]) -> tuple[str, ...]:
    """The action sequence of a SCAN command (a sequence of words)."""
    words = list(command)
    for conj in ("and", "after"):
        if conj in words:
            i = words.index(conj)
            left = _sentence(words[:i], command)
            right = _sentence(words[i + 1 :], command)
            return tuple(left + right if conj == "and" else right + left)
    return tuple(_sentence(words, command))
