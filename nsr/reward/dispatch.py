"""Many concurrent callers, one verifier pool: each caller's items join the pool's queue.

verl's reward loop awaits one ``compute_score`` per sample, TRL runs async reward functions
concurrently, the HTTP server takes one sample per request: dozens of callers that each hold
one or a few items. The :class:`Dispatcher` is the one front door for all of them.

With the :class:`~nsr.verify.Verifier` (it has ``submit_many``), a request goes straight into
the verifier's pool queue, which already coalesces every caller's jobs and hands them to
workers as they free up; each verdict comes back from the pool's driver thread and a request
is answered as soon as its own items are done, so a sample that runs to its time limit delays
nobody else's. No thread is held per caller and none sits between the caller and the pool.

Async callers await :meth:`Dispatcher.check_async`: results reach the event loop through one
inbox per loop that wakes it once for everything that finished since it last looked (rather
than once per request), which is what keeps 64 callers cheap when the loop is the bottleneck.

Other checkers (a Ray scorer, test fakes) only have a blocking ``check_many``: ``lanes``
threads each take everything queued (up to ``max_batch`` items) and run one ``check_many``
over it, streaming verdicts when the checker can (``streams_verdicts``).

Callers get a :class:`concurrent.futures.Future` from :meth:`Dispatcher.submit` (sync code
calls ``.result()``) or await :meth:`Dispatcher.check_async`.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Protocol

from nsr.errors import ConfigError
from nsr.verify import Item, Verdict


class _Checker(Protocol):
    def check_many(self, items: Sequence[Item]) -> list[Verdict]: ...


Deliver = Callable[[list[Verdict] | None, BaseException | None], None]


class Dispatcher:
    """The shared front door of ``checker`` for concurrent callers (see the module docstring)."""

    def __init__(self, checker: _Checker, *, lanes: int = 2, max_batch: int = 256) -> None:
        if lanes < 1 or max_batch < 1:
            raise ConfigError("lanes and max_batch must be >= 1")
        self.checker = checker
        self.max_batch = max_batch
        submit_many = getattr(checker, "submit_many", None)
        self._direct = submit_many if callable(submit_many) else None
        self._pending: deque[tuple[list[Item], Future[list[Verdict]]]] = deque()
        self._ready = threading.Condition()
        self._closed = False
        self._inboxes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopInbox] = (
            weakref.WeakKeyDictionary())
        self._inbox_lock = threading.Lock()
        self._lanes = [] if self._direct is not None else [
            threading.Thread(target=self._lane, name=f"nsr-reward-lane-{i}", daemon=True)
            for i in range(lanes)
        ]
        for lane in self._lanes:
            lane.start()

    def submit(self, items: Sequence[Item]) -> Future[list[Verdict]]:
        """A future of the verdicts of ``items``, in order."""
        future: Future[list[Verdict]] = Future()
        future.set_running_or_notify_cancel()

        def deliver(verdicts: list[Verdict] | None, error: BaseException | None) -> None:
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(verdicts or [])

        self._start(list(items), deliver)
        return future

    async def check_async(self, items: Sequence[Item], *,
                          timeout: float | None = None) -> list[Verdict]:
        """The verdicts of ``items``, awaited on the running loop without holding a thread;
        TimeoutError after ``timeout`` seconds (the items still finish in the background)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Verdict]] = loop.create_future()
        inbox = self._inbox(loop)

        def deliver(verdicts: list[Verdict] | None, error: BaseException | None) -> None:
            inbox.put(future, verdicts, error)

        self._start(list(items), deliver)
        if timeout is None:
            return await future
        timer = loop.call_later(timeout, _expire, future)
        try:
            return await future
        finally:
            timer.cancel()

    def _start(self, items: list[Item], deliver: Deliver) -> None:
        """Hand ``items`` on; ``deliver(verdicts, error)`` is called once, from any thread."""
        if self._closed:
            raise ConfigError("the reward dispatcher is closed")
        if not items:
            deliver([], None)
            return
        if self._direct is None:
            future: Future[list[Verdict]] = Future()
            future.add_done_callback(
                lambda f: deliver(None, f.exception()) if f.exception() is not None
                else deliver(f.result(), None))
            with self._ready:
                if self._closed:
                    raise ConfigError("the reward dispatcher is closed")
                self._pending.append((items, future))
                self._ready.notify()
            return
        request = _Request(len(items), deliver)
        try:
            self._direct(items, request.verdict, request.fail)
        except BaseException as exc:  # bad items (ConfigError) or a closed verifier
            request.fail(exc)

    def _inbox(self, loop: asyncio.AbstractEventLoop) -> _LoopInbox:
        inbox = self._inboxes.get(loop)
        if inbox is None:
            with self._inbox_lock:
                inbox = self._inboxes.get(loop)
                if inbox is None:
                    inbox = self._inboxes[loop] = _LoopInbox(loop)
        return inbox

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


def _expire(future: asyncio.Future[list[Verdict]]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


class _Request:
    """One direct request: verdicts arrive one by one (from pool driver threads, or at once
    for items rejected without a worker); the caller is told once, when all are in."""

    __slots__ = ("lock", "results", "left", "deliver")

    def __init__(self, size: int, deliver: Deliver) -> None:
        self.lock = threading.Lock()
        self.results: list[Verdict | None] = [None] * size
        self.left = size
        self.deliver: Deliver | None = deliver

    def verdict(self, index: int, verdict: Verdict) -> None:
        with self.lock:
            if self.deliver is None or self.results[index] is not None:
                return
            self.results[index] = verdict
            self.left -= 1
            if self.left:
                return
            deliver, self.deliver = self.deliver, None
        deliver(self.results, None)  # type: ignore[arg-type]

    def fail(self, exc: BaseException) -> None:
        with self.lock:
            deliver, self.deliver = self.deliver, None
        if deliver is not None:
            deliver(None, exc)


class _LoopInbox:
    """Results for one event loop: the first result since the loop last drained schedules a
    drain (one ``call_soon_threadsafe``, one wake-up); the others just join the list."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.lock = threading.Lock()
        self.items: list[tuple[asyncio.Future[list[Verdict]], list[Verdict] | None,
                               BaseException | None]] = []
        self.armed = False

    def put(self, future: asyncio.Future[list[Verdict]], verdicts: list[Verdict] | None,
            error: BaseException | None) -> None:
        with self.lock:
            self.items.append((future, verdicts, error))
            if self.armed:
                return
            self.armed = True
        try:
            self.loop.call_soon_threadsafe(self.drain)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            with self.lock:
                self.items.clear()
                self.armed = False

    def drain(self) -> None:
        with self.lock:
            items, self.items, self.armed = self.items, [], False
        for future, verdicts, error in items:
            if future.done():  # the caller was cancelled
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(verdicts or [])
