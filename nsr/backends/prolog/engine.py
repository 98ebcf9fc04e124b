"""The in-process SWI-Prolog engine: load programs into modules, run goals under limits.

One SWI-Prolog runtime lives in the process (pyswip starts it on import), so there is one
:class:`PrologEngine`, created lazily by :func:`get_engine`. Every call takes one process-wide
lock and is a single complete Prolog query, so no query is ever left open (pyswip's
``NestedQueryError``) and any Python thread may call in: each thread gets its own Prolog engine,
attached on first use and released when the thread ends.

Trust model: this engine runs trusted code (nsr's own programs, oracles, prototypes). Limits
(time, inferences, stack) protect against runaway programs, not against hostile ones; untrusted
model-written programs belong in nsr.verify's isolated workers.

Fork: SWI-Prolog's timer does not survive ``fork``; worker processes must use the ``spawn`` or
``forkserver`` start method. A forked child that touches the parent's engine gets an error
instead of a hang.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from nsr.backends.prolog.decode import decode_answer, error_from, solutions
from nsr.backends.prolog.errors import (
    PrologError,
    PrologExistenceError,
    PrologInferenceLimit,
    PrologNotInstalled,
    PrologResourceError,
    PrologSyntaxError,
    PrologTimeLimit,
)
from nsr.backends.prolog.terms import Atom, Compound, Term, _float_text, to_text
from nsr.errors import ConfigError, EngineError, ResourceNotFound
from nsr.textfile import read_text

__all__ = ["DEFAULT_STACK_LIMIT", "PrologEngine", "get_engine"]

log = logging.getLogger(__name__)

#: Per-thread stack limit (bytes) unless a call asks for another one. SWI's own default is 1 GB;
#: nsr's programs are small, and a lower cap makes a runaway recursion fail in well under a
#: second instead of eating a gigabyte first.
DEFAULT_STACK_LIMIT = 512 * 1024 * 1024
#: Loading a program runs its directives; this bounds a directive that loops.
DEFAULT_LOAD_TIME_LIMIT = 60.0

_ENGINE_PL = Path(__file__).with_name("nsr_engine.pl")
_HELPER = "nsr_engine"
_RESERVED_MODULES = frozenset({"system", _HELPER, "prolog"})
_NO_MODULE = "$nsr_none"

# One SWI-Prolog runtime per process, hence one lock for every engine object.
_PROLOG_LOCK = threading.RLock()
_engine: PrologEngine | None = None
_engine_lock = threading.Lock()


def get_engine() -> PrologEngine:
    """The process's engine, created on first use (raises PrologNotInstalled without SWI)."""
    global _engine
    engine = _engine
    if engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = PrologEngine()
            engine = _engine
    return engine


class PrologEngine:
    """SWI-Prolog in this process. Use :func:`get_engine` rather than building one."""

    def __init__(self, *, stack_limit: int = DEFAULT_STACK_LIMIT) -> None:
        from nsr.backends.prolog._swipl import Caller, Lib  # imports pyswip

        self._stack_limit = _check_positive_int("stack_limit", stack_limit)
        self._caller = Caller(Lib.load())
        self._pid = os.getpid()
        with _PROLOG_LOCK:
            self._bootstrap()

    # ----------------------------------------------------------------------------- plumbing
    def _bootstrap(self) -> None:
        self._caller.ensure_thread()
        self._init_thread()
        try:
            self._caller.call("system", "consult", [("atom", str(_ENGINE_PL))], output=False)
        except PrologError as exc:
            raise PrologNotInstalled(
                f"cannot load nsr's Prolog helpers ({exc}); a complete SWI-Prolog needs: "
                "apt-get install -y --no-install-recommends swi-prolog-core "
                "swi-prolog-core-packages"
            ) from exc
        try:
            probe = self._run("user", "true", "o(none,1.0,none,none)")
        except PrologError as exc:
            raise PrologNotInstalled(
                f"SWI-Prolog is incomplete ({exc}); library(time) comes with: apt-get install "
                "-y --no-install-recommends swi-prolog-core swi-prolog-core-packages"
            ) from exc
        if decode_answer(probe).get("ok") != [{}]:
            raise PrologNotInstalled(
                f"SWI-Prolog failed its self-test ({probe}); reinstall with: apt-get install -y "
                "--no-install-recommends swi-prolog-core swi-prolog-core-packages"
            )

    def _init_thread(self) -> None:
        """Per-thread settings: the stack limit is a thread-local flag in SWI-Prolog."""
        for flag, value in (("debug_on_error", "false"), ("stack_limit", str(self._stack_limit))):
            self._caller.call(
                "system", "set_prolog_flag", [("atom", flag), ("term", value)], output=False
            )

    def _call(self, name: str, args: list[tuple[str, str]], *, output: bool = True) -> str:
        if os.getpid() != self._pid:
            raise EngineError(
                "the Prolog engine was created before fork(); start worker processes with the "
                "'spawn' or 'forkserver' method and create the engine in the worker"
            )
        with _PROLOG_LOCK:
            if self._caller.ensure_thread():
                self._init_thread()
            answer = self._caller.call(_HELPER, name, args, output=output)
        if answer is None:
            raise PrologError(f"internal error: {_HELPER}:{name} failed")
        return answer

    def _run(self, module: str, text: str, opts: str) -> str:
        return self._call("nsr_run", [("atom", module), ("string", text), ("string", opts)])

    # ------------------------------------------------------------------------------ loading
    def consult_text(
        self,
        text: str,
        module: str,
        *,
        name: str = "<text>",
        time_limit: float | None = DEFAULT_LOAD_TIME_LIMIT,
    ) -> None:
        """Load program ``text`` into ``module``, replacing everything the module held.

        All or nothing: on a syntax error (:class:`PrologSyntaxError`, with ``name``, line and
        column) or any other load error the module is left empty. Warnings (singleton
        variables, ...) are logged at DEBUG level, not printed. A text holding its own
        ``:- module(...)`` directive defines that module instead.
        """
        _check_module(module)
        if not isinstance(text, str):
            raise ConfigError(f"program text must be a str, got {type(text).__name__}")
        source_id = f"/nsr/text/{module}/{name}"
        self._load(module, source_id, ("string", text), name, time_limit)

    def consult_file(
        self,
        path: str | Path,
        module: str | None = None,
        *,
        time_limit: float | None = DEFAULT_LOAD_TIME_LIMIT,
    ) -> None:
        """Load a Prolog file, into ``module`` (replacing its contents, all or nothing) or,
        with ``module=None``, the way ``consult/1`` does (into ``user`` or the module the file
        declares; reloading replaces that file's previous clauses)."""
        path = Path(path)
        if not path.is_file():
            raise ResourceNotFound(f"Prolog file not found: {path}")
        if module is None:
            self._load(_NO_MODULE, str(path.resolve()), ("atom", "file"), str(path), time_limit)
            return
        _check_module(module)
        text = read_text(path, "Prolog")
        # SWI refuses to load one file into two modules, so each module gets its own source
        # id; it sits in the file's folder so relative include/use_module paths still resolve.
        source_id = f"{path.resolve()}@{module.replace('/', '_')}"
        self._load(module, source_id, ("string", text), str(path), time_limit)

    def _load(
        self,
        module: str,
        source_id: str,
        content: tuple[str, str],
        display: str,
        time_limit: float | None,
    ) -> None:
        time_text = _limit_text("time_limit", time_limit, float)
        answer = self._call(
            "nsr_load", [("atom", module), ("atom", source_id), content, ("term", time_text)]
        )
        messages = decode_answer(answer)["messages"]
        errors = []
        for msg in messages:
            if msg["kind"] == "time_limit" and time_limit is not None:
                msg["message"] = f"time limit of {time_limit:g} s exceeded while loading"
            if msg["kind"] == "warning":
                log.debug("%s:%s: warning: %s", display, msg["line"], msg["message"])
            else:
                errors.append(msg)
        if not errors:
            return

        # SWI reports a directive that raised twice (the error, then "Goal (directive) failed").
        def failed(e: dict[str, Any]) -> bool:
            return e["message"].startswith("Goal (directive) failed")

        raised_at = {e["line"] for e in errors if not failed(e)}
        errors = [e for e in errors if not (failed(e) and e["line"] in raised_at)]
        if module != _NO_MODULE:
            self.wipe_module(module)
        raise _load_error(errors, source_id, display)

    def wipe_module(self, module: str) -> None:
        """Remove every predicate ``module`` defines (imports and multifile hooks stay)."""
        _check_module(module)
        self._call("nsr_wipe", [("atom", module)], output=False)

    # ------------------------------------------------------------------------------ queries
    def query(
        self,
        goal: str | Term,
        *,
        module: str = "user",
        max_solutions: int | None = None,
        time_limit: float | None = 5.0,
        inference_limit: int | None = None,
        stack_limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """All solutions (or the first ``max_solutions``) of ``goal`` run in ``module``.

        Each solution maps the goal's variable names (except ``_``-prefixed ones) to Python
        values (see nsr.backends.prolog.terms). The limits cover the whole enumeration; when
        one is hit the call raises PrologTimeLimit / PrologInferenceLimit / PrologResourceError
        and the engine stays usable. Other Prolog errors raise PrologError subclasses.
        """
        text = (
            to_text(goal)
            if isinstance(goal, Atom | Compound) or not isinstance(goal, str)
            else goal
        )
        _check_module(module, allow_reserved=True)
        if max_solutions is not None:
            _check_positive_int("max_solutions", max_solutions, minimum=0)
            if max_solutions == 0:
                return []
        opts = "o({},{},{},{})".format(
            "none" if max_solutions is None else max_solutions,
            _limit_text("time_limit", time_limit, float),
            _limit_text("inference_limit", inference_limit, int),
            _limit_text("stack_limit", stack_limit, int),
        )
        answer = decode_answer(self._run(module, text, opts))
        if "error" in answer:
            info = answer["error"]
            if info.get("kind") == "time_limit" and time_limit is not None:
                info["message"] = f"time limit of {time_limit:g} s exceeded"
            raise error_from(info, goal_text=text, source="<goal>")
        return solutions(answer["ok"])

    def once(self, goal: str | Term, **limits: Any) -> dict[str, Any] | None:
        """The first solution of ``goal``, or None if it has none (same keywords as query)."""
        solutions = self.query(goal, max_solutions=1, **limits)
        return solutions[0] if solutions else None

    def has_solution(self, goal: str | Term, **limits: Any) -> bool:
        """True if ``goal`` succeeds at least once (same keywords as query)."""
        return self.once(goal, **limits) is not None


def _check_module(module: str, *, allow_reserved: bool = False) -> None:
    if not isinstance(module, str) or not module:
        raise ConfigError(f"a Prolog module name must be a non-empty str, got {module!r}")
    if not allow_reserved and (module in _RESERVED_MODULES or module.startswith("$")):
        raise ConfigError(f"module {module!r} is reserved; load programs into a module of yours")


def _check_positive_int(what: str, value: Any, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{what} must be an int >= {minimum}, got {value!r}")
    return value


def _limit_text(what: str, value: Any, kind: type) -> str:
    if value is None:
        return "none"
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ConfigError(f"{what} must be a positive number of seconds or None, got {value!r}")
        if value == float("inf"):
            return "none"
        return _float_text(float(value))
    return str(_check_positive_int(what, value))


def _load_error(errors: list[dict[str, Any]], source_id: str, display: str) -> PrologError:
    """The exception for the first error of a load, located in the user's terms."""
    first = next((e for e in errors if e["kind"] == "syntax"), errors[0])
    file = first.get("file") or source_id
    where = display if file in (source_id, "") else file
    line = int(first.get("line") or 0)
    more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
    if first["kind"] == "syntax":
        column = int(first.get("column") or 0)
        return PrologSyntaxError(
            f"{where}:{line}:{column}: syntax error: {first['message']}{more}",
            source=where,
            line=line,
            column=column,
        )
    prefix = f"{where}:{line}: " if line else f"{where}: "
    message = f"{prefix}{first['message']}{more}"
    if first["kind"] == "existence":
        predicate = first["message"].removeprefix("unknown procedure ")
        return PrologExistenceError(message, predicate=predicate)
    return _LOAD_ERRORS.get(first["kind"], PrologError)(message)


_LOAD_ERRORS: dict[str, type[PrologError]] = {
    "time_limit": PrologTimeLimit,
    "inference_limit": PrologInferenceLimit,
    "resource": PrologResourceError,
}
