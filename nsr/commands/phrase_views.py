"""``nsr explain`` and ``nsr programs`` for a model whose meaning is phrase readings.

Such a model (see :mod:`nsr.learning.phrase_choice`) has no tree and no program per symbol:
what explains an answer is the reading each word took, and what it learned is each word's
readings with how often the training data showed them. Kept apart from
:mod:`nsr.commands.model` so the program views stay as they were.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from nsr.errors import ConfigError
from nsr.model.phrase_state import describe
from nsr.model.phrases import Wrap, assemble

#: Readings listed per word by ``nsr programs`` (the most frequent first; the checkpoint has all).
SHOWN_READINGS = 3


def explain_phrases(task, model, tokens: Sequence[str], *, as_json: bool) -> int:
    """Print the reading each word took and the output they give; exit 1 when none."""
    chosen = model.phrases.readings(tokens)
    if chosen is None:
        print("nsr: no answer: the phrase readings give no output for this input",
              file=sys.stderr)
        return 1
    output = assemble(chosen)
    rows = [{"word": w, "reading": describe(r), "wraps": isinstance(r, Wrap)}
            for w, r in zip(tokens, chosen, strict=True)]
    if as_json:
        print(json.dumps({"input": " ".join(tokens), "output": task.format_target(output),
                          "meaning": "phrases", "readings": rows}))
        return 0
    width = max(len(w) for w in tokens)
    for i, row in enumerate(rows):
        note = f'    (around the phrase of "{tokens[i - 1]}")' if row["wraps"] else ""
        print(f"{row['word']:>{width}}  -> {row['reading']}{note}")
    print(f"output: {task.format_target(output)}")
    return 0


def _top(counts) -> list[tuple[str, int]]:
    ranked = sorted(counts.items(), key=lambda rn: (-rn[1], repr(rn[0])))
    return [(describe(r), n) for r, n in ranked[:SHOWN_READINGS]]


def show_phrases(task, model, *, prolog: bool, as_json: bool) -> int:
    """Each word's most frequent readings; ``--prolog`` is refused (nothing to export)."""
    if prolog:
        raise ConfigError("this model's meaning is phrase readings of words, not programs: "
                          "there is nothing to export to Prolog (nsr programs without "
                          "--prolog lists the readings)")
    words = sorted(model.phrases.words)
    contexts: dict[str, int] = {}
    for word, _ in model.phrases.contexts:
        contexts[word] = contexts.get(word, 0) + 1
    if as_json:
        readings: dict[str, Any] = {
            w: {"readings": [{"reading": r, "count": n} for r, n in _top(model.phrases.words[w])],
                "contexts": contexts.get(w, 0)} for w in words}
        print(json.dumps({"task": task.name, "library": model.library, "meaning": "phrases",
                          "programs": {}, "readings": readings}))
        return 0
    print(f"# phrase readings of {len(words)} words (most frequent first, with counts; a "
          "word's reading in context may differ); '_' is the phrase of the word on the left")
    for w in words:
        shown = ", ".join(f"{r} ({n})" for r, n in _top(model.phrases.words[w]))
        print(f"{w:>12}  {shown}")
    return 0
