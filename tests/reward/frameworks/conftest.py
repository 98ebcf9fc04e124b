"""Contract tests through the RL frameworks' own code (marker ``frameworks``).

Each module skips with the reason when its framework is not installed (``make frameworks``
installs them: TRL and reasoning-gym from PyPI, verl and OpenRLHF without their GPU
dependencies). Models and tokenizers are built here, never downloaded: a character-level
tokenizer with a ChatML template, and a randomly initialised 1-layer model.
"""

from __future__ import annotations

import json
import string
from typing import Any

import pytest

from nsr.prototypes.families import family_names
from nsr.resources import resource_path

END = "<|im_end|>"
CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def shipped_records() -> list[dict[str, Any]]:
    """Every shipped example record (prolog and pddl families, all tasks)."""
    records = []
    for family in family_names():
        path = resource_path("prototypes", "examples", f"{family}.jsonl")
        records += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    return records


def tiny_tokenizer() -> Any:
    """A character-level fast tokenizer that round-trips every shipped prompt and answer,
    with ChatML special tokens and template (what Qwen-style models use)."""
    tokenizers = pytest.importorskip("tokenizers", reason="tokenizers is not installed")
    transformers = pytest.importorskip("transformers", reason="transformers is not installed")
    chars = set(string.printable)
    for record in shipped_records():
        chars.update(record["prompt"], record["answer"])
    specials = ["<unk>", "<|endoftext|>", "<|im_start|>", END]
    vocab = {token: i for i, token in enumerate(specials + sorted(chars))}
    model = tokenizers.models.WordLevel(vocab, unk_token="<unk>")
    tok = tokenizers.Tokenizer(model)
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Split(
        tokenizers.Regex(r"[\s\S]"), behavior="isolated")
    tok.decoder = tokenizers.decoders.Fuse()
    tok.add_special_tokens(specials)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="<unk>", pad_token="<|endoftext|>", eos_token=END,
        bos_token=None)
    fast.chat_template = CHATML
    return fast


@pytest.fixture(scope="session")
def tokenizer() -> Any:
    return tiny_tokenizer()


def correct_forms(answer: str) -> dict[str, str]:
    """The ways a model writes a correct answer: tagged or bare, with or without end token."""
    return {
        "tagged": f"Let me work it out.\n<answer>{answer}</answer>",
        "tagged_end": f"Let me work it out.\n<answer>{answer}</answer>{END}",
        "bare": answer,
        "bare_end": answer + END,
    }


HOSTILE_PROGRAM = "```prolog\nloop :- loop.\n```"
