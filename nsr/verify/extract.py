"""Pull the final answer out of a model's completion.

Models wrap answers in many ways; a verifier should judge the answer, not the wrapping. The
methods, tried in a configurable order (the first that finds something wins, and each takes
the LAST occurrence, since models often draft before they answer):

- ``answer_tag``: ``<answer> ... </answer>``
- ``boxed``: ``\\boxed{...}`` (nested braces allowed)
- ``final_answer``: a ``Final answer:`` line (or the block right below it)
- ``code_block``: the last fenced code block, preferring the ``language`` asked for
  (``prolog``/``pl``, ``pddl``/``lisp``)
- ``json``: a JSON object with an ``"answer"`` key

A fenced block inside an ``<answer>`` tag or after ``Final answer:`` is unwrapped. Nothing
found gives None; callers turn that into the ``no_answer`` verdict (score 0).

Before any of that, :func:`model_reply` cuts a decoded sequence down to the model's reply:
trainers that decode with special tokens kept (OpenRLHF decodes prompt + response that way)
hand over ``...answer<|im_end|>``, and a bare answer with an end-of-turn token glued to it is
still a bare answer. The end tokens of the common chat templates (ChatML/Qwen, Llama 3,
Mistral/Llama 2, Gemma, Phi, DeepSeek, gpt-oss, GPT-2 style ``<|endoftext|>``) are cut, and a
text that still holds a whole conversation keeps only what follows the last assistant header.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nsr.errors import ConfigError

DEFAULT_ORDER: tuple[str, ...] = ("answer_tag", "boxed", "final_answer", "code_block", "json")
MAX_COMPLETION_CHARS = 1_000_000  # longer completions are cut (keeping the end: answers are last)

_JSON_WINDOW = 20_000
_JSON_ATTEMPTS = 64
_LANGUAGE_TAGS = {
    "prolog": ("prolog", "pl", "swipl"),
    "pddl": ("pddl", "lisp", "plan"),
}
_FINAL = re.compile(r"final\s+answer\s*(?:is)?\s*[:：]", re.IGNORECASE)


# Tokens that end a model's turn (or pad after it) in common chat templates.
END_TOKENS: tuple[str, ...] = (
    "<|im_end|>", "<|endoftext|>", "<|end_of_text|>", "<|eot_id|>", "<|eom_id|>", "<|end|>",
    "<|return|>", "<|call|>", "<end_of_turn>", "<eos>", "</s>", "<|EOT|>", "<pad>", "<|pad|>",
    "[PAD]", "<|finetune_right_pad_id|>", "<\uff5cend\u2581of\u2581sentence\uff5c>",
    "<|end\u2581of\u2581sentence|>",
)
# Headers that open an assistant turn, for a text that still holds the prompt.
ASSISTANT_HEADERS: tuple[str, ...] = (
    "<|im_start|>assistant", "<|start_header_id|>assistant<|end_header_id|>",
    "<start_of_turn>model", "<|assistant|>", "[/INST]", "<\uff5cAssistant\uff5c>",
    "<|channel|>final<|message|>",
)


@dataclass(frozen=True, slots=True)
class Extraction:
    """The extracted answer text and the method that found it."""

    text: str
    method: str


def extract_answer(
    completion: str,
    *,
    order: Sequence[str] = DEFAULT_ORDER,
    language: str | None = None,
) -> Extraction | None:
    """The answer in ``completion`` by the first method of ``order`` that finds one, or None.

    ``language`` (``"prolog"`` or ``"pddl"``) makes ``code_block`` prefer blocks tagged for it.
    """
    unknown = [name for name in order if name not in _METHODS]
    if unknown:
        raise ConfigError(f"unknown extraction method(s) {unknown}; choose from {list(_METHODS)}")
    if language is not None and language not in _LANGUAGE_TAGS:
        raise ConfigError(f"language must be one of {sorted(_LANGUAGE_TAGS)}, got {language!r}")
    if not isinstance(completion, str) or not completion.strip():
        return None
    text = completion[-MAX_COMPLETION_CHARS:]
    for name in order:
        found = _METHODS[name](text, language)
        if found is not None and found.strip():
            return Extraction(found.strip(), name)
    return None


def model_reply(text: str) -> str:
    """``text`` without chat-template wrapping: after the last assistant header (if any), up
    to the first end-of-turn token (if any). Plain text comes back unchanged."""
    if "<" not in text and "[" not in text:
        return text
    for header in ASSISTANT_HEADERS:
        at = text.rfind(header)
        if at >= 0:
            text = text[at + len(header) :]
    cut = len(text)
    for token in END_TOKENS:
        at = text.find(token, 0, cut)
        if at >= 0:
            cut = at
    return text[:cut]


# Every scan below is linear in the text: regular expressions with lazy ".*?" between
# repeated markers go quadratic on hostile completions ("<answer>" x 10**5 took minutes).


def _fences(text: str) -> list[tuple[str, str]]:
    """``(language, body)`` of each fenced block, pairing fences in order."""
    marks = []
    pos = text.find("```")
    while pos >= 0:
        marks.append(pos)
        pos = text.find("```", pos + 3)
    blocks = []
    for start, end in zip(marks[0::2], marks[1::2], strict=False):
        newline = text.find("\n", start + 3, end)
        if newline < 0:
            continue  # inline code on one line, not a block
        info = text[start + 3 : newline].split()
        blocks.append((info[0].lower() if info else "", text[newline + 1 : end]))
    return blocks


def _unfence(text: str) -> str:
    blocks = _fences(text)
    return blocks[-1][1] if blocks else text


def _answer_tag(text: str, language: str | None) -> str | None:
    lowered = text.lower()
    end = lowered.rfind("</answer>")
    if end < 0:
        return None
    start = lowered.rfind("<answer>", 0, end)
    if start < 0:
        return None
    return _unfence(text[start + len("<answer>") : end])


def _boxed(text: str, language: str | None) -> str | None:
    start = text.rfind("\\boxed{")
    if start < 0:
        return None
    depth, begin = 0, start + len("\\boxed{")
    for pos in range(begin, len(text)):
        char = text[pos]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return text[begin:pos]
            depth -= 1
    return None  # unbalanced: no answer rather than half of one


def _final_answer(text: str, language: str | None) -> str | None:
    matches = list(_FINAL.finditer(text))
    if not matches:
        return None
    rest = text[matches[-1].end() :]
    first, _, below = rest.partition("\n")
    if first.strip() and "```" not in first:
        return first.strip().strip("*").strip()
    block = _unfence(rest)
    if block is not rest:
        return block
    return below.split("\n\n", 1)[0]


def _code_block(text: str, language: str | None) -> str | None:
    blocks = _fences(text)
    if not blocks:
        return None
    if language is not None:
        tags = _LANGUAGE_TAGS[language]
        tagged = [body for tag, body in blocks if tag.lower() in tags]
        if tagged:
            return tagged[-1]
    return blocks[-1][1]


def _json(text: str, language: str | None) -> str | None:
    # Answers come last: try the object starts nearest the end first, within a bounded window
    # and a bounded number of attempts, so hostile text ('{"answer": ' x 10**5) stays cheap.
    decoder = json.JSONDecoder()
    text = text[-_JSON_WINDOW:]
    pos = len(text)
    for _ in range(_JSON_ATTEMPTS):
        pos = text.rfind("{", 0, pos)
        if pos < 0:
            return None
        try:
            value, _end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict) and "answer" in value:
            answer = value["answer"]
            return answer if isinstance(answer, str) else json.dumps(answer)
    return None


_METHODS: dict[str, Callable[[str, str | None], str | None]] = {
    "answer_tag": _answer_tag,
    "boxed": _boxed,
    "final_answer": _final_answer,
    "code_block": _code_block,
    "json": _json,
}
