"""A pool of long-lived worker processes that answer one JSON line per request.

Why processes and not threads or an in-process engine: a sample may loop in C, exhaust memory
or kill its interpreter; only a separate process can be killed and replaced without touching
the caller. Why long-lived: starting ``swipl`` costs ~40 ms, a sample in a running worker
~0.15 ms.

The pool is engine-agnostic: a :class:`WorkerSpec` says how to start a worker; a request is
bytes; the reply is one JSON line. One driver thread per pool owns every worker: callers
:meth:`WorkerPool.submit` jobs (non-blocking) or :meth:`WorkerPool.run` them (blocking), the
jobs of all callers join one queue, and the driver hands them to workers as they free up, reads
the replies and reports each result as it arrives. Why one thread rather than one per caller:
the per-sample cost in the parent is then a write and a read on a pipe, with no worker
hand-off between threads, no selector built per batch and no lock contention, and a slow
sample holds up only the worker it runs in (the queue flows to the others).

Pipelining: a worker may hold ``depth`` requests (one running, the next already in its pipe),
so it never idles while the parent is busy or waiting for the CPU; a request is only queued
behind one that started less than ``PIPELINE_AGE`` ago (a slow, maybe hostile, sample gets
nothing queued behind it). The driver is also the watchdog: a worker whose running job is later
than its deadline is killed (its whole process group) and respawned; that job gets a
``killed`` result, and the jobs queued behind it go back to the front of the queue (not their
fault). A job's time counts from when its worker could start it (sent to an idle worker, or
the previous reply read).

Workers are started with ``subprocess.Popen`` (fork + immediate exec, safe even when the parent
holds a Prolog engine), in a new session, in an empty private directory, under an
address-space limit (``ulimit -v``), with stderr going to a log file the pool reads when a
worker fails to start.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import selectors
import shlex
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nsr.errors import EngineError

log = logging.getLogger("nsr.verify")

READY = b'{"ready":true}'
MAX_REPLY_BYTES = 8 * 1024 * 1024  # a reply longer than this means a broken worker
START_FAILURES_ALLOWED = 3  # consecutive start-up failures before the pool gives up
PIPELINE_DEPTH = 4  # requests a worker may hold at once (running + waiting in its pipe)
PIPELINE_AGE = 0.02  # seconds: never queue behind a job running longer than this

ResultCallback = Callable[[int, "JobResult"], None]
ErrorCallback = Callable[[BaseException], None]


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """How to start one worker: its command, environment and limits."""

    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    memory_limit_mb: int | None = 2048
    startup_timeout: float = 30.0
    max_jobs: int = 100_000  # recycle a worker after this many jobs (memory hygiene)


@dataclass(frozen=True, slots=True)
class Job:
    """One request: its bytes, how long the parent waits for the reply before killing, and the
    token the reply must carry as its ``id`` (a reply with another id is stale and ignored)."""

    payload: bytes
    deadline: float
    token: int


@dataclass(frozen=True, slots=True)
class JobResult:
    """A reply, or why there is none: ``failure`` is ``killed`` or ``crashed``."""

    reply: dict[str, Any] | None
    failure: str | None
    seconds: float
    message: str = ""


class Ticket:
    """The jobs of one :meth:`WorkerPool.submit` call and where their results go.

    Results are reported from the pool's driver thread: ``on_result(index, result)`` as each
    job finishes, ``on_error(exc)`` once if the pool cannot run them (closed, workers that
    cannot start). :meth:`wait` (only for a ``waitable`` ticket) blocks until all are in.
    """

    __slots__ = ("jobs", "results", "left", "on_result", "on_error", "error", "finished",
                 "event", "attempts", "cancelled")

    def __init__(self, jobs: Sequence[Job], on_result: ResultCallback | None,
                 on_error: ErrorCallback | None, waitable: bool = True) -> None:
        self.jobs = jobs
        self.results: list[JobResult | None] = [None] * len(jobs)
        self.left = len(jobs)
        self.on_result = on_result
        self.on_error = on_error
        self.error: BaseException | None = None
        self.finished = not jobs
        # An Event costs a lock and a condition: only callers that block get one.
        self.event = threading.Event() if waitable else None
        self.attempts = [0] * len(jobs)
        self.cancelled = False
        if self.finished and self.event is not None:
            self.event.set()

    def wait(self) -> list[JobResult]:
        """All results in job order (raises the pool's error if it could not run them)."""
        if self.event is None:
            raise EngineError("this ticket reports through its callbacks only")
        try:
            self.event.wait()
        except BaseException:
            self.cancelled = True  # jobs not yet started are dropped
            raise
        if self.error is not None:
            raise self.error
        lost = JobResult(None, "crashed", 0.0, "lost")
        return [r if r is not None else lost for r in self.results]

    @property
    def active(self) -> bool:
        return not (self.cancelled or self.finished)

    def finish(self, index: int, result: JobResult) -> None:
        if self.results[index] is not None or self.finished:
            return
        self.results[index] = result
        self.left -= 1
        if self.on_result is not None:
            try:
                self.on_result(index, result)
            except Exception:  # a caller's callback must never break the pool's loop
                log.exception("verifier pool: on_result callback failed")
        if self.left == 0:
            self._end()

    def fail(self, exc: BaseException) -> None:
        if self.finished:
            return
        self.error = exc
        if self.on_error is not None:
            try:
                self.on_error(exc)
            except Exception:
                log.exception("verifier pool: on_error callback failed")
        self._end()

    def _end(self) -> None:
        self.finished = True
        if self.event is not None:
            self.event.set()


class _Running:
    """A job handed to a worker: running (the worker's first) or waiting in its pipe."""

    __slots__ = ("ticket", "index", "start", "deadline", "sent")

    def __init__(self, ticket: Ticket, index: int, start: float) -> None:
        self.ticket = ticket
        self.index = index
        self.start = start
        self.deadline = start + ticket.jobs[index].deadline
        self.sent = False  # every byte of the request is in the pipe


class _Worker:
    """One worker process, its jobs in flight and its read/write buffers."""

    def __init__(self, spec: WorkerSpec, workdir: Path, index: int) -> None:
        self.spec = spec
        self.index = index
        self.workdir = workdir
        self.log_path = workdir / "logs" / f"{spec.name}-{index}.err"
        self.proc: subprocess.Popen[bytes] | None = None
        self.buffer = b""
        self.out: deque[tuple[_Running, memoryview]] = deque()
        self.inflight: deque[_Running] = deque()
        self.ready = False
        self.jobs_done = 0
        self.started = 0.0
        self.start_failures = 0
        self.down = False  # gave up starting; retried when new work arrives
        self.writing = False  # stdin is registered for EVENT_WRITE (a request is half sent)

    def spawn(self) -> None:
        argv = list(self.spec.argv)
        if self.spec.memory_limit_mb:
            # The shell sets the limit and execs the worker: no preexec_fn in the parent.
            kib = self.spec.memory_limit_mb * 1024
            argv = ["/bin/sh", "-c", f'ulimit -v {kib} && exec "$@"', "sh", *argv]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": str(self.workdir / "cwd"),
            **self.spec.env,
        }
        with open(self.log_path, "wb") as log_file:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log_file,
                cwd=self.workdir / "cwd",
                env=env,
                bufsize=0,
                close_fds=True,
                start_new_session=True,
            )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        # The driver never blocks on a pipe: a full stdin waits for EVENT_WRITE, and a read
        # meant for a worker replaced in the same round finds nothing instead of hanging.
        os.set_blocking(self.proc.stdin.fileno(), False)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.buffer = b""
        self.out.clear()
        self.inflight.clear()
        self.ready = False
        self.down = False
        self.jobs_done = 0
        self.started = time.monotonic()

    @property
    def fd(self) -> int:
        if self.proc is None or self.proc.stdout is None:
            raise EngineError(f"{self.spec.name} worker {self.index} is not running")
        return self.proc.stdout.fileno()

    def kill(self) -> None:
        proc = self.proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        self.proc = None

    def flush(self) -> bool:
        """Write what the pipe takes now; True when nothing is left to write. Raises OSError
        when the worker is gone."""
        assert self.proc is not None and self.proc.stdin is not None
        fd = self.proc.stdin.fileno()
        while self.out:
            if len(self.out) > 1:  # several small requests: one write, one wake-up
                chunks = list(self.out)
                try:
                    written = os.writev(fd, [view for _, view in chunks])
                except BlockingIOError:
                    return False
            else:
                chunks = [self.out[0]]
                try:
                    written = os.write(fd, chunks[0][1])
                except BlockingIOError:
                    return False
            for running, view in chunks:
                if written < len(view):
                    self.out[0] = (running, view[written:])
                    return False
                written -= len(view)
                running.sent = True
                self.out.popleft()
        return True

    def read_lines(self) -> list[bytes] | None:
        """Lines now available; None at end of file (the worker died)."""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return []
        except OSError:
            return None
        if not chunk:
            return None
        self.buffer += chunk
        if b"\n" not in self.buffer:
            if len(self.buffer) > MAX_REPLY_BYTES:
                return None
            return []
        *lines, self.buffer = self.buffer.split(b"\n")
        return lines

    def log_tail(self, limit: int = 400) -> str:
        try:
            text = self.log_path.read_text("utf-8", "replace").strip()
        except OSError:
            return ""
        return text[-limit:]


class WorkerPool:
    """``size`` workers of one :class:`WorkerSpec` and their driver; see the module docstring."""

    def __init__(self, spec: WorkerSpec, size: int, workdir: Path, *,
                 depth: int = PIPELINE_DEPTH) -> None:
        self.spec = spec
        self.size = size
        self.depth = max(1, depth)
        self._lock = threading.Lock()
        self._queue: deque[tuple[Ticket, int]] = deque()  # submitted, not yet seen by the driver
        self._todo: deque[tuple[Ticket, int]] = deque()  # the driver's own queue
        self._closed = False
        self._pid = os.getpid()  # a forked child has the object but not the driver thread
        self._wake_pending = False
        # Set by the driver after each round: a new job could be placed at once. When it is
        # False every worker is busy, a reply (or a deadline) will wake the driver anyway, and
        # a submit need not write to the wake pipe (a syscall and a thread switch saved).
        self._hungry = True
        (workdir / "cwd").mkdir(parents=True, exist_ok=True)
        (workdir / "logs").mkdir(parents=True, exist_ok=True)
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._sel.register(self._wake_r, selectors.EVENT_READ, None)
        self._all: list[_Worker] = []
        try:
            for index in range(size):
                worker = _Worker(spec, workdir, index)
                worker.spawn()
                self._all.append(worker)
                self._sel.register(worker.fd, selectors.EVENT_READ, worker)
        except BaseException:
            for worker in self._all:
                worker.kill()
            self._close_fds()
            raise
        self._thread = threading.Thread(target=self._drive, name=f"nsr-verify-{spec.name}",
                                        daemon=True)
        self._thread.start()

    # -- public -------------------------------------------------------------------------------

    def submit(self, jobs: Sequence[Job], on_result: ResultCallback | None = None,
               on_error: ErrorCallback | None = None, *, waitable: bool = True) -> Ticket:
        """Queue ``jobs`` and return at once; results go to the callbacks (from the driver
        thread) and, for a ``waitable`` ticket, to :meth:`Ticket.wait`."""
        ticket = Ticket(jobs, on_result, on_error, waitable)
        if not jobs:
            return ticket
        if os.getpid() != self._pid:
            raise EngineError(f"this {self.spec.name} worker pool belongs to process "
                              f"{self._pid}; start a Verifier in the child process")
        with self._lock:
            if self._closed:
                raise EngineError(f"the {self.spec.name} worker pool is closed")
            self._queue.extend((ticket, index) for index in range(len(jobs)))
            wake = self._hungry and not self._wake_pending
            if wake:
                self._wake_pending = True
        if wake:
            self._wake()
        return ticket

    def run(self, jobs: Sequence[Job], on_result: ResultCallback | None = None
            ) -> list[JobResult]:
        """Run ``jobs`` over the workers; results keep order. ``on_result(index, result)`` is
        called as each job finishes (from the driver thread), so a caller can hand fast results
        on while a slow job of the same batch still runs."""
        return self.submit(jobs, on_result).wait()

    def close(self) -> None:
        """Kill every worker; jobs not yet finished fail with EngineError. Idempotent. In a
        forked child it does nothing: the workers are the parent's."""
        if os.getpid() != self._pid:
            return
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._wake()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=30)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        return [proc.pid for w in self._all if (proc := w.proc) is not None]

    # -- the driver ---------------------------------------------------------------------------

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wake_w, b"!")

    def _drive(self) -> None:
        error: BaseException = EngineError(f"the {self.spec.name} worker pool is closed")
        try:
            while self._step():
                pass
        except BaseException as exc:  # a bug or a worker that cannot start: fail, do not hang
            log.exception("verifier pool %s: driver stopped", self.spec.name)
            error = exc if isinstance(exc, EngineError) else EngineError(
                f"the {self.spec.name} worker pool stopped: {type(exc).__name__}: {exc}")
            with self._lock:
                self._closed = True
        finally:
            for worker in self._all:
                with contextlib.suppress(Exception):
                    if worker.proc is not None and worker.proc.stdin is not None:
                        worker.proc.stdin.close()
            for worker in self._all:
                worker.kill()
            with self._lock:
                left = list(self._queue)
                self._queue.clear()
            tickets = {id(t): t for t, _ in [*self._todo, *left]}
            for worker in self._all:
                tickets.update((id(r.ticket), r.ticket) for r in worker.inflight)
                worker.inflight.clear()
            self._todo.clear()
            for ticket in tickets.values():
                ticket.fail(error)
            self._close_fds()

    def _close_fds(self) -> None:
        with contextlib.suppress(Exception):
            self._sel.close()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _step(self) -> bool:
        """One round: take new jobs, hand jobs out, wait for replies or a deadline, enforce
        deadlines. False once the pool is closed."""
        with self._lock:
            if self._closed:
                return False
            self._wake_pending = False
            fresh = bool(self._queue)
            if fresh:
                self._todo.extend(self._queue)
                self._queue.clear()
        if fresh:
            for worker in self._all:
                if worker.down:  # new work: give a worker that could not start another try
                    worker.start_failures = 0
                    self._respawn(worker)
        self._assign()
        hungry = not self._todo and (
            self._pick() is not None or any(w.down or w.proc is None for w in self._all))
        with self._lock:
            self._hungry = hungry
            if self._queue:
                timeout: float | None = 0.0  # submitted while we looked: take it now
            else:
                timeout = self._timeout()
        for key, mask in self._sel.select(timeout):
            worker = key.data
            if worker is None:
                with contextlib.suppress(BlockingIOError, OSError):
                    while os.read(self._wake_r, 4096):
                        pass
                continue
            if worker.proc is None:
                continue  # replaced earlier in this round
            if mask & selectors.EVENT_WRITE:
                if worker.writing and worker.proc.stdin is not None \
                        and key.fd == worker.proc.stdin.fileno():
                    self._flush(worker)
            elif key.fd == worker.fd:
                self._read(worker)
        self._enforce(time.monotonic())
        return True

    def _timeout(self) -> float | None:
        limits = [w.inflight[0].deadline for w in self._all if w.inflight]
        limits += [w.started + self.spec.startup_timeout
                   for w in self._all if w.proc is not None and not w.ready]
        if not limits:
            return None
        return max(0.0, min(limits) - time.monotonic())

    def _assign(self) -> None:
        """Hand queued jobs to idle workers first, then pipeline behind young jobs; each
        worker's new requests go out in one write (one wake-up of the worker)."""
        todo = self._todo
        fed: list[_Worker] = []
        while todo:
            ticket, index = todo[0]
            if not ticket.active:
                todo.popleft()
                continue
            worker = self._pick()
            if worker is None:
                break
            todo.popleft()
            running = _Running(ticket, index, time.monotonic())
            worker.inflight.append(running)
            worker.out.append((running, memoryview(ticket.jobs[index].payload)))
            if worker not in fed:
                fed.append(worker)
        for worker in fed:
            if worker.proc is not None:
                self._flush(worker)

    def _pick(self) -> _Worker | None:
        """An idle worker; else (when no worker is still starting, which would soon be idle)
        the busy one with the fewest queued jobs whose running job is youngest."""
        best: _Worker | None = None
        starting = False
        now = time.monotonic()
        for worker in self._all:
            if worker.proc is None or worker.jobs_done >= self.spec.max_jobs:
                continue
            if not worker.ready:
                starting = True
                continue
            load = len(worker.inflight)
            if load == 0:
                return worker
            if load >= self.depth or now - worker.inflight[0].start > PIPELINE_AGE:
                continue
            if best is None or (load, -worker.inflight[0].start) < (
                    len(best.inflight), -best.inflight[0].start):
                best = worker
        return None if starting else best

    def _flush(self, worker: _Worker) -> None:
        try:
            done = worker.flush()
        except OSError:
            self._died(worker)  # the worker is gone: its inflight jobs are dealt with there
            return
        if worker.proc is None or worker.proc.stdin is None:
            return
        fd = worker.proc.stdin.fileno()
        if done and worker.writing:
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(fd)
            worker.writing = False
        elif not done and not worker.writing:
            self._sel.register(fd, selectors.EVENT_WRITE, worker)
            worker.writing = True

    def _read(self, worker: _Worker) -> None:
        lines = worker.read_lines()
        if lines is None:  # end of file: the worker died
            self._died(worker)
            return
        for line in lines:
            if not worker.ready:
                if line.strip() == READY:
                    worker.ready = True
                    worker.start_failures = 0
                continue
            if not worker.inflight:
                continue  # stray output; the protocol never sends any
            head = worker.inflight[0]
            now = time.monotonic()
            try:
                reply = json.loads(line)
            except ValueError:
                worker.inflight.popleft()
                head.ticket.finish(head.index,
                                   JobResult(None, "crashed", now - head.start, "garbled reply"))
                self._requeue(worker)
                self._respawn(worker)
                return
            if not isinstance(reply, dict) or reply.get("id") != head.ticket.jobs[head.index].token:
                continue  # a stale reply to an abandoned job
            worker.inflight.popleft()
            worker.jobs_done += 1
            if worker.inflight:  # the next one starts now
                following = worker.inflight[0]
                following.start = now
                following.deadline = now + following.ticket.jobs[following.index].deadline
            head.ticket.finish(head.index, JobResult(reply, None, now - head.start))
        if worker.jobs_done >= self.spec.max_jobs and not worker.inflight:
            self._respawn(worker)

    def _enforce(self, now: float) -> None:
        """Kill workers whose running job is past its deadline; give up on workers that do
        not start."""
        for worker in self._all:
            if worker.inflight and now >= worker.inflight[0].deadline:
                head = worker.inflight.popleft()
                seconds = now - head.start
                head.ticket.finish(head.index, JobResult(
                    None, "killed", seconds,
                    f"no reply after {seconds:.2f} s: worker killed and restarted"))
                self._requeue(worker)
                self._respawn(worker)
            elif (worker.proc is not None and not worker.ready
                  and now >= worker.started + self.spec.startup_timeout):
                self._startup_failed(worker, "no ready signal in time")

    def _died(self, worker: _Worker) -> None:
        """The worker's process is gone (end of file, or a write that failed)."""
        if worker.inflight:
            head = worker.inflight.popleft()
            if not head.sent:
                # Died while idle (or mid-write): not the job's fault, retry it once.
                head.ticket.attempts[head.index] += 1
                if head.ticket.attempts[head.index] > 1:
                    head.ticket.finish(head.index, JobResult(
                        None, "crashed", 0.0, "worker died while receiving the job"))
                else:
                    worker.inflight.appendleft(head)
            else:
                tail = worker.log_tail(200)
                head.ticket.finish(head.index, JobResult(
                    None, "crashed", time.monotonic() - head.start,
                    "worker process died" + (f": {tail}" if tail else "")))
            self._requeue(worker)
            self._respawn(worker)
        elif worker.ready:  # died while idle
            self._respawn(worker)
        else:
            self._startup_failed(worker, "it exited during start-up")

    def _requeue(self, worker: _Worker) -> None:
        """Jobs waiting behind a lost one go back to the front of the queue, in order."""
        while worker.inflight:
            running = worker.inflight.pop()
            self._todo.appendleft((running.ticket, running.index))
        worker.out.clear()

    def _forget(self, worker: _Worker) -> None:
        """Take the worker's pipes out of the selector (before it is killed)."""
        proc = worker.proc
        if proc is None:
            return
        for stream in (proc.stdout, proc.stdin):
            if stream is not None and not stream.closed:
                with contextlib.suppress(KeyError, ValueError):
                    self._sel.unregister(stream.fileno())
        worker.writing = False

    def _respawn(self, worker: _Worker) -> None:
        self._forget(worker)
        worker.kill()
        worker.spawn()
        self._sel.register(worker.fd, selectors.EVENT_READ, worker)

    def _startup_failed(self, worker: _Worker, why: str) -> None:
        worker.start_failures += 1
        if worker.start_failures < START_FAILURES_ALLOWED:
            self._respawn(worker)
            return
        tail = worker.log_tail()
        self._forget(worker)
        worker.kill()
        worker.down = True
        error = EngineError(
            f"{self.spec.name} worker cannot start ({why}); command: "
            f"{shlex.join(self.spec.argv)}" + (f"; stderr: {tail}" if tail else "")
        )
        log.error("verifier pool: %s", error)
        if all(w.down for w in self._all):  # nobody left to run the queue: fail it
            tickets = {id(t): t for t, _ in self._todo}
            self._todo.clear()
            for ticket in tickets.values():
                ticket.fail(error)
