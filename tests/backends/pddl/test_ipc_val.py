"""Our grounded validator against VAL on International Planning Competition domains.

``cases.json`` records VAL's verdict on 534 plans over 47 families (Fast Downward plans and
mutations); here our verdict must equal it on every one, with no refusal. Then fresh seeded
mutations of the valid plans are judged by both, VAL run live (built once into the cache).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from functools import cache
from pathlib import Path

from nsr.backends.pddl.grounded import Domain, Problem, parse_domain, parse_problem, validate
from nsr.backends.pddl.plans import Step, parse_plan, write_plan


@cache
def _domain(path: Path) -> Domain:
    return parse_domain(path.read_text(), name=str(path))


@cache
def _problem(domain_path: Path, path: Path) -> Problem:
    return parse_problem(path.read_text(), _domain(domain_path), name=str(path))


def _cases(root: Path) -> list[dict]:
    return json.loads((root / "cases.json").read_text())


def test_our_verdict_is_vals_on_every_ipc_case(ipc_root: Path) -> None:
    cases = _cases(ipc_root)
    assert len(cases) == 534
    wrong = []
    for case in cases:
        domain = _domain(ipc_root / case["domain"])
        problem = _problem(ipc_root / case["domain"], ipc_root / case["problem"])
        plan = parse_plan((ipc_root / case["plan"]).read_text(), name=case["plan"])
        report = validate(domain, problem, plan)
        if report.valid != case["valid"]:
            wrong.append(f"{case['plan']}: VAL {case['valid']}, ours {report.message}")
    assert wrong == []
    families = {c["family"] for c in cases}
    assert len(families) == 47


def test_costs_are_reported_for_action_cost_domains(ipc_root: Path) -> None:
    """Valid plans of action-cost domains report a positive total cost (a cost never decreases)."""
    costed = 0
    for case in _cases(ipc_root):
        if not case["valid"] or not case["plan"].endswith(".valid.plan"):
            continue
        domain = _domain(ipc_root / case["domain"])
        if "total-cost" not in domain.functions:
            continue
        problem = _problem(ipc_root / case["domain"], ipc_root / case["problem"])
        report = validate(domain, problem, parse_plan((ipc_root / case["plan"]).read_text()))
        assert report.valid and report.cost is not None and report.cost >= 0
        assert f"total cost {report.cost:g}" in report.message
        costed += 1
    assert costed >= 20


def _mutations(plan: tuple[Step, ...], problem: Problem, rng: random.Random) -> list[tuple[Step, ...]]:
    """Seeded mutations that keep every step well formed (VAL and we must judge semantics)."""
    out = []
    n = len(plan)
    if n >= 2:
        i = rng.randrange(n)
        out.append(plan[:i] + plan[i + 1 :])  # drop
        j = rng.randrange(n - 1)
        out.append(plan[:j] + (plan[j + 1], plan[j]) + plan[j + 2 :])  # swap neighbours
    if n >= 1:
        i = rng.randrange(n)
        out.append(plan[: i + 1] + plan[i:])  # duplicate
        step = plan[i]
        if step.args:
            k = rng.randrange(len(step.args))
            doms = problem.param_domains[step.action]
            others = sorted(doms[k] - {step.args[k]})
            if others:  # another object of a fitting type
                new = Step(step.action, step.args[:k] + (rng.choice(others),) + step.args[k + 1 :])
                out.append(plan[:i] + (new,) + plan[i + 1 :])
    return out


def test_our_verdict_is_vals_on_random_mutations(ipc_root: Path, val_binary: Path, tmp_path) -> None:
    from nsr.backends.pddl.val import run_val

    rng = random.Random(17)
    verdicts: Counter[bool] = Counter()
    wrong = []
    done = set()
    for case in _cases(ipc_root):
        if not case["plan"].endswith(".valid.plan") or case["problem"] in done:
            continue
        done.add(case["problem"])
        dpath, ppath = ipc_root / case["domain"], ipc_root / case["problem"]
        domain, problem = _domain(dpath), _problem(dpath, ppath)
        plan = parse_plan((ipc_root / case["plan"]).read_text())
        for m, mutated in enumerate(_mutations(plan, problem, rng)):
            if m % 2 != rng.randrange(2):  # about half of them: keeps the test short
                continue
            path = tmp_path / f"m{len(verdicts.keys()) + sum(verdicts.values())}.plan"
            path.write_text(write_plan(mutated))
            theirs = run_val(val_binary, dpath, ppath, path)
            ours = validate(domain, problem, mutated)
            verdicts[theirs.valid] += 1
            if ours.valid != theirs.valid:
                wrong.append(f"{case['problem']} {path.name}: VAL {theirs.detail}; ours {ours.message}")
    assert wrong == []
    assert verdicts[True] >= 10 and verdicts[False] >= 100  # both verdicts well exercised


def test_val_agrees_with_its_recorded_verdicts(ipc_root: Path, val_binary: Path) -> None:
    """The VAL we build is the one that wrote cases.json (checked on one case per family)."""
    from nsr.backends.pddl.val import run_val

    seen = set()
    for case in _cases(ipc_root):
        if case["family"] in seen:
            continue
        seen.add(case["family"])
        verdict = run_val(val_binary, ipc_root / case["domain"], ipc_root / case["problem"],
                          ipc_root / case["plan"])
        assert verdict.valid == case["valid"], case["plan"]
    assert len(seen) == 47
