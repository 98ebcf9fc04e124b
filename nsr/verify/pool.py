"""A pool of long-lived worker processes that answer one JSON line per request.

Why processes and not threads or an in-process engine: a sample may loop in C, exhaust memory
or kill its interpreter; only a separate process can be killed and replaced without touching
the caller. Why long-lived: starting ``swipl`` costs ~40 ms, a round trip to a running worker
~0.3 ms.

The pool is engine-agnostic: a :class:`WorkerSpec` says how to start a worker; a request is
bytes; the reply is one JSON line. :meth:`WorkerPool.run` drives a batch from one thread with
``selectors``: it hands jobs to idle workers, waits for replies, and is its own watchdog: a
worker whose reply is later than the job's deadline is killed (its whole process group) and
respawned, and the job gets a ``killed`` result. Several threads may call ``run`` at once; each
takes the workers it uses out of a shared queue, so no worker ever serves two callers.

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


class _Worker:
    """One worker process and its read buffer."""

    def __init__(self, spec: WorkerSpec, workdir: Path, index: int) -> None:
        self.spec = spec
        self.index = index
        self.workdir = workdir
        self.log_path = workdir / "logs" / f"{spec.name}-{index}.err"
        self.proc: subprocess.Popen[bytes] | None = None
        self.buffer = b""
        self.ready = False
        self.jobs_done = 0
        self.started = 0.0
        self.start_failures = 0

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
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=self.workdir / "cwd",
                env=env,
                bufsize=0,
                close_fds=True,
                start_new_session=True,
            )
        self.buffer = b""
        self.ready = False
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

    def send(self, payload: bytes) -> None:
        """Write the whole request (blocking; raises OSError if the worker is gone)."""
        if self.proc is None or self.proc.stdin is None:
            raise BrokenPipeError("worker not running")
        view = memoryview(payload)
        while view:
            written = self.proc.stdin.write(view)
            if written is None:  # pragma: no cover - only for non-blocking pipes
                continue
            view = view[written:]

    def read_lines(self) -> list[bytes] | None:
        """Lines now available; None at end of file (the worker died)."""
        try:
            chunk = os.read(self.fd, 1 << 16)
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


class _Results:
    """A batch's results in job order; each one also goes to ``on_result`` when it is set."""

    def __init__(self, size: int, on_result: Callable[[int, JobResult], None] | None) -> None:
        self.items: list[JobResult | None] = [None] * size
        self.on_result = on_result

    def __setitem__(self, index: int, result: JobResult) -> None:
        self.items[index] = result
        if self.on_result is not None:
            try:
                self.on_result(index, result)
            except Exception:  # a caller's callback must never break the pool's loop
                log.exception("verifier pool: on_result callback failed")

    def final(self) -> list[JobResult]:
        lost = JobResult(None, "crashed", 0.0, "lost")
        return [r if r is not None else lost for r in self.items]


class WorkerPool:
    """``size`` workers of one :class:`WorkerSpec`; see the module docstring."""

    def __init__(self, spec: WorkerSpec, size: int, workdir: Path) -> None:
        self.spec = spec
        self.size = size
        # Idle workers, handed out first come, first served: a thread that just gave its
        # workers back queues behind the threads already waiting (no starved batch).
        self._idle: deque[_Worker] = deque()
        self._turns: deque[object] = deque()
        self._handout = threading.Condition()
        self._all: list[_Worker] = []
        self._closed = False
        self._lock = threading.Lock()
        (workdir / "cwd").mkdir(parents=True, exist_ok=True)
        (workdir / "logs").mkdir(parents=True, exist_ok=True)
        for index in range(size):
            worker = _Worker(spec, workdir, index)
            worker.spawn()
            self._all.append(worker)
            self._idle.append(worker)

    # -- public -------------------------------------------------------------------------------

    def run(
        self, jobs: Sequence[Job], on_result: Callable[[int, JobResult], None] | None = None
    ) -> list[JobResult]:
        """Run ``jobs`` over as many workers as are free (at least one); results keep order.

        ``on_result(index, result)`` is called as each job finishes (from this thread), so a
        caller can hand fast results on while a slow job of the same batch still runs.
        """
        if self._closed:
            raise EngineError(f"the {self.spec.name} worker pool is closed")
        if not jobs:
            return []
        workers = self._acquire(min(len(jobs), self.size))
        try:
            return self._drive(jobs, workers, on_result)
        finally:
            for worker in workers:
                self._release(worker)

    def close(self) -> None:
        """Kill every worker. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        for worker in self._all:
            if worker.proc is not None and worker.proc.stdin is not None:
                with contextlib.suppress(OSError):
                    worker.proc.stdin.close()
        for worker in self._all:
            worker.kill()
        with self._handout:
            self._handout.notify_all()  # threads waiting for a worker learn it is closed

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        return [w.proc.pid for w in self._all if w.proc is not None]

    # -- internals ----------------------------------------------------------------------------

    def _acquire(self, wanted: int) -> list[_Worker]:
        """At least one worker (blocking, in arrival order), at most ``wanted``; ready ones
        first, so a small batch does not wait for a worker that is still restarting while
        another is free."""
        turn = object()
        with self._handout:
            self._turns.append(turn)
            while self._turns[0] is not turn or not self._idle:
                if self._closed:
                    self._turns.remove(turn)
                    self._handout.notify_all()
                    raise EngineError(f"the {self.spec.name} worker pool is closed")
                self._handout.wait()
            self._turns.popleft()
            available = sorted(self._idle, key=lambda w: not w.ready)
            taken = available[:wanted]
            for worker in taken:
                self._idle.remove(worker)
            self._handout.notify_all()  # the next in line may take what is left
            return taken

    def _release(self, worker: _Worker) -> None:
        if self._closed:
            worker.kill()
            return
        with self._handout:
            self._idle.append(worker)
            self._handout.notify_all()

    def _respawn(self, worker: _Worker, sel: selectors.BaseSelector) -> None:
        with contextlib.suppress(KeyError, ValueError):
            sel.unregister(worker.fd)
        worker.kill()
        worker.spawn()
        sel.register(worker.fd, selectors.EVENT_READ, worker)

    def _startup_failed(self, worker: _Worker, sel: selectors.BaseSelector, why: str) -> None:
        worker.start_failures += 1
        if worker.start_failures >= START_FAILURES_ALLOWED:
            tail = worker.log_tail()
            with contextlib.suppress(KeyError, ValueError):
                sel.unregister(worker.fd)
            worker.kill()
            worker.spawn()  # leave a (possibly failing) process so the pool stays consistent
            raise EngineError(
                f"{self.spec.name} worker cannot start ({why}); command: "
                f"{shlex.join(self.spec.argv)}" + (f"; stderr: {tail}" if tail else "")
            )
        self._respawn(worker, sel)

    def _drive(
        self,
        jobs: Sequence[Job],
        workers: list[_Worker],
        on_result: Callable[[int, JobResult], None] | None,
    ) -> list[JobResult]:
        busy: dict[_Worker, tuple[int, float, float]] = {}  # worker -> (job, start, deadline)
        try:
            return self._drive_loop(jobs, workers, busy, on_result)
        except BaseException:
            # Interrupted (KeyboardInterrupt, a worker that cannot start): a worker still busy
            # would answer its abandoned job later, so replace it before anyone reuses it.
            for worker in busy:
                worker.kill()
                if not self._closed:
                    worker.spawn()
            raise

    def _drive_loop(
        self,
        jobs: Sequence[Job],
        workers: list[_Worker],
        busy: dict[_Worker, tuple[int, float, float]],
        on_result: Callable[[int, JobResult], None] | None = None,
    ) -> list[JobResult]:
        results = _Results(len(jobs), on_result)
        todo: deque[int] = deque(range(len(jobs)))
        attempts = [0] * len(jobs)
        with selectors.DefaultSelector() as sel:
            for worker in workers:
                if worker.proc is None or worker.proc.poll() is not None:
                    worker.kill()
                    worker.spawn()
                sel.register(worker.fd, selectors.EVENT_READ, worker)
            while todo or busy:
                for worker in workers:
                    if not todo or worker in busy or not worker.ready:
                        continue
                    index = todo.popleft()
                    start = time.monotonic()
                    try:
                        worker.send(jobs[index].payload)
                    except OSError:
                        # Died while idle (or mid-write): not the job's fault, retry it once.
                        attempts[index] += 1
                        if attempts[index] > 1:
                            results[index] = JobResult(
                                None, "crashed", 0.0, "worker died while receiving the job"
                            )
                        else:
                            todo.appendleft(index)
                        self._respawn(worker, sel)
                        continue
                    busy[worker] = (index, start, start + jobs[index].deadline)
                now = time.monotonic()
                limits = [deadline for _, _, deadline in busy.values()]
                limits += [
                    w.started + self.spec.startup_timeout for w in workers if not w.ready
                ]
                timeout = max(0.0, min(limits) - now) if limits else None
                for key, _ in sel.select(timeout):
                    worker = key.data
                    lines = worker.read_lines()
                    if lines is None:  # end of file: the worker died
                        if worker in busy:
                            index, start, _ = busy.pop(worker)
                            tail = worker.log_tail(200)
                            results[index] = JobResult(
                                None,
                                "crashed",
                                time.monotonic() - start,
                                "worker process died" + (f": {tail}" if tail else ""),
                            )
                            self._respawn(worker, sel)
                        elif worker.ready:  # died while idle
                            self._respawn(worker, sel)
                        else:
                            self._startup_failed(worker, sel, "it exited during start-up")
                        continue
                    for line in lines:
                        if not worker.ready:
                            if line.strip() == READY:
                                worker.ready = True
                                worker.start_failures = 0
                            continue
                        if worker not in busy:
                            continue  # stray output; the protocol never sends any
                        index, start, _ = busy[worker]
                        seconds = time.monotonic() - start
                        try:
                            reply = json.loads(line)
                        except ValueError:
                            del busy[worker]
                            results[index] = JobResult(None, "crashed", seconds, "garbled reply")
                            self._respawn(worker, sel)
                            break
                        if not isinstance(reply, dict) or reply.get("id") != jobs[index].token:
                            continue  # a stale reply to an abandoned job
                        del busy[worker]
                        results[index] = JobResult(reply, None, seconds)
                        worker.jobs_done += 1
                        if worker.jobs_done >= self.spec.max_jobs:
                            self._respawn(worker, sel)
                            break
                now = time.monotonic()
                for worker, (index, start, deadline) in list(busy.items()):
                    if now >= deadline:
                        del busy[worker]
                        results[index] = JobResult(
                            None,
                            "killed",
                            now - start,
                            f"no reply after {now - start:.2f} s: worker killed and restarted",
                        )
                        self._respawn(worker, sel)
                for worker in workers:
                    if not worker.ready and now >= worker.started + self.spec.startup_timeout:
                        self._startup_failed(worker, sel, "no ready signal in time")
            for worker in workers:
                with contextlib.suppress(KeyError, ValueError):
                    sel.unregister(worker.fd)
        return results.final()
