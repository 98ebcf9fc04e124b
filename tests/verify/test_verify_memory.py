"""Running out of memory is ``memory_limit`` whichever way it is reported (a resource error,
an I/O error with ENOMEM, a dying worker's stderr, Python's MemoryError), so a hostile sample
gets the same verdict on an idle and on a loaded machine."""

from __future__ import annotations

import pytest

from nsr.verify import PrologItem, Verifier
from nsr.verify.checkers import failure_verdict, memory_reason
from nsr.verify.pool import JobResult

from .samples import HOSTILE_LIMITS


@pytest.mark.parametrize(
    ("reason", "message", "want"),
    [
        ("runtime_error", "I/O error in write on stream <stream>(0x1) (Cannot allocate memory)",
         "memory_limit"),
        ("worker_crash", "worker process died: std::bad_alloc", "memory_limit"),
        ("runtime_error", "MemoryError: ", "memory_limit"),
        ("runtime_error", "Type error: `evaluable' expected", "runtime_error"),
        ("wrong_answer", "out of memory (in the answer text)", "wrong_answer"),
    ],
)
def test_memory_reason(reason: str, message: str, want: str) -> None:
    assert memory_reason(reason, message) == want


def test_a_crash_reported_as_enomem_is_a_memory_limit() -> None:
    crashed = JobResult(None, "crashed", 0.2, "worker process died: Cannot allocate memory")
    assert failure_verdict(crashed).reason == "memory_limit"
    killed = JobResult(None, "killed", 1.5, "no reply")
    assert failure_verdict(killed).reason == "time_limit"


@pytest.mark.prolog
def test_an_io_error_with_enomem_inside_the_worker_is_a_memory_limit() -> None:
    """The exact error the loaded machine produced for a 300 MB atom, raised on purpose."""
    query = ("throw(error(io_error(write, user_output), "
             "context(format/3, 'Cannot allocate memory'))) ; X = 1")
    with Verifier(workers=1, **HOSTILE_LIMITS) as verifier:
        verdict = verifier.check_many([PrologItem("", query, "1")])[0]
        assert (verdict.score, verdict.reason) == (0.0, "memory_limit"), verdict.message
        other = verifier.check_many([PrologItem("", "throw(error(io_error(write, s), "
                                                    "context(f/1, 'Broken pipe'))) ; X = 1",
                                                "1")])[0]
        assert other.reason == "runtime_error"
