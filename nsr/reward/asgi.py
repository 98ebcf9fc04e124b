"""The reward server's ASGI application: four routes, JSON in and out, nothing in between.

Why plain ASGI and not a framework: OpenRLHF sends one sample per request, so what a request
costs around the verification is what limits the server. Measured on the reference machine, a
Starlette route (middleware stack, Request, JSONResponse, an anyio cancel scope per request)
cost about as much as verifying the sample; this app reads the body, routes on the path, and
sends two messages. Behaviour is the same as before: see :mod:`nsr.reward.server` for the
endpoints, limits and error statuses.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

from nsr.errors import ConfigError, EngineError, NsrError
from nsr.reward.dispatch import Dispatcher
from nsr.reward.openrlhf import checked_responses, reward_body
from nsr.reward.scoring import fill_verdicts, prepare_batch
from nsr.verify import Verdict

log = logging.getLogger("nsr.reward.server")

INLINE_SAMPLES = 16  # requests up to this size are prepared on the event loop
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
_JSON_HEADERS = [(b"content-type", b"application/json")]


class HttpError(Exception):
    """An answer with this status and message (a JSON error body)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class RewardApp:
    """The ASGI app of :func:`nsr.reward.server.create_app` (see there)."""

    def __init__(self, dispatcher: Dispatcher, config: Any, metrics: Any,
                 on_shutdown: Callable[[], None] | None) -> None:
        self.dispatcher = dispatcher
        self.config = config
        self.metrics = metrics
        self.on_shutdown = on_shutdown
        self.draining = False
        self.state = SimpleNamespace(metrics=metrics)
        self._executor: ThreadPoolExecutor | None = None
        self._posts: dict[str, Callable[[Any], Awaitable[dict[str, Any]]]] = {
            "/get_reward": self._get_reward,
            "/score": self._score,
        }

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    # -- HTTP -------------------------------------------------------------------------------

    async def _http(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        path, method = scope["path"], scope["method"]
        post = self._posts.get(path)
        if post is not None:
            if method != "POST":
                await _send_json(send, 405, {"error": "use POST", "status": 405},
                                 [(b"allow", b"POST")])
                return
            await self._post(path, post, scope, receive, send)
        elif path in ("/health", "/metrics"):
            if method not in ("GET", "HEAD"):
                await _send_json(send, 405, {"error": "use GET", "status": 405},
                                 [(b"allow", b"GET")])
            elif path == "/metrics":
                await _send_json(send, 200, self.metrics.snapshot())
            elif self.draining:
                await _send_json(send, 503, {"status": "draining"})
            else:
                await _send_json(send, 200, {"status": "ok",
                                             "in_flight": self.metrics.in_flight})
        else:
            await _send_json(send, 404, {"error": f"no such endpoint: {path}", "status": 404})

    async def _post(self, path: str, compute: Callable[[Any], Awaitable[dict[str, Any]]],
                    scope: dict[str, Any], receive: Receive, send: Send) -> None:
        began = time.perf_counter()
        metrics = self.metrics
        metrics.in_flight += 1
        status, reasons = 200, []
        try:
            if self.draining:
                raise HttpError(503, "the server is shutting down")
            payload = await self._read_json(scope, receive)
            body = await compute(payload)
            reasons = body.get("reasons") or [
                v["reason"] for v in body.get("verdicts", []) if v is not None
            ]
        except HttpError as exc:
            status, body = exc.status, {"error": exc.message, "status": exc.status}
        except EngineError as exc:  # the verifier cannot run: not the request's fault
            status, body = 503, {"error": str(exc), "status": 503}
            log.error("reward server: %s: %s", path, exc)
        except (NsrError, RecursionError) as exc:
            message = ("the body is nested too deeply" if isinstance(exc, RecursionError)
                       else str(exc))
            status, body = 400, {"error": message, "status": 400}
        except Exception as exc:  # an engine failure: answer, log, keep serving
            status, body = 500, {"error": f"{type(exc).__name__}: {exc}", "status": 500}
            log.exception("reward server: %s failed", path)
        finally:
            metrics.in_flight -= 1
        await _send_json(send, status, body)
        seconds = time.perf_counter() - began
        metrics.record(path, status, seconds, reasons)
        if log.isEnabledFor(logging.INFO):
            log.info("request", extra={"fields": {
                "path": path, "status": status, "ms": round(seconds * 1000, 3),
                "samples": len(reasons)}})

    async def _read_json(self, scope: dict[str, Any], receive: Receive) -> Any:
        limit = self.config.max_body_bytes
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                raise HttpError(413, f"request body over {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise HttpError(400, "the client went away")
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if size > limit:
                    raise HttpError(413, f"request body over {limit} bytes")
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        try:
            return json.loads(chunks[0] if len(chunks) == 1 else b"".join(chunks))
        except RecursionError:
            raise HttpError(400, "the body is nested too deeply") from None
        except (ValueError, UnicodeDecodeError, IndexError) as exc:
            raise HttpError(400, f"the body is not valid JSON: {exc}") from None

    # -- endpoints ----------------------------------------------------------------------------

    async def _get_reward(self, payload: Any) -> dict[str, Any]:
        data = _object(payload)
        queries = _list(data, "query")
        prompts = _list(data, "prompts", default=[])
        if data.get("labels") is None:
            raise ConfigError(
                "the body lacks 'labels' (one prototype record per query); OpenRLHF sends "
                "them with --data.label_key record"
            )
        labels = _list(data, "labels")
        self._batch_size(len(queries))
        responses = checked_responses(queries, prompts, labels)
        mode = data.get("mode", "answer")
        return reward_body(await self._scored(responses, labels, True, mode))

    async def _score(self, payload: Any) -> dict[str, Any]:
        data = _object(payload)
        completions = _list(data, "completions")
        truths = _list(data, "ground_truths")
        self._batch_size(len(completions))
        for index, completion in enumerate(completions):
            if not isinstance(completion, str | list | dict) and completion is not None:
                raise ConfigError(
                    f"completions[{index}] must be text or chat messages, "
                    f"got {type(completion).__name__}"
                )
        extract = data.get("extract", True)
        if not isinstance(extract, bool):
            raise ConfigError("'extract' must be true or false")
        verdicts = await self._scored(completions, truths, extract, data.get("mode", "answer"))
        return {
            "scores": [None if v is None else v.score for v in verdicts],
            "verdicts": [None if v is None else v.to_dict() for v in verdicts],
        }

    async def _scored(self, completions: list[Any], truths: list[Any], extract: bool,
                      mode: Any) -> list[Verdict | None]:
        """Verdicts for one request: small requests are prepared on the loop, large ones in a
        thread; the items then join the pool's queue (awaited, no thread held), all within
        the request's deadline."""
        deadline = self.config.deadline
        loop = asyncio.get_running_loop()
        expires = loop.time() + deadline
        try:
            if len(completions) <= INLINE_SAMPLES:
                verdicts, pending = prepare_batch(completions, truths, extract, mode)
            else:
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(self.config.threads,
                                                        thread_name_prefix="nsr-reward-prepare")
                verdicts, pending = await asyncio.wait_for(
                    loop.run_in_executor(self._executor, prepare_batch, completions, truths,
                                         extract, mode), deadline)
            if pending:
                checked = await self.dispatcher.check_async(
                    [item for _, item in pending], timeout=max(0.0, expires - loop.time()))
                fill_verdicts(verdicts, pending, checked)
            return verdicts
        except TimeoutError:
            raise HttpError(504, f"verification took longer than {deadline} s") from None

    def _batch_size(self, size: int) -> None:
        if size > self.config.max_batch:
            raise HttpError(413, f"{size} samples in one request; the limit is "
                                 f"{self.config.max_batch}")

    # -- lifespan -----------------------------------------------------------------------------

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                log.info("started", extra={"fields": {"event": "startup"}})
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.draining = True
                await asyncio.to_thread(self.dispatcher.close)
                if self.on_shutdown is not None:
                    await asyncio.to_thread(self.on_shutdown)
                if self._executor is not None:
                    self._executor.shutdown(wait=False, cancel_futures=True)
                log.info("stopped", extra={"fields": {"event": "shutdown",
                                                      **self.metrics.snapshot()}})
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _send_json(send: Send, status: int, body: Any,
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    data = json.dumps(body, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [*_JSON_HEADERS, (b"content-length", str(len(data)).encode()),
                            *(headers or ())]})
    await send({"type": "http.response.body", "body": data})


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
