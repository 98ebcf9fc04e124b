"""A minimal client for an OpenAI-compatible chat endpoint (``POST {url}/chat/completions``).

Why urllib and not an SDK: one request shape is all conversion needs, the standard library
keeps it dependency-free, and every local server (vLLM, llama.cpp, Ollama, SGLang, TGI) speaks
this dialect. One :class:`ChatClient` is shared by the worker threads of a batch: each call
opens its own connection, so it holds no per-request state; it only remembers whether the
endpoint has ever answered, which tells "wrong URL" (abort the batch) from "the server went
away mid-run" (a per-item failure), and whether it refused ``response_format``.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from nsr.errors import ConfigError
from nsr.prototypes.llm.errors import LlmError, LlmUnreachable

#: Messages are dicts {"role": "system" | "user" | "assistant", "content": text}.
Message = Mapping[str, str]
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class ChatConfig:
    """Where and how to ask. ``seed`` is sent when set (servers that honour it then repeat
    their sampling); ``json_mode`` sends ``response_format: {"type": "json_object"}``."""

    url: str
    model: str
    api_key: str | None = None
    timeout: float = 120.0
    temperature: float = 0.0
    json_mode: bool = True
    seed: int | None = None
    max_tokens: int | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"--llm-url must be an http(s) URL such as "
                              f"http://127.0.0.1:8000/v1, got {self.url!r}")
        if not self.model.strip():
            raise ConfigError("--model must name the served model")
        if not self.timeout > 0:
            raise ConfigError(f"--timeout must be positive, got {self.timeout}")
        if not 0.0 <= self.temperature <= 2.0:
            raise ConfigError(f"--temperature must be in [0, 2], got {self.temperature}")

    @property
    def endpoint(self) -> str:
        return self.url.rstrip("/") + "/chat/completions"


def api_key_from_env(var: str | None) -> str | None:
    """The key in environment variable ``var`` (None: no key); a named but unset var is an error."""
    if var is None:
        return None
    value = os.environ.get(var)
    if not value:
        raise ConfigError(f"--api-key-env names {var}, but that environment variable is not set")
    return value


def _reason(exc: BaseException) -> str:
    """A short human text for a connection-level failure."""
    inner = getattr(exc, "reason", exc)
    if isinstance(inner, ConnectionRefusedError):
        return "connection refused"
    if isinstance(inner, socket.gaierror):
        return "unknown host"
    if isinstance(inner, TimeoutError):
        return "connection timed out"
    text = str(getattr(inner, "strerror", None) or inner).strip()
    return text or type(inner).__name__


class ChatClient:
    """Send chat requests; raise :class:`LlmError` (per item) or :class:`LlmUnreachable`."""

    def __init__(self, config: ChatConfig) -> None:
        self.config = config
        host = urlsplit(config.url).hostname or ""
        handlers: list[Any] = [urllib.request.ProxyHandler({})] if host in _LOOPBACK else []
        self._opener = urllib.request.build_opener(*handlers)
        self._answered = threading.Event()
        # Set when the server refused response_format: later requests leave it out.
        self._plain = threading.Event()

    @property
    def answered(self) -> bool:
        """Has the endpoint ever sent an HTTP response (of any status)?"""
        return self._answered.is_set()

    def body(self, messages: Sequence[Message]) -> dict[str, Any]:
        """The JSON request body for ``messages``."""
        cfg = self.config
        body: dict[str, Any] = {
            "model": cfg.model,
            "messages": [dict(m) for m in messages],
            "temperature": cfg.temperature,
        }
        if cfg.json_mode and not self._plain.is_set():
            body["response_format"] = {"type": "json_object"}
        if cfg.seed is not None:
            body["seed"] = cfg.seed
        if cfg.max_tokens is not None:
            body["max_tokens"] = cfg.max_tokens
        return body

    def complete(self, messages: Sequence[Message]) -> str:
        """The assistant's reply text to ``messages``.

        A server that rejects ``response_format`` (HTTP 400/422 naming it; older llama.cpp and
        TGI do) is asked again without it, and so are all later requests: the prompt asks for
        JSON anyway, and the reply is parsed leniently.
        """
        try:
            return self._post(messages)
        except _Rejected as exc:
            if not exc.json_mode_refused:
                raise LlmError(str(exc)) from None
            self._plain.set()  # other threads may have set it too: harmless
            try:
                return self._post(messages)
            except _Rejected as again:
                raise LlmError(str(again)) from None

    def _post(self, messages: Sequence[Message]) -> str:
        cfg = self.config
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if cfg.api_key:
            headers["Authorization"] = f"Bearer {cfg.api_key}"
        request = urllib.request.Request(
            cfg.endpoint, data=json.dumps(self.body(messages)).encode("utf-8"),
            headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=cfg.timeout) as response:
                self._answered.set()
                raw = response.read()
        except urllib.error.HTTPError as exc:
            self._answered.set()
            text = _error_text(exc)
            refused = (exc.code in (400, 422) and "response_format" in text
                       and cfg.json_mode and not self._plain.is_set())
            raise _Rejected(f"HTTP {exc.code} from {cfg.endpoint}: {text}", refused) from None
        except TimeoutError:
            raise LlmError(f"no reply from {cfg.endpoint} within {cfg.timeout:g} s "
                           "(raise --timeout?)") from None
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            message = f"cannot reach the LLM endpoint {cfg.endpoint}: {_reason(exc)}"
            if self.answered:
                raise LlmError(message) from None
            raise LlmUnreachable(message) from None
        return _content(raw, cfg.endpoint)


class _Rejected(Exception):  # noqa: N818 - internal signal, becomes an LlmError
    """An HTTP error status; ``json_mode_refused``: the server objected to response_format."""

    def __init__(self, message: str, json_mode_refused: bool) -> None:
        super().__init__(message)
        self.json_mode_refused = json_mode_refused


def _error_text(exc: urllib.error.HTTPError) -> str:
    """The server's error message (OpenAI style ``{"error": {"message"}}``) or the body's start."""
    try:
        raw = exc.read().decode("utf-8", errors="replace")
    except OSError:
        raw = ""
    try:
        data = json.loads(raw)
        err = data.get("error", data) if isinstance(data, dict) else data
        text = err.get("message") if isinstance(err, dict) else err
        text = str(text if text is not None else raw)
    except json.JSONDecodeError:
        text = raw
    text = " ".join(text.split()) or str(exc.reason)
    return text[:200] + ("..." if len(text) > 200 else "")


def _content(raw: bytes, endpoint: str) -> str:
    """``choices[0].message.content`` of a chat completion body."""
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
        content = data["choices"][0]["message"]["content"]
    except (json.JSONDecodeError, KeyError, IndexError, TypeError):
        snippet = " ".join(raw.decode("utf-8", errors="replace").split())[:120]
        raise LlmError(f"{endpoint} did not return a chat completion "
                       f"(expected choices[0].message.content): {snippet!r}") from None
    if not isinstance(content, str):
        raise LlmError(f"{endpoint} returned a chat completion without text content")
    return content
