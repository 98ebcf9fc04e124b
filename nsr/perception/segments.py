"""Cutting an input into segments: one per token, or one per run of open-class tokens.

Why: some inputs carry data, not instructions. PCFG SET's letters (``A1 B2 C3``) are an open
class (520 of them, unseen ones at test time) and a run of them is one argument of any length,
so no fixed arity per letter could parse it. A task may therefore declare an *open-class token
pattern* (a regular expression): a maximal run of tokens matching it becomes ONE segment,
perceived as one shared symbol (:data:`OPEN_KEY`), whose node value is the run itself (a tuple
of atoms). Every other token is a segment of its own, exactly as without a pattern, so a task
without a pattern (SCAN) is segmented token by token. No torch here: segmentation is cheap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nsr.errors import ConfigError

#: Perception key shared by every open-class segment (not a valid token of any task's input:
#: inputs are split on whitespace and this contains none, but it is never a real word either).
OPEN_KEY = "<open>"


@dataclass(frozen=True)
class Segmentation:
    """An input cut into segments.

    ``keys[i]`` is what perception reads for segment i (the token itself, or :data:`OPEN_KEY`);
    ``spans[i]`` its token range ``[start, end)``; ``given`` maps an open-class segment to the
    value the input supplies for its node (the run of tokens).
    """

    keys: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    given: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.keys)

    def text(self, tokens: Sequence[str], i: int) -> str:
        """The tokens of segment ``i``, space-separated (for explanations)."""
        start, end = self.spans[i]
        return " ".join(tokens[start:end])


class Segmenter:
    """Segments inputs; ``pattern`` ("" for none) is the open-class token regex."""

    def __init__(self, pattern: str = "") -> None:
        self.pattern = pattern
        try:
            self._regex = re.compile(pattern) if pattern else None
        except re.error as exc:
            raise ConfigError(f"open-class token pattern {pattern!r} is not a regex: {exc}") from exc

    def is_open(self, token: str) -> bool:
        return self._regex is not None and self._regex.fullmatch(token) is not None

    def __call__(self, tokens: Sequence[str]) -> Segmentation:
        if self._regex is None:
            return Segmentation(tuple(tokens), tuple((i, i + 1) for i in range(len(tokens))))
        keys: list[str] = []
        spans: list[tuple[int, int]] = []
        given: dict[int, tuple[str, ...]] = {}
        i, n = 0, len(tokens)
        while i < n:
            if not self.is_open(tokens[i]):
                keys.append(tokens[i])
                spans.append((i, i + 1))
                i += 1
                continue
            j = i
            while j < n and self.is_open(tokens[j]):
                j += 1
            given[len(keys)] = tuple(tokens[i:j])
            keys.append(OPEN_KEY)
            spans.append((i, j))
            i = j
        return Segmentation(tuple(keys), tuple(spans), given)
