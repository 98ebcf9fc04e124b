"""What ``nsr eval | solve | explain`` do around the model: unknown words, batches, output.

Kept apart from :mod:`nsr.commands.model` (argument wiring) so each stays short: here live the
rules of answering many inputs at once. An input holding a word the model never saw in training
gets no answer (counted wrong by ``eval``, reported by ``solve``) instead of stopping the run:
one bad line must not cost the answers to all the others.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nsr.errors import ConfigError


@dataclass(frozen=True)
class Answers:
    """Predictions for a batch of inputs (None: no answer) and the words that stopped some."""

    predictions: list[Any]
    #: Per input, the words of it the model never saw (empty: all known).
    unknown: list[tuple[str, ...]] = field(default_factory=list)
    #: Image inputs: every image id shown to the model (for the perception report).
    perceived: list[str] = field(default_factory=list)

    @property
    def unknown_words(self) -> dict[str, int]:
        """Each unknown word and how many inputs hold it, most frequent first."""
        counts = Counter(w for words in self.unknown for w in set(words))
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def unknown_words_json(self) -> dict[str, int]:
        """:attr:`unknown_words` for JSON output: a huge "word" is named, not echoed whole."""
        from nsr.textfile import shorten

        return {shorten(w): n for w, n in self.unknown_words.items()}

    @property
    def unknown_inputs(self) -> int:
        return sum(bool(words) for words in self.unknown)

    def summary(self, scored: bool = True) -> str:
        """One line naming the unknown words, or "" when there were none (``scored``: the
        inputs are examples being scored, so they count as wrong)."""
        if not self.unknown_inputs:
            return ""
        from nsr.textfile import shorten

        words = ", ".join(f"{shorten(w)!r} ({n})"
                          for w, n in list(self.unknown_words.items())[:20])
        more = len(self.unknown_words) - 20
        return (f"{self.unknown_inputs} input(s) hold words the model never saw in training "
                f"(no answer{', counted wrong' if scored else ''}): {words}"
                + (f" and {more} more" if more > 0 else ""))


def unknown_words(model, tokens: Sequence[str]) -> tuple[str, ...]:
    """The words of ``tokens`` the model's perception never saw (token perception only: an
    image model reads any image)."""
    vocab = getattr(getattr(model.perception, "cfg", None), "vocab", None)
    if vocab is None:
        return ()
    known = set(vocab)
    return tuple(dict.fromkeys(k for k in model.segmenter(tokens).keys if k not in known))


def answer(model, inputs: Sequence[Sequence[str]], predict) -> Answers:
    """``predict(model, inputs)`` on the inputs whose words are all known; None for the others."""
    unknown = [unknown_words(model, tokens) for tokens in inputs]
    runnable = [i for i, words in enumerate(unknown) if not words]
    preds: list[Any] = [None] * len(inputs)
    if runnable:
        for i, p in zip(runnable, predict(model, [inputs[i] for i in runnable]), strict=True):
            preds[i] = p
    return Answers(preds, unknown)


def write_text(path: Path, text: str, *, force: bool) -> None:
    """Write ``text`` to ``path`` atomically, refusing to replace a file unless ``force``."""
    from nsr.atomic import atomic_write_text

    path = Path(path)
    if path.exists() and not force:
        raise ConfigError(f"{path} exists; pass --force to overwrite it")
    if not path.parent.is_dir():
        raise ConfigError(f"cannot write {path}: directory {path.parent} does not exist")
    atomic_write_text(path, text)


def batch_lines(task, inputs: Sequence[tuple[int, tuple[str, ...]]], answers: Answers, *,
                as_json: bool, native: bool = False) -> list[str]:
    """One output line per input: the answer as the task prints it ("" for none), or with
    ``as_json`` an object ``{"line", "input", "output", "unknown"}`` (output null: none), or
    with ``native`` the task's own record (an input without answer has no record, except in
    tasks whose answers pair with the input file line by line, where its line stays empty)."""
    lines = []
    for (lineno, tokens), pred, unknown in zip(inputs, answers.predictions, answers.unknown,
                                               strict=True):
        if native:
            if pred is not None:
                lines.append(task.format_record(tokens, pred))
            elif task.paired_files:
                lines.append("")
            continue
        if not as_json:
            lines.append("" if pred is None else task.format_target(pred))
            continue
        record: dict[str, Any] = {"line": lineno, "input": " ".join(tokens),
                                  "output": json_output(task, pred)}
        if unknown:
            record["unknown"] = list(unknown)
        lines.append(json.dumps(record))
    return lines


def json_output(task, prediction: Any) -> Any:
    """An answer as JSON: an integer stays a number, tokens are the task's text (null: none)."""
    if prediction is None or isinstance(prediction, int):
        return prediction
    return task.format_target(prediction)


def explanation_json(model, parse, values, shown: dict, program_of) -> dict[str, Any]:
    """The tree behind an answer as nested objects: word, symbol, value, program, children."""
    cut = model.segmenter(parse.tokens)

    def node(i: int) -> dict[str, Any]:
        word = cut.text(parse.tokens, i)
        value = values[i]
        return {
            "word": shown.get(word, word),
            "symbol": model.symbol_names[parse.symbols[i]],
            "value": list(value) if isinstance(value, tuple) else value,
            "program": program_of(i, parse.symbols[i]),
            "children": [node(c) for c in parse.tree.children[i]],
            **({"second_reading": True} if i in parse.reread else {}),
        }

    return node(parse.tree.root)
