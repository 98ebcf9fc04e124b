"""Throughput of plan validation: the grounded validator against unified-planning's.

Long valid plans come from seeded random walks on the shipped problems (their final state is the
goal), so no planner is needed and every length is exact. Each validator is timed on the same
plan, repeated until a minimum wall time has passed; the ratio is UP's time over ours. The UP
figure times ``SequentialPlanValidator.validate`` alone on a prebuilt plan (its fastest use);
``up_wrapped_s`` adds our conversion and diagnostics (``validate_up``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

from nsr.backends.pddl.grounded import parse_domain, parse_problem, validate
from nsr.backends.pddl.simulate import problem_text, random_walk
from nsr.resources import resource_path

DOMAINS: tuple[tuple[str, str], ...] = (
    ("blocksworld", "p03.pddl"),
    ("gripper", "p03.pddl"),
    ("logistics", "p03.pddl"),
)


def _seconds_per_call(fn: Callable[[], object], min_time: float, min_calls: int) -> float:
    calls = 0
    start = time.perf_counter()
    elapsed = 0.0
    while calls < min_calls or elapsed < min_time:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
    return elapsed / calls


def measure_validation(
    lengths: Sequence[int] = (10, 50, 200),
    *,
    seed: int = 0,
    min_time: float = 0.3,
    domains: Sequence[tuple[str, str]] = DOMAINS,
) -> dict[str, Any]:
    """Validations per second of ours vs UP's validator per plan length.

    Returns ``{"lengths": {L: {"ours_per_s", "up_per_s", "up_wrapped_per_s", "ratio",
    "domains": {name: {...}}}}, "seed": seed}``; ``ratio`` is the geometric mean over domains of
    UP seconds / our seconds (both validators must agree that every plan is valid).
    """
    from unified_planning.engines.plan_validator import SequentialPlanValidator
    from unified_planning.plans import ActionInstance, SequentialPlan

    from nsr.backends.pddl.up_engine import load_task, validate_up

    results: dict[int, Any] = {}
    for length in lengths:
        per_domain: dict[str, dict[str, float]] = {}
        for index, (name, problem_file) in enumerate(domains):
            domain_path = resource_path("prototypes", "pddl", name, "domain.pddl")
            problem_path = resource_path("prototypes", "pddl", name, problem_file)
            domain_text = domain_path.read_text(encoding="utf-8")
            domain = parse_domain(domain_text, name=str(domain_path))
            base = parse_problem(problem_path.read_text(encoding="utf-8"), domain)
            plan, final = random_walk(domain, base, length, seed=seed + 1000 * index + length)
            text = problem_text(base, final, name=f"{base.name}-walk{length}")
            problem = parse_problem(text, domain)
            task = load_task(domain_text, text)
            up_problem = task.up_problem
            up_plan = SequentialPlan(
                [
                    ActionInstance(
                        up_problem.action(s.action), tuple(up_problem.object(a) for a in s.args)
                    )
                    for s in plan
                ]
            )
            validator = SequentialPlanValidator()
            if not validate(domain, problem, plan).valid or not validator.validate(
                up_problem, up_plan
            ):
                raise RuntimeError(f"benchmark plan for {name} is not valid: the walk is broken")
            ours = _seconds_per_call(
                lambda d=domain, p=problem, s=plan: validate(d, p, s), min_time, 20
            )
            up = _seconds_per_call(
                lambda v=validator, p=up_problem, s=up_plan: v.validate(p, s),
                min_time,
                3,
            )
            wrapped = _seconds_per_call(lambda t=task, s=plan: validate_up(t, s), min_time, 3)
            per_domain[name] = {
                "ours_s": ours,
                "up_s": up,
                "up_wrapped_s": wrapped,
                "ratio": up / ours,
            }
        n = len(per_domain)
        ours_mean = sum(d["ours_s"] for d in per_domain.values()) / n
        up_mean = sum(d["up_s"] for d in per_domain.values()) / n
        wrapped_mean = sum(d["up_wrapped_s"] for d in per_domain.values()) / n
        results[length] = {
            "ours_per_s": 1.0 / ours_mean,
            "up_per_s": 1.0 / up_mean,
            "up_wrapped_per_s": 1.0 / wrapped_mean,
            "ratio": math.exp(sum(math.log(d["ratio"]) for d in per_domain.values()) / n),
            "domains": per_domain,
        }
    return {"lengths": results, "seed": seed}


if __name__ == "__main__":
    import json

    print(json.dumps(measure_validation(), indent=2))
