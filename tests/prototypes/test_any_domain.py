"""Prototypes from any PDDL domain (random walks, known plans), checked by our validator and by
VAL: IPC domains with ADL, derived predicates and action costs."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from nsr.backends.pddl.grounded import parse_domain, parse_problem, validate
from nsr.backends.pddl.ipc import list_families
from nsr.backends.pddl.plans import parse_plan, parse_step, write_plan
from nsr.prototypes.any_domain import TASKS, convert_folder, synth_from_domain, walk_instance
from nsr.prototypes.families.base import Rejected
from nsr.prototypes.judge import judge_answer
from nsr.prototypes.record import PrototypeRecord

# ADL + conditional effects, derived predicates, action costs from functions, plain STRIPS
SAMPLE = ("miconic-fulladl", "psr-large", "recharging-robots", "barman")


def _full_plan(record: PrototypeRecord) -> str:
    """The whole plan a record's answer stands for (the gap filled for plan_completion)."""
    answer = parse_plan(record.answer)
    if record.task == "plan_completion":
        proto = record.prototype
        answer = (tuple(parse_step(s) for s in proto["prefix"]) + answer
                  + tuple(parse_step(s) for s in proto["suffix"]))
    return write_plan(answer)


def _val_check(records: list[PrototypeRecord], val_binary: Path, tmp: Path) -> list[str]:
    from nsr.backends.pddl.val import run_val

    bad = []
    for i, r in enumerate(records):
        d, p, pl = tmp / f"d{i}.pddl", tmp / f"p{i}.pddl", tmp / f"r{i}.plan"
        d.write_text(r.prototype["domain"])
        p.write_text(r.prototype["problem"])
        pl.write_text(_full_plan(r))
        verdict = run_val(val_binary, d, p, pl)
        if not verdict.valid:
            bad.append(f"{r.id}: {verdict.detail}")
    return bad


def test_walk_goal_is_reached_by_its_plan(ipc_root: Path) -> None:
    fp = list_families(ipc_root)["miconic-fulladl"][0]
    domain = parse_domain(fp.domain.read_text())
    problem = parse_problem(fp.problem.read_text(), domain)
    inst = walk_instance(domain, problem, length=9, rng=random.Random(3), name="w")
    assert 1 <= len(inst.plan) <= inst.difficulty["walk_length"] <= 9
    new = parse_problem(inst.problem, domain)
    assert new.init == problem.init and new.objects == problem.objects
    assert validate(domain, new, inst.plan).valid
    # the plan is needed: without its last step the goal is not reached
    assert not validate(domain, new, inst.plan[:-1]).valid


def test_walk_with_no_applicable_step_is_rejected() -> None:
    domain = parse_domain("(define (domain d) (:predicates (p) (q)) "
                          "(:action a :precondition (p) :effect (q)))")
    problem = parse_problem("(define (problem x) (:domain d) (:init (q)) (:goal (q)))", domain)
    with pytest.raises(Rejected):
        walk_instance(domain, problem, length=5, rng=random.Random(0), name="w")


@pytest.mark.pddl
def test_synth_from_any_domain_is_valid_for_us_and_for_val(
    ipc_root: Path, val_binary: Path, tmp_path: Path
) -> None:
    families = list_families(ipc_root)
    records = []
    for name in SAMPLE:
        fp = families[name][0]
        made, _ = synth_from_domain(fp.domain.read_text(), fp.problem.read_text(), 6, seed=1)
        assert len(made) == 6
        assert Counter(r.task for r in made) == Counter({t: 2 for t in TASKS})
        assert {r.difficulty["level"] for r in made} >= {1, 2, 3, 4, 5}
        for r in made:
            assert r.verification["method"] == "constructed+validated"
            assert judge_answer(r, r.answer).correct
        records += made
    assert _val_check(records, val_binary, tmp_path) == []


@pytest.mark.pddl
def test_convert_folder_makes_three_task_types_val_accepts(
    ipc_root: Path, val_binary: Path, tmp_path: Path
) -> None:
    report = convert_folder(ipc_root, walks=1, families=SAMPLE)
    assert report.failures == ()
    assert report.families == tuple(sorted(SAMPLE))
    known = [r for r in report.records if r.source.startswith("convert:")]
    assert {r.verification["method"] for r in known} == {"planner+validated"}
    one_each = {(r.family, r.task, r.source.split(":")[0]): r for r in report.records}
    assert _val_check(list(one_each.values()), val_binary, tmp_path) == []


class _Run:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture()
def nsr_run(capsys):
    from nsr.cli import main

    def run(*argv: str) -> _Run:
        status = main(list(argv))
        out, err = capsys.readouterr()
        return _Run(status, out, err)

    return run


def test_cli_synth_pddl_and_folder_commands(ipc_root: Path, tmp_path: Path, nsr_run) -> None:
    fp = list_families(ipc_root)["barman"][0]
    out = tmp_path / "s.jsonl"
    res = nsr_run("proto", "synth", "pddl", "--domain", str(fp.domain), "--problem",
                  str(fp.problem), "--n", "4", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert len(out.read_text().splitlines()) == 4
    res = nsr_run("proto", "synth", "pddl", "--domain", str(fp.domain), "--n", "4")
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "--problem" in res.stderr
    res = nsr_run("proto", "families", str(ipc_root))
    lines = res.stdout.splitlines()
    assert res.returncode == 0 and len(lines) == 47
    assert any(ln.startswith("psr-large\tpddl\t3 problems") and ":derived-predicates" in ln
               for ln in lines)
    res = nsr_run("proto", "families", str(tmp_path / "absent"))
    assert res.returncode == 2 and "does not exist" in res.stderr
    conv = tmp_path / "c.jsonl"
    res = nsr_run("proto", "convert", "planning", str(ipc_root), "--family", "tpp",
                  "--out", str(conv))
    assert res.returncode == 0, res.stderr
    assert "1 families with all three task types" in res.stderr
    res = nsr_run("proto", "verify", str(conv))
    assert res.returncode == 0, res.stdout


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.pddl
def test_whole_ipc_folder_converts_and_val_accepts_every_record(
    ipc_root: Path, val_binary: Path, tmp_path: Path
) -> None:
    """Acceptance: the three task types for >= 40 IPC families, every record valid for VAL."""
    report = convert_folder(ipc_root, walks=1)
    assert len(report.families) >= 40
    assert _val_check(list(report.records), val_binary, tmp_path) == []
