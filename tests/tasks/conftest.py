"""Fixtures for task tests: a small generated HINT set and a local HTTP mirror (127.0.0.1 only)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nsr.tasks.hint.generate import HintConfig, generate

SMALL_HINT = HintConfig(seed=7, train_size=3000, test_per_op=30)


@pytest.fixture(scope="session")
def hint_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small HINT dataset generated once per session."""
    out = tmp_path_factory.mktemp("hint") / "seed-7"
    generate(SMALL_HINT, out)
    return out


@dataclass
class Mirror:
    """State of the local server: files it serves and how it misbehaves."""

    files: dict[str, bytes]
    #: Paths whose next response is cut after half of its body (one time each).
    cut_once: set[str] = field(default_factory=set)
    #: Paths served with flipped bytes (checksum mismatch).
    corrupt: set[str] = field(default_factory=set)
    #: Whether Range requests are honoured.
    ranges: bool = True
    #: (path, Range header or None) of every request.
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    url: str = ""


def _handler(mirror: Mirror) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path.lstrip("/")
            rng = self.headers.get("Range")
            mirror.requests.append((path, rng))
            data = mirror.files.get(path)
            if data is None:
                self.send_error(404, "not found")
                return
            if path in mirror.corrupt:
                data = bytes(b ^ 0xFF for b in data)
            start = 0
            if rng and mirror.ranges:
                start = int(rng.removeprefix("bytes=").split("-")[0])
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            body = data[start:]
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if path in mirror.cut_once:
                mirror.cut_once.discard(path)
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    """An HTTP server on 127.0.0.1 (random port) serving ``mirror.files``."""
    state = Mirror(files={})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused: "offline")."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
