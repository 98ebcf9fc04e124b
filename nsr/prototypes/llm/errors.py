"""Errors of LLM conversion; each derives from the matching nsr root (see :mod:`nsr.errors`)."""

from __future__ import annotations

from nsr.errors import DataError, EngineError


class LlmError(EngineError):
    """The endpoint answered badly for one request (HTTP error, timeout, not a chat reply).

    A per-item failure: the batch goes on with the next problem.
    """


class LlmUnreachable(LlmError):
    """No connection to the endpoint could be made at all (refused, unknown host, no route).

    Raised for the whole batch when nothing has been received from the endpoint yet, so that a
    wrong ``--llm-url`` gives one error line instead of one failure per problem.
    """


class ReplyError(DataError):
    """The model's reply is not the JSON object the prompt asked for (fed back on a retry)."""
