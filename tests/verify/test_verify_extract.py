"""Answer extraction from completions: each method, the order, language preference, misses."""

from __future__ import annotations

import pytest

from nsr.errors import ConfigError
from nsr.verify import Extraction, extract_answer


@pytest.mark.parametrize(
    ("completion", "text", "method"),
    [
        ("think... <answer>draft</answer> more <answer> ann </answer>", "ann", "answer_tag"),
        ("<ANSWER>\n```prolog\nX = 1.\n```\n</ANSWER>", "X = 1.", "answer_tag"),
        ("so \\boxed{f(a, {b})} it is", "f(a, {b})", "boxed"),
        ("Reasoning.\nFinal answer: [1, 2, 3]\n", "[1, 2, 3]", "final_answer"),
        ("final answer is: **tom**", "tom", "final_answer"),
        ("Final answer:\n(pick-up a)\n(stack a b)\n\nThanks", "(pick-up a)\n(stack a b)",
         "final_answer"),
        ("text\n```\nfirst\n```\nthen\n```pddl\n(move a b)\n```\n", "(move a b)", "code_block"),
        ('Result: {"answer": "bob", "confidence": 0.9}', "bob", "json"),
        ('{"answer": [1, 2]}', "[1, 2]", "json"),
    ],
)
def test_each_method_finds_the_last_answer(completion: str, text: str, method: str) -> None:
    assert extract_answer(completion) == Extraction(text, method)


def test_order_decides_between_methods() -> None:
    completion = "<answer>tag</answer>\n\\boxed{box}"
    assert extract_answer(completion).text == "tag"  # type: ignore[union-attr]
    assert extract_answer(completion, order=("boxed", "answer_tag")).text == "box"  # type: ignore[union-attr]


def test_language_prefers_matching_code_blocks() -> None:
    completion = "```prolog\np(1).\n```\n```python\nprint(1)\n```"
    assert extract_answer(completion, language="prolog").text == "p(1)."  # type: ignore[union-attr]
    assert extract_answer(completion).text == "print(1)"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "completion",
    ["", "   ", "I do not know.", "\\boxed{unbalanced", "<answer>  </answer>", "{not json"],
)
def test_missing_answers_give_none(completion: str) -> None:
    assert extract_answer(completion) is None


def test_hostile_completions_stay_cheap() -> None:
    # Inputs that made regex-based extraction quadratic (minutes); a regression shows up as a
    # pytest-timeout, never as a timing assertion.
    assert extract_answer("<answer>" * 100_000) is None
    assert extract_answer("```" * 100_000) is None
    assert extract_answer("<answer>" * 100_000 + "ok</answer>") == Extraction("ok", "answer_tag")
    assert extract_answer("{" * 200_000) is None
    assert extract_answer('{"answer": ' * 5_000) is None
    nested = '{"a": ' * 3_000 + "1" + "}" * 3_000
    assert extract_answer(nested) is None


def test_bad_options_raise() -> None:
    with pytest.raises(ConfigError, match="unknown extraction"):
        extract_answer("x", order=("magic",))
    with pytest.raises(ConfigError, match="language"):
        extract_answer("x", language="cobol")


@pytest.mark.parametrize(
    ("decoded", "reply"),
    [
        ("[1, 2]<|im_end|>", "[1, 2]"),
        ("[1, 2]<|im_end|><|endoftext|><|endoftext|>", "[1, 2]"),
        ("<|im_start|>user\nWhat?<|im_end|>\n<|im_start|>assistant\nbob<|im_end|>", "\nbob"),
        ("<|start_header_id|>assistant<|end_header_id|>\n\ntom<|eot_id|>", "\n\ntom"),
        ("[INST] q [/INST] ann</s>", " ann"),
        ("<start_of_turn>model\nx<end_of_turn>\n<eos>", "\nx"),
        ("<|assistant|>\ny<|end|>", "\ny"),
        ("z<\uff5cend\u2581of\u2581sentence\uff5c>", "z"),
        ("<|channel|>analysis<|message|>hmm<|end|><|channel|>final<|message|>w<|return|>", "w"),
        ("<answer>[a]</answer>", "<answer>[a]</answer>"),
        ("no special tokens at all", "no special tokens at all"),
    ],
)
def test_model_reply_cuts_chat_template_wrapping(decoded: str, reply: str) -> None:
    from nsr.verify.extract import model_reply

    assert model_reply(decoded) == reply
