"""Fixtures for the PDDL backend tests: shipped domains, solved plans (one planner run each)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from nsr.backends.pddl.grounded import Domain, Problem, parse_domain, parse_problem
from nsr.backends.pddl.plans import Step

from .problem_gen import DOMAIN_NAMES, blocksworld, domain_path, gripper, logistics, problem_path
from .val_fixtures import ipc_root, val_binary  # noqa: F401  (fixtures)


@dataclass(frozen=True)
class Case:
    """One problem with our parse, UP's task and a planner's plan."""

    label: str
    domain_text: str
    problem_text: str
    domain: Domain
    problem: Problem
    task: object
    plan: tuple[Step, ...]


def _problem_texts() -> list[tuple[str, str, str]]:
    """(label, domain name, problem text): the shipped problems plus seeded generated ones."""
    out = []
    for name in DOMAIN_NAMES:
        for i in (1, 2, 3):
            out.append((f"{name}/p{i:02d}", name, problem_path(name, i).read_text()))
    for seed in (11, 12):
        out.append((f"blocksworld/gen{seed}", "blocksworld", blocksworld(7, seed)))
        out.append((f"gripper/gen{seed}", "gripper", gripper(5, seed, n_rooms=3)))
        out.append((f"logistics/gen{seed}", "logistics", logistics(3, 3, seed)))
    return out


@pytest.fixture(scope="session")
def domain_texts() -> dict[str, str]:
    return {name: domain_path(name).read_text() for name in DOMAIN_NAMES}


@pytest.fixture(scope="session")
def solved_cases(domain_texts: dict[str, str]) -> list[Case]:
    """Every problem solved once with Fast Downward (the slow part, shared by all tests)."""
    from nsr.backends.pddl.up_engine import load_task, solve

    cases = []
    for label, name, text in _problem_texts():
        domain = parse_domain(domain_texts[name], name=name)
        problem = parse_problem(text, domain, name=label)
        task = load_task(domain_texts[name], text)
        result = solve(task, planner="fast-downward", timeout=60)
        assert result.status == "solved", f"{label}: {result.status} {result.message}"
        cases.append(Case(label, domain_texts[name], text, domain, problem, task, result.plan))
    return cases


@pytest.fixture()
def nsr(monkeypatch, capsys):
    """Run ``nsr`` with only the plan command registered; returns (status, stdout, stderr)."""
    from nsr import cli

    monkeypatch.setattr(cli, "COMMAND_MODULES", ("nsr.commands.plan",))

    def run(*argv: str) -> tuple[int, str, str]:
        status = cli.main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run
