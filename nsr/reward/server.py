"""The reward server: a plain ASGI app (:mod:`nsr.reward.asgi`) in front of a verifier, run
by uvicorn (with httptools and uvloop).

Endpoints::

    POST /get_reward   OpenRLHF's protocol: {"query": [...], "prompts": [...], "labels": [...]}
                       -> {"rewards": [...], "scores": [...], "extra_logs": {...}, "reasons": [...]}
    POST /score        {"completions": [...], "ground_truths": [...], "extract": true,
                        "mode": "answer" | "program"}
                       -> {"scores": [float | null], "verdicts": [{score, reason, ...} | null]}
    GET  /health       {"status": "ok"} (503 {"status": "draining"} while shutting down)
    GET  /metrics      request and sample counts, latency percentiles, verdict reasons

Why the shape: verification blocks (it waits on worker processes), so a request's items go to
a :class:`~nsr.reward.dispatch.Dispatcher` that puts them in the verifier pool's shared queue,
and the handler awaits them: the event loop keeps answering and no thread is held per request
(OpenRLHF sends one sample per request, so this is what makes many small requests cheap). A
request larger than ``max_body_bytes`` is refused with 413 before it is read; a malformed one
gets a 4xx JSON error naming the problem; a request slower than ``deadline`` gets 504 (its
samples finish in the background, bounded by the verifier's own time limit); on shutdown
uvicorn stops accepting, in-flight requests drain, the dispatcher stops, then the workers are
closed. Every request is logged as one JSON line (logger ``nsr.reward.server``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from nsr.errors import ConfigError
from nsr.reward.dispatch import Dispatcher
from nsr.reward.scoring import BATCH_ITEMS, Checker

log = logging.getLogger("nsr.reward.server")

LATENCY_WINDOW = 10_000  # latencies kept per endpoint for the percentiles


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Limits of the server (the verifier has its own per-sample limits)."""

    max_body_bytes: int = 16 * 1024 * 1024
    deadline: float = 60.0  # seconds per request
    max_batch: int = 4096  # samples per request
    threads: int = 32  # threads preparing large requests at once
    lanes: int = 4  # batches checked at once, for checkers without a pool queue (Ray)

    def __post_init__(self) -> None:
        if (self.max_body_bytes < 1 or self.deadline <= 0 or self.max_batch < 1
                or self.threads < 1 or self.lanes < 1):
            raise ConfigError(
                "max_body_bytes, max_batch, threads and lanes must be >= 1 and deadline > 0"
            )


class Metrics:
    """Counters and latency windows, updated from the event loop and read by ``/metrics``."""

    def __init__(self) -> None:
        self.started = time.time()
        self.requests: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        self.samples = 0
        self.reasons: Counter[str] = Counter()
        self.latency: dict[str, deque[float]] = {}
        self.in_flight = 0
        self._lock = threading.Lock()

    def record(self, path: str, status: int, seconds: float, reasons: Sequence[str]) -> None:
        with self._lock:
            self.requests[path] += 1
            self.statuses[str(status)] += 1
            self.samples += len(reasons)
            self.reasons.update(reasons)
            window = self.latency.setdefault(path, deque(maxlen=LATENCY_WINDOW))
            window.append(seconds)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            latency = {path: _percentiles(list(w)) for path, w in self.latency.items()}
            return {
                "uptime_seconds": round(time.time() - self.started, 3),
                "requests": dict(self.requests),
                "statuses": dict(self.statuses),
                "samples": self.samples,
                "in_flight": self.in_flight,
                "reasons": dict(self.reasons),
                "latency_ms": latency,
            }


def create_app(
    checker: Checker,
    config: ServerConfig | None = None,
    *,
    on_shutdown: Callable[[], None] | None = None,
) -> Any:
    """The ASGI app scoring with ``checker`` (:class:`~nsr.reward.asgi.RewardApp`);
    ``on_shutdown`` runs after the last request (close the verifier there)."""
    from nsr.reward.asgi import RewardApp

    config = config or ServerConfig()
    dispatcher = Dispatcher(checker, lanes=config.lanes, max_batch=BATCH_ITEMS)
    return RewardApp(dispatcher, config, Metrics(), on_shutdown)


class RewardServer:
    """uvicorn serving an app on ``host:port`` (``port=0``: an ephemeral port, see ``.port``).

    :meth:`run` serves in the calling thread until SIGINT/SIGTERM (the CLI); :meth:`start` /
    :meth:`stop` serve from a background thread (tests, benchmarks). Either way, stopping lets
    in-flight requests finish (up to ``drain_seconds``) before the app's shutdown closes the
    workers.
    """

    def __init__(
        self, app: Any, host: str = "127.0.0.1", port: int = 0, *, drain_seconds: float = 30.0
    ) -> None:
        import uvicorn

        self._socket = socket.socket(
            socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM
        )
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind((host, port))
        except OSError as exc:
            self._socket.close()
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        # Listen now, not when uvicorn gets to it: the URL is announced (and clients connect)
        # as soon as this returns; early connections wait in the backlog instead of failing.
        self._socket.listen(1024)
        self.host = host
        self.port = int(self._socket.getsockname()[1])
        config = uvicorn.Config(
            app,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=drain_seconds,
            backlog=1024,
            lifespan="on",
        )
        self._server = uvicorn.Server(config)
        # uvicorn re-raises a caught SIGTERM/SIGINT once it has shut down, so the process would
        # die by the signal (exit 143) after a clean drain; ours only asks it to stop.
        self._server.capture_signals = self._capture_signals  # type: ignore[method-assign]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def run(self) -> None:
        """Serve until SIGINT/SIGTERM asks to stop; returns (exit 0) after a clean drain."""
        self._server.run(sockets=[self._socket])

    @contextlib.contextmanager
    def _capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        server = self._server

        def stop(sig: int, frame: object) -> None:
            if server.should_exit and sig == signal.SIGINT:
                server.force_exit = True  # a second Ctrl-C: stop waiting for the drain
            server.should_exit = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def start(self, timeout: float = 30.0) -> RewardServer:
        """Serve from a daemon thread; returns once the server accepts connections."""
        self._thread = threading.Thread(target=self._serve_quietly, name="nsr-reward-server")
        self._thread.daemon = True
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ConfigError(f"the reward server did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 60.0) -> bool:
        """Ask the server to drain and stop; True if it stopped within ``timeout``."""
        self._server.should_exit = True
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _serve_quietly(self) -> None:
        import asyncio

        # uvicorn installs no signal handlers outside the main thread: stop() ends this mode.
        asyncio.run(self._server.serve(sockets=[self._socket]))


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_json_logging(level: int = logging.INFO) -> None:
    """Send ``nsr.*`` and uvicorn's error log to stderr as JSON lines (the CLI calls this)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter())
    for name in ("nsr", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)

    return {"p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": round(ordered[-1] * 1000, 3)}
