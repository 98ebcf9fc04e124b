"""Natural-language problems -> verified prototypes, written by an LLM and run by an interpreter.

ProtoReasoning converted problems by prompting an LLM; here the model only proposes: a Prolog
program + query or a PDDL domain + problem, which SWI-Prolog or the planner/validator then runs.
A reply is accepted only when it runs and agrees with the reference answer (when given);
otherwise the interpreter's message goes back to the model for another try.

    from nsr.prototypes.llm import (ChatClient, ChatConfig, LlmConvertConfig, convert_problems,
                                    read_problems)
    client = ChatClient(ChatConfig("http://127.0.0.1:8000/v1", "qwen2.5-7b-instruct"))
    report = convert_problems(read_problems("problems.jsonl"), client,
                              LlmConvertConfig(retries=2, concurrency=4))

Modules: ``inputs`` (the problem file), ``client`` (OpenAI-compatible chat endpoint),
``prompts`` (templates in ``prototypes/llm/``), ``reply`` (JSON prototype parsing),
``execute`` (running and accepting), ``convert`` (the batch), ``cli`` (``nsr proto convert
llm``). Names below are imported lazily to keep ``import nsr.prototypes.llm`` cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "ChatClient": "nsr.prototypes.llm.client",
    "ChatConfig": "nsr.prototypes.llm.client",
    "LlmConvertConfig": "nsr.prototypes.llm.convert",
    "LlmConvertReport": "nsr.prototypes.llm.convert",
    "LlmConverter": "nsr.prototypes.llm.convert",
    "ItemFailure": "nsr.prototypes.llm.convert",
    "convert_problems": "nsr.prototypes.llm.convert",
    "LlmError": "nsr.prototypes.llm.errors",
    "LlmUnreachable": "nsr.prototypes.llm.errors",
    "ReplyError": "nsr.prototypes.llm.errors",
    "LlmProblem": "nsr.prototypes.llm.inputs",
    "read_problems": "nsr.prototypes.llm.inputs",
    "parse_reply": "nsr.prototypes.llm.reply",
    "answers_agree": "nsr.prototypes.llm.execute",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nsr.prototypes.llm' has no attribute {name!r}")
