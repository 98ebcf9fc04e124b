"""Phrase readings (:mod:`nsr.model.phrases`) as checkpoint JSON, checked before use.

Why its own format rather than pickling the counters: a checkpoint is JSON (safe to load,
diffable, shipped as package data), and a hand-edited or truncated one must fail with one
line naming the field, never deep inside a translation. Every count is kept, not only each
word's best reading: a reading's probability in a context backs off to the word's counts, so
the best reading in a new context (``daxy`` after ``not``) needs them all.

Layout: ``{"words": {word: [entry, ...]}, "contexts": {word: [[side, neighbour, [entry,
...]], ...]}}`` where an entry is ``["i", [tokens], count]`` (:class:`Inline`) or ``["w",
[before], [after], count]`` (:class:`Wrap`) and side is ``"L"`` or ``"R"``; and, when the
lexicon models its outputs (:mod:`nsr.model.token_lm`), ``"outputs": {"order": n, "ngrams":
[[token, ..., count], ...]}`` with every n-gram of the full order (shorter ones are their sums).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from nsr.model.phrases import Inline, PhraseLexicon, Reading, Wrap
from nsr.model.token_lm import TokenLM


def _entry(reading: Reading, count: int) -> list:
    if isinstance(reading, Wrap):
        return ["w", list(reading.before), list(reading.after), count]
    return ["i", list(reading.phrase), count]


def _reading(entry: list) -> tuple[Reading, int]:
    if entry[0] == "w":
        return Wrap(tuple(entry[1]), tuple(entry[2])), int(entry[3])
    return Inline(tuple(entry[1])), int(entry[2])


def lexicon_state(lexicon: PhraseLexicon) -> dict[str, Any]:
    """The lexicon as JSON-ready data (sorted: the same lexicon always writes the same text)."""
    def entries(counts: Counter) -> list[list]:
        return [_entry(r, n) for r, n in sorted(counts.items(), key=lambda rn: repr(rn[0]))]

    contexts: dict[str, list] = {}
    for (word, (side, neighbour)), counts in sorted(lexicon.contexts.items()):
        contexts.setdefault(word, []).append([side, neighbour, entries(counts)])
    state = {"words": {w: entries(c) for w, c in sorted(lexicon.words.items())},
             "contexts": contexts}
    if lexicon.outputs is not None:
        state["outputs"] = {"order": lexicon.outputs.order,
                            "ngrams": [[*gram, n] for gram, n in lexicon.outputs.ngrams()]}
    return state


def lexicon_from_state(state: dict[str, Any]) -> PhraseLexicon:
    """The lexicon :func:`lexicon_state` wrote (check it first with :func:`state_problem`)."""
    lexicon = PhraseLexicon()
    for word, entries in state["words"].items():
        for entry in entries:
            lexicon.add_word(word, *_reading(entry))
    for word, rows in state["contexts"].items():
        for side, neighbour, entries in rows:
            for entry in entries:
                lexicon.add_context(word, (side, neighbour), *_reading(entry))
    if "outputs" in state:
        lexicon.outputs = TokenLM.from_ngrams(
            state["outputs"]["order"], ((row[:-1], row[-1]) for row in state["outputs"]["ngrams"]))
    return lexicon


def _tokens_ok(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(t, str) for t in value)


def _count_ok(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _entry_problem(entry: Any) -> str | None:
    kind = entry[0] if isinstance(entry, list) and entry else None
    if kind not in ("i", "w") or len(entry) != (3 if kind == "i" else 4) or \
            not all(_tokens_ok(part) for part in entry[1:-1]):
        return 'a reading must be ["i", [tokens], count] or ["w", [before], [after], count]'
    if not _count_ok(entry[-1]):
        return "a reading's count must be a positive integer"
    return None


def _entries_problem(entries: Any, where: str) -> str | None:
    if not isinstance(entries, list):
        return f"{where} must be a list of readings"
    for entry in entries:
        problem = _entry_problem(entry)
        if problem:
            return f"{where}: {problem}"
    return None


def _outputs_problem(outputs: Any, where: str) -> str | None:
    order = outputs.get("order") if isinstance(outputs, dict) else None
    if not (_count_ok(order) and isinstance(outputs.get("ngrams"), list)):
        return f"field {where}.outputs must be an object with a positive 'order' and 'ngrams'"
    for row in outputs["ngrams"]:
        if not (isinstance(row, list) and len(row) == order + 1 and _tokens_ok(row[:-1])
                and _count_ok(row[-1])):
            return (f"field {where}.outputs.ngrams must hold rows of {order} tokens and a "
                    "positive count")
    return None


def state_problem(state: Any, where: str = "phrases") -> str | None:
    """What is wrong with stored phrase readings (the first problem found), or None."""
    if not isinstance(state, dict) or not isinstance(state.get("words"), dict) or \
            not isinstance(state.get("contexts"), dict):
        return f"field {where} must be an object with objects 'words' and 'contexts'"
    for word, entries in state["words"].items():
        problem = _entries_problem(entries, f"field {where}.words.{word[:40]}")
        if problem:
            return problem
    for word, rows in state["contexts"].items():
        at = f"field {where}.contexts.{word[:40]}"
        if word not in state["words"]:
            return f"{at} names a word with no readings"
        if not isinstance(rows, list):
            return f"{at} must be a list of [side, neighbour, readings]"
        for row in rows:
            if not (isinstance(row, list) and len(row) == 3 and row[0] in ("L", "R")
                    and isinstance(row[1], str)):
                return f'{at} must hold [side ("L" or "R"), neighbour, readings] rows'
            problem = _entries_problem(row[2], at)
            if problem:
                return problem
    if "outputs" in state:
        return _outputs_problem(state["outputs"], where)
    return None


def describe(reading: Reading) -> str:
    """A reading as people read it: ``"je"``, ``(nothing)``, or ``ne _ pas`` (the governed
    word's phrase at ``_``)."""
    if isinstance(reading, Wrap):
        return " ".join((*reading.before, "_", *reading.after))
    return " ".join(reading.phrase) if reading.phrase else "(nothing)"
