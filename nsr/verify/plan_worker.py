"""The plan-validation worker: ``python -m nsr.verify.plan_worker``, one per pool slot.

Hostile PDDL can be huge or ground into an enormous number of actions, and the grounded
validator is plain Python that cannot be interrupted from another thread; so validation runs
here, in a separate process the parent can kill. Inside, ``setitimer`` bounds each request
(this is the process's main thread, where signals work), and the parsed domain and problem are
cached, because a training batch checks many plans against the same few tasks.

Protocol: the worker prints ``{"ready":true}``, then answers each request line
``{"id", "domain", "problem", "plan", "time_limit"}`` with one JSON line
``{"id", "reason", "message", "details"}``.
"""

from __future__ import annotations

import json
import signal
import sys
from collections import OrderedDict
from typing import Any

CACHE_SIZE = 32


class _Deadline(Exception):
    """Raised by the interval timer when a request runs out of time."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Deadline()


class _Cache:
    """A small LRU of parsed domains and problems, keyed by their text."""

    def __init__(self) -> None:
        self.items: OrderedDict[tuple[str, ...], Any] = OrderedDict()

    def get(self, key: tuple[str, ...], make: Any) -> Any:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = make()
        self.items[key] = value
        if len(self.items) > CACHE_SIZE:
            self.items.popitem(last=False)
        return value


def check(request: dict[str, Any], cache: _Cache) -> dict[str, Any]:
    """Validate one plan; every failure becomes a reason code, never an exception."""
    from nsr.backends.pddl import (
        PddlSyntaxError,
        PddlUnsupported,
        PlanSyntaxError,
        grounded,
    )

    domain_text, problem_text = str(request["domain"]), str(request["problem"])
    try:
        domain = cache.get(("d", domain_text), lambda: grounded.parse_domain(domain_text))
        problem = cache.get(
            ("p", domain_text, problem_text),
            lambda: grounded.parse_problem(problem_text, domain),
        )
    except PddlUnsupported as exc:
        return {"reason": "pddl_unsupported", "message": str(exc)}
    except PddlSyntaxError as exc:
        return {"reason": "pddl_syntax", "message": str(exc)}
    try:
        plan = grounded.parse_plan(str(request["plan"]))
    except PlanSyntaxError as exc:
        return {"reason": "plan_syntax", "message": str(exc)}
    try:
        report = grounded.validate(domain, problem, plan)
    except PddlUnsupported as exc:
        return {"reason": "pddl_unsupported", "message": str(exc)}
    except PddlSyntaxError as exc:
        return {"reason": "pddl_syntax", "message": str(exc)}
    details = report.to_dict()
    details["plan_length"] = len(plan)
    details["validator_reason"] = details.pop("reason")
    return {
        "reason": "ok" if report.valid else "invalid_plan",
        "message": report.message,
        "details": details,
    }


def serve(stdin: Any = None, stdout: Any = None) -> None:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    signal.signal(signal.SIGALRM, _on_alarm)
    cache = _Cache()
    stdout.write('{"ready":true}\n')
    stdout.flush()
    for line in stdin:
        reply: dict[str, Any]
        request_id: Any = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            signal.setitimer(signal.ITIMER_REAL, max(0.001, float(request["time_limit"])))
            try:
                reply = check(request, cache)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _Deadline:
            reply = {"reason": "time_limit", "message": "plan validation ran out of time"}
        except MemoryError:
            reply = {"reason": "memory_limit", "message": "plan validation ran out of memory"}
        except RecursionError:
            reply = {"reason": "memory_limit", "message": "input nested too deeply"}
        except Exception as exc:  # noqa: BLE001 - any bug must become a verdict, not a crash
            reply = {"reason": "runtime_error", "message": f"{type(exc).__name__}: {exc}"[:500]}
        reply["id"] = request_id
        reply["message"] = str(reply.get("message", ""))[:2000]
        stdout.write(json.dumps(reply) + "\n")
        stdout.flush()


if __name__ == "__main__":
    serve()
