"""The thin C layer: load libswipl through pyswip and call one predicate with text arguments.

Why not ``pyswip.Prolog.query``: it keeps one class-wide "query open" flag, converts answers
lossily, and its default (``catcherrors=False``) lets an error switch SWI-Prolog into debug
mode, after which the next error opens the interactive tracer on stdin and kills the process.
Every call here is one complete query (open, one solution, close) opened with
``PL_Q_NODEBUG | PL_Q_CATCH_EXCEPTION``; the Prolog side (nsr_engine.pl) never throws and
returns its answer as one JSON string. This module imports pyswip, so only engine.py imports it,
lazily.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from types import ModuleType

from nsr.backends.prolog.errors import PrologError, PrologNotInstalled

INSTALL_HINT = "apt-get install -y --no-install-recommends swi-prolog-core swi-prolog-core-packages"

# From SWI-Prolog.h (stable across 8.x and 9.x).
_PL_ATOM = 2
_PL_STRING = 6
_REP_UTF8 = 0x00100000
_CVT_STRING = 0x00000002
_CVT_ATOM = 0x00000001
_CVT_WRITEQ = 0x00000200
_BUF_DISCARDABLE = 0x00000000
_PL_Q_NODEBUG = 0x0004
_PL_Q_CATCH_EXCEPTION = 0x0008


def _import_pyswip() -> ModuleType:
    """pyswip.core, after pyswip has started SWI-Prolog (it calls PL_initialise on import)."""
    try:
        import pyswip.core as core
        from pyswip import Prolog  # noqa: F401 - importing it runs PL_initialise
    except Exception as exc:  # ImportError, OSError, pyswip's SwiPrologNotFoundError, ...
        raise PrologNotInstalled(
            f"SWI-Prolog is not usable ({exc}); install it with: {INSTALL_HINT} "
            "(and pip install pyswip==0.3.3)"
        ) from exc
    return core


@dataclass(frozen=True)
class Lib:
    """The libswipl functions nsr uses, with explicit ctypes signatures."""

    lib: ctypes.CDLL
    core: ModuleType

    @classmethod
    def load(cls) -> Lib:
        core = _import_pyswip()
        lib = core._lib
        term_t = ctypes.c_size_t  # term_t, atom_t, fid_t and qid_t are uintptr_t
        lib.PL_open_foreign_frame.restype = term_t
        lib.PL_discard_foreign_frame.argtypes = [term_t]
        lib.PL_discard_foreign_frame.restype = None
        lib.PL_new_term_refs.argtypes = [ctypes.c_int]
        lib.PL_new_term_refs.restype = term_t
        lib.PL_put_chars.argtypes = [term_t, ctypes.c_int, ctypes.c_size_t, ctypes.c_char_p]
        lib.PL_put_chars.restype = ctypes.c_int
        lib.PL_put_term_from_chars.argtypes = [
            term_t,
            ctypes.c_int,
            ctypes.c_size_t,
            ctypes.c_char_p,
        ]
        lib.PL_put_term_from_chars.restype = ctypes.c_int
        lib.PL_predicate.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
        lib.PL_predicate.restype = ctypes.c_void_p
        lib.PL_open_query.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, term_t]
        lib.PL_open_query.restype = term_t
        lib.PL_next_solution.argtypes = [term_t]
        lib.PL_next_solution.restype = ctypes.c_int
        lib.PL_exception.argtypes = [term_t]
        lib.PL_exception.restype = term_t
        lib.PL_close_query.argtypes = [term_t]
        lib.PL_close_query.restype = ctypes.c_int
        lib.PL_get_nchars.argtypes = [
            term_t,
            ctypes.POINTER(ctypes.c_size_t),
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_uint,
        ]
        lib.PL_get_nchars.restype = ctypes.c_int
        lib.PL_thread_self.restype = ctypes.c_int
        lib.PL_thread_attach_engine.argtypes = [ctypes.c_void_p]
        lib.PL_thread_attach_engine.restype = ctypes.c_int
        lib.PL_thread_destroy_engine.restype = ctypes.c_int
        return cls(lib=lib, core=core)


class _ThreadEngine:
    """A Prolog engine attached to one Python thread, destroyed when that thread ends.

    SWI-Prolog needs an engine per OS thread. Keeping the handle in a ``threading.local`` lets
    CPython's thread teardown (which runs in the dying thread) release it, so finished threads
    leave nothing behind and the exit-time cleanup does not complain about stray engines.
    """

    def __init__(self, lib: ctypes.CDLL) -> None:
        self._lib = lib
        self._ident = threading.get_ident()
        self.attached = lib.PL_thread_self() == -1
        if self.attached and lib.PL_thread_attach_engine(None) < 0:
            raise PrologError("could not attach a SWI-Prolog engine to this thread")

    def __del__(self) -> None:
        if self.attached and threading.get_ident() == self._ident:
            self._lib.PL_thread_destroy_engine()


class Caller:
    """Calls ``Module:Name/Arity`` with text arguments and returns the last argument as text.

    Not thread-safe by itself: the engine serialises calls with its lock.
    """

    def __init__(self, lib: Lib) -> None:
        self._lib = lib.lib
        self._local = threading.local()
        self._preds: dict[tuple[str, str, int], int] = {}

    def ensure_thread(self) -> bool:
        """Attach an engine to the calling thread if needed; True on the thread's first call."""
        if getattr(self._local, "engine", None) is None:
            self._local.engine = _ThreadEngine(self._lib)
            return True
        return False

    def _pred(self, module: str, name: str, arity: int) -> int:
        key = (module, name, arity)
        pred = self._preds.get(key)
        if pred is None:
            pred = self._lib.PL_predicate(name.encode(), arity, module.encode())
            self._preds[key] = pred
        return pred

    def call(
        self, module: str, name: str, args: list[tuple[str, str]], *, output: bool = True
    ) -> str | None:
        """Run ``module:name(Args..., Out)`` once (without ``Out`` if not ``output``).

        ``args`` are (kind, text) pairs, kind "atom", "string" or "term" (text read as a term).
        Returns Out as text ("" without output), or None when the call failed. An exception
        escaping the predicate (nsr_engine's entry points never throw; bootstrap calls may)
        becomes a PrologError.
        """
        lib = self._lib
        arity = len(args) + (1 if output else 0)
        pred = self._pred(module, name, arity)
        fid = lib.PL_open_foreign_frame()
        try:
            t0 = lib.PL_new_term_refs(arity)
            for i, (kind, text) in enumerate(args):
                data = text.encode("utf-8", "surrogatepass")
                if kind == "term":
                    ok = lib.PL_put_term_from_chars(t0 + i, _REP_UTF8, len(data), data)
                else:
                    flags = (_PL_ATOM if kind == "atom" else _PL_STRING) | _REP_UTF8
                    ok = lib.PL_put_chars(t0 + i, flags, len(data), data)
                if not ok:
                    raise PrologError(f"could not pass {kind} argument {text!r} to {name}")
            qid = lib.PL_open_query(None, _PL_Q_NODEBUG | _PL_Q_CATCH_EXCEPTION, pred, t0)
            try:
                if lib.PL_next_solution(qid):
                    return self._text(t0 + len(args), _CVT_STRING | _CVT_ATOM) if output else ""
                exc = lib.PL_exception(qid)
                if exc:
                    raise PrologError(f"{name}/{arity} raised {self._text(exc, _CVT_WRITEQ)}")
                return None
            finally:
                lib.PL_close_query(qid)
        finally:
            lib.PL_discard_foreign_frame(fid)

    def _text(self, term: int, cvt: int) -> str:
        length = ctypes.c_size_t()
        ptr = ctypes.c_void_p()
        flags = cvt | _REP_UTF8 | _BUF_DISCARDABLE
        if not self._lib.PL_get_nchars(term, ctypes.byref(length), ctypes.byref(ptr), flags):
            raise PrologError("could not read the answer of a Prolog call as text")
        return ctypes.string_at(ptr.value, length.value).decode("utf-8", "surrogatepass")
