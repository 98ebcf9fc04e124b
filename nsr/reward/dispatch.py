"""Many concurrent callers, one verifier pool: requests are coalesced into shared batches.

verl's reward loop awaits one ``compute_score`` per sample, TRL runs async reward functions
concurrently, the HTTP server takes one sample per request: dozens of callers that each hold
one or a few items. Handing each its own ``check_many`` costs a thread hop, a selector and a
worker hand-off per sample. The :class:`Dispatcher` queues the requests instead; ``lanes``
threads each take everything queued (up to ``max_batch`` items) and run ONE ``check_many``
over it, so the pool's workers stay busy with no per-caller thread. A checker that streams
verdicts (the :class:`~nsr.verify.Verifier`) hands each one over as its sample finishes, and a
request is answered as soon as its own items are done: a sample that runs to its time limit
delays neither the requests batched with it nor, as the other lanes keep serving, the next
ones.

Callers get a :class:`concurrent.futures.Future`: sync code calls ``.result()``, async code
awaits ``asyncio.wrap_future(...)`` without occupying a thread.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Protocol

from nsr.errors import ConfigError
from nsr.verify import Item, Verdict


class _Checker(Protocol):
    def check_many(self, items: Sequence[Item]) -> list[Verdict]: ...


class Dispatcher:
    """Coalesce concurrent :meth:`submit` calls into ``check_many`` batches on ``checker``."""

    def __init__(self, checker: _Checker, *, lanes: int = 2, max_batch: int = 256) -> None:
        if lanes < 1 or max_batch < 1:
            raise ConfigError("lanes and max_batch must be >= 1")
        self.checker = checker
        self.max_batch = max_batch
        self._pending: deque[tuple[list[Item], Future[list[Verdict]]]] = deque()
        self._ready = threading.Condition()
        self._closed = False
        self._lanes = [
            threading.Thread(target=self._lane, name=f"nsr-reward-lane-{i}", daemon=True)
            for i in range(lanes)
        ]
        for lane in self._lanes:
            lane.start()

    def submit(self, items: Sequence[Item]) -> Future[list[Verdict]]:
        """A future of the verdicts of ``items``, in order."""
        future: Future[list[Verdict]] = Future()
        items = list(items)
        if not items:
            future.set_result([])
            return future
        with self._ready:
            if self._closed:
                raise ConfigError("the reward dispatcher is closed")
            self._pending.append((items, future))
            self._ready.notify()
        return future

    def check_many(self, items: Sequence[Item]) -> list[Verdict]:
        """Blocking form of :meth:`submit` (the :class:`~nsr.reward.scoring.Checker` API)."""
        return self.submit(items).result()

    def close(self) -> None:
        """Stop the lanes; requests still queued fail with ConfigError. Idempotent."""
        with self._ready:
            self._closed = True
            left = list(self._pending)
            self._pending.clear()
            self._ready.notify_all()
        for _, future in left:
            future.set_exception(ConfigError("the reward dispatcher was closed"))
        for lane in self._lanes:
            if lane is not threading.current_thread():
                lane.join(timeout=5)

    def _take(self) -> list[tuple[list[Item], Future[list[Verdict]]]] | None:
        """Whole requests from the queue, up to ``max_batch`` items (at least one request)."""
        with self._ready:
            while not self._pending and not self._closed:
                self._ready.wait()
            if self._closed:
                return None
            taken = [self._pending.popleft()]
            size = len(taken[0][0])
            while self._pending and size + len(self._pending[0][0]) <= self.max_batch:
                request = self._pending.popleft()
                taken.append(request)
                size += len(request[0])
            return taken

    def _lane(self) -> None:
        streams = bool(getattr(self.checker, "streams_verdicts", False))
        while True:
            taken = self._take()
            if taken is None:
                return
            live = [(items, f) for items, f in taken if f.set_running_or_notify_cancel()]
            flat = [item for items, _ in live for item in items]
            batch = _Batch(live)
            try:
                if not flat:
                    verdicts: list[Verdict] = []
                elif streams:
                    verdicts = self.checker.check_many(  # type: ignore[call-arg]
                        flat, on_verdict=batch.verdict)
                else:
                    verdicts = self.checker.check_many(flat)
            except BaseException as exc:  # handed to every caller still waiting
                batch.fail(exc)
                continue
            batch.finish(verdicts)


class _Batch:
    """The requests of one lane's batch: each future is resolved as soon as ITS items all
    have verdicts (streamed from the checker), not when the whole batch is done, so a request
    batched with a sample that runs to its time limit is not held up by it."""

    def __init__(self, live: list[tuple[list[Item], Future[list[Verdict]]]]) -> None:
        self.lock = threading.Lock()
        self.owner: list[tuple[int, int]] = []  # flat index -> (request, position)
        self.results: list[list[Verdict | None]] = []
        self.remaining: list[int] = []
        self.futures: list[Future[list[Verdict]]] = []
        for request, (items, future) in enumerate(live):
            self.owner += [(request, k) for k in range(len(items))]
            self.results.append([None] * len(items))
            self.remaining.append(len(items))
            self.futures.append(future)

    def verdict(self, index: int, verdict: Verdict) -> None:
        request, position = self.owner[index]
        with self.lock:
            if self.results[request][position] is not None or self.remaining[request] == 0:
                return
            self.results[request][position] = verdict
            self.remaining[request] -= 1
            done = self.remaining[request] == 0
        if done:
            self.futures[request].set_result(list(self.results[request]))  # type: ignore[arg-type]

    def finish(self, verdicts: list[Verdict]) -> None:
        """The batch's final verdicts: resolve whatever streaming did not."""
        for index, verdict in enumerate(verdicts):
            self.verdict(index, verdict)

    def fail(self, exc: BaseException) -> None:
        with self.lock:
            pending = [f for f, left in zip(self.futures, self.remaining, strict=True) if left]
            self.remaining = [0] * len(self.remaining)
        for future in pending:
            future.set_exception(exc)
