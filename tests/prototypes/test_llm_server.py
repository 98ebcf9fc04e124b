"""Tests of the chat client, and the stand-in it uses (imported by the other test_llm files).

A stand-in for an OpenAI-compatible chat endpoint on 127.0.0.1 (ephemeral port).

Tests give it a ``responder(messages, body) -> reply`` where reply is the assistant's text, or
``(status, body_text)`` for an HTTP error; it records every request body so that tests can
check what the converter sent (the feedback turns in particular). Never the internet.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from nsr.errors import ConfigError
from nsr.prototypes.llm.client import ChatClient, ChatConfig, api_key_from_env
from nsr.prototypes.llm.errors import LlmError, LlmUnreachable

Responder = Callable[[list[dict[str, str]], dict[str, Any]], "str | tuple[int, str]"]


@dataclass
class FakeLlm:
    url: str
    responder: Responder
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def conversations(self, problem_marker: str) -> list[list[dict[str, str]]]:
        """The message lists of the requests whose first user turn mentions ``problem_marker``."""
        return [r["messages"] for r in self.requests
                if problem_marker in r["messages"][1]["content"]]


def _handler(fake: FakeLlm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            with fake.lock:
                fake.requests.append(body)
                fake.headers.append(dict(self.headers))
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}))
                return
            if fake.delay:
                time.sleep(fake.delay)
            reply = fake.responder(body["messages"], body)
            if isinstance(reply, tuple):
                self._send(*reply)
                return
            self._send(200, json.dumps({
                "id": "chatcmpl-test", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": reply}}],
            }))

        def _send(self, status: int, text: str) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (the timeout test) must not print a traceback


@contextmanager
def serve(responder: Responder) -> Iterator[FakeLlm]:
    """Run the stand-in server for the duration of the block."""
    fake = FakeLlm("", responder)
    server = _QuietServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def first_user(messages: list[dict[str, str]]) -> str:
    return messages[1]["content"]


def attempt(messages: list[dict[str, str]]) -> int:
    """1 for the first request of a conversation, 2 after one feedback turn, ..."""
    return 1 + sum(m["role"] == "assistant" for m in messages)


# ---------------------------------------------------------------------------------------------
# The client against the stand-in server

HELLO = [{"role": "user", "content": "hello"}]


def closed_port_url() -> str:
    """A loopback URL nothing listens on (the port was just released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_request_shape_and_reply_text() -> None:
    with serve(lambda messages, body: "echo: " + messages[-1]["content"]) as fake:
        client = ChatClient(ChatConfig(fake.url, "m1", api_key="sekret", temperature=0.3,
                                       seed=7))
        assert client.complete(HELLO) == "echo: hello"
    (body,) = fake.requests
    assert body["model"] == "m1" and body["messages"] == HELLO
    assert body["temperature"] == 0.3 and body["seed"] == 7
    assert body["response_format"] == {"type": "json_object"}
    assert fake.headers[0]["Authorization"] == "Bearer sekret"
    assert client.answered


def test_json_mode_off_sends_no_response_format() -> None:
    with serve(lambda messages, body: "ok") as fake:
        ChatClient(ChatConfig(fake.url, "m", json_mode=False)).complete(HELLO)
    assert "response_format" not in fake.requests[0]
    assert "Authorization" not in fake.headers[0]


def test_http_error_is_one_line_with_the_servers_message() -> None:
    reply = (500, json.dumps({"error": {"message": "model overloaded\ntry later"}}))
    with serve(lambda messages, body: reply) as fake, pytest.raises(LlmError) as info:
        ChatClient(ChatConfig(fake.url, "m")).complete(HELLO)
    text = str(info.value)
    assert "HTTP 500" in text and "model overloaded try later" in text and "\n" not in text
    assert not isinstance(info.value, LlmUnreachable)


def test_server_refusing_json_mode_is_asked_again_without_it() -> None:
    def respond(messages, body):
        if "response_format" in body:
            return (400, json.dumps({"error": {"message": "response_format is not supported"}}))
        return "plain " + messages[-1]["content"]

    with serve(respond) as fake:
        client = ChatClient(ChatConfig(fake.url, "m"))
        assert client.complete(HELLO) == "plain hello"
        assert client.complete(HELLO) == "plain hello"
    # refused once, then never sent again
    assert ["response_format" in r for r in fake.requests] == [True, False, False]


def test_other_http_400_is_not_retried() -> None:
    reply = (400, json.dumps({"error": {"message": "context length exceeded"}}))
    with serve(lambda messages, body: reply) as fake, pytest.raises(LlmError, match="context"):
        ChatClient(ChatConfig(fake.url, "m")).complete(HELLO)
    assert len(fake.requests) == 1


def test_wrong_path_is_an_http_404() -> None:
    with serve(lambda messages, body: "x") as fake, pytest.raises(LlmError, match="HTTP 404"):
        ChatClient(ChatConfig(fake.url + "/extra", "m")).complete(HELLO)


def test_not_a_chat_completion_body() -> None:
    with (serve(lambda messages, body: (200, '{"result": 1}')) as fake,
          pytest.raises(LlmError, match=r"choices\[0\]\.message\.content")):
        ChatClient(ChatConfig(fake.url, "m")).complete(HELLO)


def test_read_timeout_is_a_per_item_error() -> None:
    with serve(lambda messages, body: "late") as fake:
        fake.delay = 1.0
        with pytest.raises(LlmError, match="within 0.2 s") as info:
            ChatClient(ChatConfig(fake.url, "m", timeout=0.2)).complete(HELLO)
    assert not isinstance(info.value, LlmUnreachable)


def test_connection_refused_is_unreachable() -> None:
    with pytest.raises(LlmUnreachable, match="connection refused"):
        ChatClient(ChatConfig(closed_port_url(), "m", timeout=5)).complete(HELLO)


@pytest.mark.parametrize("url", ["127.0.0.1:8000/v1", "ftp://host/v1", "http://"])
def test_bad_url_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match="--llm-url"):
        ChatConfig(url, "m")


def test_api_key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NSR_TEST_KEY", "k1")
    monkeypatch.delenv("NSR_TEST_MISSING", raising=False)
    assert api_key_from_env("NSR_TEST_KEY") == "k1"
    assert api_key_from_env(None) is None
    with pytest.raises(ConfigError, match="NSR_TEST_MISSING"):
        api_key_from_env("NSR_TEST_MISSING")
