"""The reward server: an ASGI app (Starlette) in front of a verifier, run by uvicorn.

Endpoints::

    POST /get_reward   OpenRLHF's protocol: {"query": [...], "prompts": [...], "labels": [...]}
                       -> {"rewards": [...], "scores": [...], "extra_logs": {...}, "reasons": [...]}
    POST /score        {"completions": [...], "ground_truths": [...], "extract": true,
                        "mode": "answer" | "program"}
                       -> {"scores": [float | null], "verdicts": [{score, reason, ...} | null]}
    GET  /health       {"status": "ok"} (503 {"status": "draining"} while shutting down)
    GET  /metrics      request and sample counts, latency percentiles, verdict reasons

Why the shape: verification blocks (it waits on worker processes), so a request's items are
handed to a :class:`~nsr.reward.dispatch.Dispatcher` that coalesces concurrent requests into
shared batches on ``lanes`` threads, and the handler awaits its future: the event loop keeps
answering and no thread is held per request (OpenRLHF sends one sample per request, so this is
what makes many small requests cheap). A request larger than ``max_body_bytes`` is refused with
413 before it is read; a malformed one gets a 4xx JSON error naming the problem; a request
slower than ``deadline`` gets 504 (its batch finishes in the background, bounded by the
verifier's own time limit); on shutdown uvicorn stops accepting, in-flight requests drain, the
dispatcher stops, then the workers are closed.
Every request is logged as one JSON line (logger ``nsr.reward.server``).
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
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from nsr.errors import ConfigError, EngineError, NsrError
from nsr.reward.dispatch import Dispatcher
from nsr.reward.openrlhf import checked_responses, reward_body
from nsr.reward.scoring import BATCH_ITEMS, Checker, fill_verdicts, prepare_batch
from nsr.verify import Item, Verdict

log = logging.getLogger("nsr.reward.server")

LATENCY_WINDOW = 10_000  # latencies kept per endpoint for the percentiles
INLINE_SAMPLES = 16  # requests up to this size are prepared on the event loop


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Limits of the server (the verifier has its own per-sample limits)."""

    max_body_bytes: int = 16 * 1024 * 1024
    deadline: float = 60.0  # seconds per request
    max_batch: int = 4096  # samples per request
    threads: int = 32  # threads preparing large requests at once
    lanes: int = 4  # batches checked at once (a hostile batch holds up only its own lane)

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
    """The Starlette app scoring with ``checker``; ``on_shutdown`` runs after the last request
    (close the verifier there)."""
    import anyio
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    config = config or ServerConfig()
    metrics = Metrics()
    state = {"draining": False}
    limiter = anyio.CapacityLimiter(config.threads)
    dispatcher = Dispatcher(checker, lanes=config.lanes, max_batch=BATCH_ITEMS)

    async def read_json(request: Request) -> Any:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > config.max_body_bytes:
            raise _HttpError(413, f"request body over {config.max_body_bytes} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > config.max_body_bytes:
                raise _HttpError(413, f"request body over {config.max_body_bytes} bytes")
        try:
            return json.loads(body)
        except RecursionError:
            raise _HttpError(400, "the body is nested too deeply") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise _HttpError(400, f"the body is not valid JSON: {exc}") from None

    async def scored(
        completions: list[Any], truths: list[Any], extract: bool, mode: Any
    ) -> list[Verdict | None]:
        """Verdicts for one request: small requests are prepared on the loop, large ones in a
        thread; the items then join the dispatcher's next batch (awaited, no thread held)."""

        def prepare() -> tuple[list[Verdict | None], list[tuple[int, Item]]]:
            return prepare_batch(completions, truths, extract, mode)

        try:
            with anyio.fail_after(config.deadline):
                if len(completions) <= INLINE_SAMPLES:
                    verdicts, pending = prepare()
                else:
                    verdicts, pending = await anyio.to_thread.run_sync(
                        prepare, limiter=limiter, abandon_on_cancel=True)
                if pending:
                    checked = await dispatcher.check_async([item for _, item in pending])
                    fill_verdicts(verdicts, pending, checked)
                return verdicts
        except TimeoutError:
            raise _HttpError(504, f"verification took longer than {config.deadline} s") from None

    def handler(
        path: str, compute: Callable[[Any], Awaitable[dict[str, Any]]]
    ) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> JSONResponse:
            began = time.perf_counter()
            metrics.in_flight += 1
            status, reasons = 200, []
            try:
                if state["draining"]:
                    raise _HttpError(503, "the server is shutting down")
                payload = await read_json(request)
                body = await compute(payload)
                reasons = body.get("reasons") or [
                    v["reason"] for v in body.get("verdicts", []) if v is not None
                ]
                response = JSONResponse(body)
            except _HttpError as exc:
                status = exc.status
                response = JSONResponse({"error": exc.message, "status": status}, status)
            except EngineError as exc:  # the verifier cannot run: not the request's fault
                status = 503
                log.error("reward server: %s: %s", path, exc)
                response = JSONResponse({"error": str(exc), "status": status}, status)
            except (NsrError, RecursionError) as exc:
                status = 400
                message = "the body is nested too deeply" if isinstance(
                    exc, RecursionError) else str(exc)
                response = JSONResponse({"error": message, "status": status}, status)
            except Exception as exc:  # an engine failure: answer, log, keep serving
                status = 500
                log.exception("reward server: %s failed", path)
                response = JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status)
            finally:
                metrics.in_flight -= 1
            seconds = time.perf_counter() - began
            metrics.record(path, status, seconds, reasons)
            log.info(
                "request",
                extra={
                    "fields": {
                        "path": path,
                        "status": status,
                        "ms": round(seconds * 1000, 3),
                        "samples": len(reasons),
                    }
                },
            )
            return response

        return endpoint

    async def get_reward(payload: Any) -> dict[str, Any]:
        data = _object(payload)
        queries = _list(data, "query")
        prompts = _list(data, "prompts", default=[])
        if data.get("labels") is None:
            raise ConfigError(
                "the body lacks 'labels' (one prototype record per query); OpenRLHF sends "
                "them with --data.label_key record"
            )
        labels = _list(data, "labels")
        _batch_size(len(queries), config)
        responses = checked_responses(queries, prompts, labels)
        mode = data.get("mode", "answer")
        return reward_body(await scored(responses, labels, True, mode))

    async def score(payload: Any) -> dict[str, Any]:
        data = _object(payload)
        completions = _list(data, "completions")
        truths = _list(data, "ground_truths")
        _batch_size(len(completions), config)
        for index, completion in enumerate(completions):
            if not isinstance(completion, str | list | dict) and completion is not None:
                raise ConfigError(
                    f"completions[{index}] must be text or chat messages, "
                    f"got {type(completion).__name__}"
                )
        extract = data.get("extract", True)
        if not isinstance(extract, bool):
            raise ConfigError("'extract' must be true or false")
        verdicts = await scored(completions, truths, extract, data.get("mode", "answer"))
        return {
            "scores": [None if v is None else v.score for v in verdicts],
            "verdicts": [None if v is None else v.to_dict() for v in verdicts],
        }

    async def health(request: Request) -> JSONResponse:
        if state["draining"]:
            return JSONResponse({"status": "draining"}, 503)
        return JSONResponse({"status": "ok", "in_flight": metrics.in_flight})

    async def metrics_endpoint(request: Request) -> JSONResponse:
        return JSONResponse(metrics.snapshot())

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        log.info("started", extra={"fields": {"event": "startup"}})
        try:
            yield
        finally:
            state["draining"] = True
            await anyio.to_thread.run_sync(dispatcher.close)
            if on_shutdown is not None:
                await anyio.to_thread.run_sync(on_shutdown)
            log.info("stopped", extra={"fields": {"event": "shutdown", **metrics.snapshot()}})

    app = Starlette(
        routes=[
            Route("/get_reward", handler("/get_reward", get_reward), methods=["POST"]),
            Route("/score", handler("/score", score), methods=["POST"]),
            Route("/health", health, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    return app


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


class _HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ConfigError(f"the body must be a JSON object, got {type(payload).__name__}")
    return payload


def _list(data: dict[str, Any], key: str, default: list[Any] | None = None) -> list[Any]:
    value = data.get(key, default)
    if value is None:
        raise ConfigError(f"the body lacks {key!r} (a list)")
    if not isinstance(value, list):
        raise ConfigError(f"{key!r} must be a list, got {type(value).__name__}")
    return value


def _batch_size(size: int, config: ServerConfig) -> None:
    if size > config.max_batch:
        raise _HttpError(413, f"{size} samples in one request; the limit is {config.max_batch}")


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)

    return {"p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": round(ordered[-1] * 1000, 3)}
