"""A problem's :init checked by C calls, and its goal's unmet atoms named from texts rendered
once, give what the regex walk and the general goal check give.

The C-call check of a plain :init (:func:`~nsr.backends.pddl.sexpr._flat_init`) must accept
exactly the bodies the regex walk accepts, with the same end, atoms and values, or hand the
body to the walk: checked on every IPC problem and on bodies made not plain on purpose (a
value inside an atom, a nested atom, a bare word, an empty atom, a comment, a non-ASCII name,
an empty :init). The goal's unmet atoms, picked by C calls from texts rendered once per
problem, are those the formulas render to, in the goal's order, on every plan of the IPC
cases (mixed goals of atoms and other conditions included).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from nsr.backends.pddl.formulas import render
from nsr.backends.pddl.grounded import parse_domain, parse_problem, validate
from nsr.backends.pddl.plans import parse_plan
from nsr.backends.pddl.sexpr import _INIT_START, _flat_init, _walked_init, split_init

PROBLEM = """(define (problem p) (:domain d)
 (:objects a b - thing)
 (:init {init})
 (:goal (and (p a))))"""

# each a body the C calls must not accept by themselves (the walk decides)
NOT_FLAT = [
    "(p (= (f a) 3))",  # a value inside an atom
    "(p (q a))",  # a nested atom
    "foo (p a)",  # a bare word between the entries
    "(p a) ; a comment (q b)\n",  # a comment (the walk reads it)
    "(p \u00e9)",  # not ASCII
    "",  # an empty :init
]


def _body(init: str) -> tuple[str, int]:
    text = PROBLEM.format(init=init)
    m = _INIT_START.search(text)
    assert m is not None
    return text, m.end()


@pytest.mark.parametrize("init", NOT_FLAT)
def test_a_body_that_is_not_flat_is_left_to_the_walk(init: str) -> None:
    text, start = _body(init)
    assert _flat_init(text, start) is None
    walked = _walked_init(text, start)
    quick = split_init(text)
    if walked is None:
        assert quick is None
    else:  # the walk accepts comments and an empty :init: split_init gives what it read
        assert quick is not None
        assert quick[1] == list(map(tuple, map(str.split, walked[2][1::2])))


@pytest.mark.parametrize("init", [
    "(p a) (q a b)", "(P A)\n\t(q b a)\n", "(= (total-cost) 0) (p a)", "(p a) (= (f a b) 2.5)",
    "()", "(p a)(q b)",
])
def test_a_flat_body_reads_as_the_walk_reads_it(init: str) -> None:
    text, start = _body(init)
    flat = _flat_init(text, start)
    assert flat is not None
    assert flat == _walked_init(text, start)


@pytest.mark.parametrize("after", [
    " (:goal (p a)))",  # the goal next: its ')' before it ends the section
    " ; no (q b) here\n (:goal (p a)))",  # a comment between: the regex finds the end
    " (:metric minimize (total-cost)) (:goal (p a)))",  # another section between
    ")",  # no goal after it
])
def test_the_end_of_a_flat_init_is_the_one_the_regex_finds(after: str) -> None:
    text = "(define (problem p) (:domain d) (:objects a b - thing)\n (:init (p a)\n (q a b))" \
        + after
    start = text.index("(:init") + len("(:init")
    expected = _walked_init(text, start)
    assert expected is not None
    assert _flat_init(text, start) == expected


def test_every_ipc_problem_reads_as_the_walk_reads_it(ipc_root: Path) -> None:
    flat = 0
    problems = sorted(ipc_root.glob("*/p*.pddl")) + sorted(ipc_root.glob("*/prob*.pddl"))
    assert problems
    for path in problems:
        text = path.read_text()
        m = _INIT_START.search(text)
        if m is None:
            continue
        fast = _flat_init(text, m.end())
        if fast is not None:
            flat += 1
            assert fast == _walked_init(text, m.end()), path
    assert flat >= 100  # most IPC :init sections are flat


def test_unmet_goals_are_the_goal_atoms_rendered_in_order(ipc_root: Path) -> None:
    cases = json.loads((ipc_root / "cases.json").read_text())
    by_problem: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in cases:
        by_problem[(c["domain"], c["problem"])].append(c["plan"])
    domains: dict[str, object] = {}
    checked = 0
    for (dkey, pkey), plans in by_problem.items():
        if dkey not in domains:
            domains[dkey] = parse_domain((ipc_root / dkey).read_text(), name=dkey)
        domain = domains[dkey]
        problem = parse_problem((ipc_root / pkey).read_text(), domain, name=pkey)  # type: ignore[arg-type]
        texts = [render(g) for _, g in problem.goal_parts]
        for plan in plans:
            first = validate(domain, problem, parse_plan((ipc_root / plan).read_text()))  # type: ignore[arg-type]
            again = validate(domain, problem, parse_plan((ipc_root / plan).read_text()))  # type: ignore[arg-type]
            assert first == again, plan  # the texts rendered once are reused
            assert set(first.unmet_goals) <= set(texts), plan
            order = [texts.index(t) for t in first.unmet_goals]
            assert order == sorted(order), plan
            unmet = len(first.unmet_goals)
            assert first.goal_fraction == pytest.approx((len(texts) - unmet) / len(texts)), plan
            checked += bool(unmet)
    assert checked >= 100  # many mutated plans leave goals unmet
