"""The validator's fast paths give what the general paths give.

Compiled conditions against the interpreter, the quick action reader against the general
reader, the quick :init against the token reader, plan lines read with string methods against
the regex, and fact indexes kept up to date against indexes built afresh.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest

from nsr.backends.pddl import compiled, world
from nsr.backends.pddl.errors import PddlSyntaxError
from nsr.backends.pddl.facts import FactIndex
from nsr.backends.pddl.formulas import conjuncts, holds, render
from nsr.backends.pddl.grounded import parse_domain, parse_problem, validate
from nsr.backends.pddl.ipc import list_families
from nsr.backends.pddl.plans import parse_plan
from nsr.backends.pddl.sexpr import (
    SList,
    Sym,
    _flat_init,
    _walked_init,
    read_lists,
    read_sexprs,
    split_init,
)
from nsr.backends.pddl.simulate import apply_step

# families with derived predicates, quantifiers, conditional and universal effects, costs
GENERAL = ("psr-large", "settlers", "miconic-fulladl", "caldera-split", "optical-telegraphs",
           "philosophers", "assembly", "flashfill", "nurikabe", "spider")


def _cases(root: Path, families: tuple[str, ...]) -> list[dict]:
    cases = json.loads((root / "cases.json").read_text())
    return [c for c in cases if c["family"] in families]


def _reports(root: Path, cases: list[dict]) -> list[dict]:
    out = []
    for c in cases:
        domain = parse_domain((root / c["domain"]).read_text(), name=c["domain"])
        problem = parse_problem((root / c["problem"]).read_text(), domain, name=c["problem"])
        out.append(validate(domain, problem, parse_plan((root / c["plan"]).read_text())).to_dict())
    return out


def test_compiled_and_interpreted_conditions_give_the_same_reports(
    ipc_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = _cases(ipc_root, GENERAL)
    assert len(cases) >= 100
    for budget in ("COMPILE_BUDGET", "EFFECT_COMPILE_BUDGET", "RULE_COMPILE_BUDGET",
                   "RECURSIVE_RULE_COMPILE_BUDGET"):
        monkeypatch.setattr(world, budget, 0.0)  # every condition compiled at first use
    eager = _reports(ipc_root, cases)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise compiled.CompileLimit("test: interpret everything")

    for name in ("compile_rule", "compile_test", "compile_query", "compile_effect"):
        monkeypatch.setattr(world, name, refuse)
    interpreted = _reports(ipc_root, cases)
    assert [r["valid"] for r in eager] == [c["valid"] for c in cases]
    assert eager == interpreted


def test_compiled_rule_source_is_cached_by_text(ipc_root: Path) -> None:
    compiled.clear_cache()
    text = (ipc_root / "psr-large" / "domain.pddl").read_text()
    first = parse_domain(text)
    rule = first.derived["upstream"][0]
    fn = compiled.compile_rule(rule.head, rule.parts, rule.variables, frozenset(first.derived),
                               None)
    again = parse_domain(text).derived["upstream"][0]
    fn2 = compiled.compile_rule(again.head, again.parts, again.variables,
                                frozenset(first.derived), None)
    assert fn2.__code__ is fn.__code__  # compiled once; only the function object is new


def test_conditions_that_differ_only_in_names_share_their_code(ipc_root: Path) -> None:
    compiled.clear_cache()
    domain = parse_domain((ipc_root / "settlers" / "domain.pddl").read_text())
    effects = [domain.actions[f"load-{r}"].compiled.extra for r in ("stone", "ore", "timber")]
    fns = [compiled.compile_effect(e, ("?v", "?p"), frozenset()) for e in effects]
    assert fns[0].__code__ is fns[1].__code__ is fns[2].__code__
    assert len({id(f) for f in fns}) == 3  # each bound to its own predicate names


def test_a_condition_too_big_to_compile_is_interpreted(
    ipc_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compiled, "MAX_LINES", 3)
    compiled.clear_cache()
    cases = _cases(ipc_root, ("psr-large",))
    assert [r["valid"] for r in _reports(ipc_root, cases)] == [c["valid"] for c in cases]


def test_quick_action_reader_equals_the_general_reader(ipc_root: Path) -> None:
    compared = 0
    for problems in list_families(ipc_root).values():
        for path in sorted({fp.domain for fp in problems}):
            text = path.read_text()
            lazy, strict = parse_domain(text), parse_domain(text, strict=True)
            for name in strict.actions:
                a, b = lazy.actions[name], strict.actions[name]
                assert (a.name, a.params, a.precondition, a.effect) == (
                    b.name, b.params, b.precondition, b.effect), f"{path}: {name}"
                assert _compiled(a) == _compiled(b), f"{path}: {name}"
                compared += 1
    assert compared > 3000


def _compiled(action: object) -> tuple[object, ...]:
    """An action's compiled form, its getters applied to placeholder arguments."""
    c = action.compiled  # type: ignore[attr-defined]
    vals = tuple(f"#{i}" for i in range(len(action.params))) + c.symbols  # type: ignore[attr-defined]
    atoms = tuple(tuple(g(vals) for g in gs) for gs in (c.pos, c.neg, c.dels, c.adds))
    return (c.symbols, c.eq, c.neq, c.general, c.cost, c.extra, atoms)


DOMAIN = """(define (domain d)
  (:requirements :typing)
  (:types block)
  (:predicates (on ?x ?y - block) (clear ?x - block))
  (:action ok :parameters (?x - block) :precondition (clear ?x) :effect (not (clear ?x)))
  (:action bad :parameters (?x - block)
    :precondition (clear ?x)
    :effect (and (onn ?x ?x))))
"""


def test_errors_in_actions_still_name_the_line() -> None:
    domain = parse_domain(DOMAIN, name="d.pddl")
    assert domain.actions["ok"].effect.dels
    with pytest.raises(PddlSyntaxError, match=r"d\.pddl:8: undeclared predicate 'onn'"):
        domain.actions["bad"]


def test_sections_after_the_actions_and_the_init_name_their_lines() -> None:
    # the quick readers see the texts without the actions' and the init's line breaks; a
    # section after them that only the token reader can judge still names its own line
    domain_text = (
        "(define (domain d)\n  (:requirements :typing :derived-predicates)\n"
        "  (:types block)\n  (:predicates (on ?x ?y - block) (clear ?x - block)"
        " (gone ?x - block))\n"
        "  (:action ok :parameters (?x - block) :precondition (clear ?x)"
        " :effect (not (clear ?x)))\n"
        "  (:action two :parameters (?x - block)\n    :precondition (clear ?x)\n"
        "    :effect (on ?x ?x))\n  (:derived (gone ?x - block)\n    (nope ?x)))\n")
    with pytest.raises(PddlSyntaxError, match=r"d\.pddl:10: .*'nope'"):
        parse_domain(domain_text, name="d.pddl")
    domain = parse_domain(DOMAIN, name="d.pddl")
    problem = ("(define (problem p) (:domain d)\n (:objects a b - block)\n (:init\n"
               "  (clear a)\n  (clear b)\n  (on a b))\n (:goal (and (clear a)\n"
               "  (on a zz))))\n")
    with pytest.raises(PddlSyntaxError, match=r"p\.pddl:8: .*'zz'"):
        parse_problem(problem, domain, name="p.pddl")


def _same(a: object, b: object) -> bool:
    if isinstance(b, Sym):
        return a == b.text
    assert isinstance(b, SList)
    return isinstance(a, list) and len(a) == len(b.items) and all(
        _same(x, y) for x, y in zip(a, b.items, strict=True))


@pytest.mark.parametrize("text", [
    "(a (b ?x) ())", "(A B)\n(c ; comment (\n d)", "(at?x loc)", "((a) b)", "()", "x y (z)",
])
def test_read_lists_reads_what_read_sexprs_reads(text: str) -> None:
    lists = read_lists(text)
    nodes = read_sexprs(text, name="t")
    assert lists is not None and len(lists) == len(nodes)
    assert all(_same(a, b) for a, b in zip(lists, nodes, strict=True))


@pytest.mark.parametrize("text", ['(a "b")', "(a \\b)", "(a", "a)", "(a))("])
def test_read_lists_leaves_odd_text_to_the_general_reader(text: str) -> None:
    assert read_lists(text) is None


PROBLEM = """(define (problem p) (:domain d)
  (:objects a b - block)
  (:init ; the start
    (clear a) (on a b) ; a on b
    (= (total-cost) 0)
    (= (weight a) 2.5))
  (:goal (clear b)))
"""
COSTED = DOMAIN.replace("(clear ?x - block))", "(clear ?x - block))\n  (:functions (total-cost) "
                        "(weight ?x - block))")


def test_quick_init_reads_numbers_and_comments_like_the_token_reader() -> None:
    domain = parse_domain(COSTED)
    assert split_init(PROBLEM) is not None
    quick = parse_problem(PROBLEM, domain)
    assert quick.init == {("clear", "a"), ("on", "a", "b")}
    assert quick.numeric == {("total-cost",): 0.0, ("weight", "a"): 2.5}
    with pytest.raises(PddlSyntaxError, match=r"p\.pddl:4: .*'zz'"):
        parse_problem(PROBLEM.replace("(on a b)", "(on a zz)"), domain, name="p.pddl")


@pytest.mark.parametrize("seed", range(3))
def test_a_plain_init_with_values_is_cut_as_the_regex_walk_cuts_it(seed: int) -> None:
    rng = random.Random(seed)
    entries = ["(p a)", "(q a b)", "(= (f a) 2)", "(= (total-cost) 0)", "( r )", "()", "(s)"]
    for _ in range(200):
        chosen = [rng.choice(entries) for _ in range(rng.randint(1, 6))]
        body = "".join(e + rng.choice(["", " ", "\n"]) for e in chosen)
        text = f"(:init {body})\n"
        start = len("(:init")
        flat, walked = _flat_init(text, start), _walked_init(text, start)
        if flat is not None:  # the C-call path, when it answers, answers as the walk does
            assert walked is not None
            assert flat[0] == walked[0] and flat[3] == walked[3]
            assert [x.split() for x in flat[2][1::2]] == [x.split() for x in walked[2][1::2]]


def test_plan_lines_read_with_string_methods_match_the_regex() -> None:
    plain = parse_plan("(Move A B)\n( move c  d )\n0: (move e f) [1]\n; cost = 3\n")
    assert [(s.action, s.args) for s in plain] == [
        ("move", ("a", "b")), ("move", ("c", "d")), ("move", ("e", "f"))]


def test_fact_index_kept_up_to_date_equals_a_fresh_one() -> None:
    rng = random.Random(0)
    atoms = [(p, a, b) for p in ("on", "at") for a in "abcd" for b in "abcd"]
    state = set(rng.sample(atoms, 10))
    index = FactIndex(state)
    for p in ("on", "at"):
        index.facts(p)
        index.table(p, (0,))
        index.table(p, (1, 0))
    for _ in range(200):
        atom = rng.choice(atoms)
        (index.add if rng.random() < 0.5 else index.discard)(atom)
        fresh = FactIndex(set(state))
        for p in ("on", "at"):
            assert index.facts(p) == fresh.facts(p)
            for pos in ((0,), (1, 0)):
                got = {k: v for k, v in index.table(p, pos).items() if v}
                assert got == fresh.table(p, pos)


def test_plans_borrowing_the_initial_index_share_its_tables_without_copies() -> None:
    init = frozenset({("on", "a", "b"), ("on", "b", "c"), ("at", "a", "x")})
    base = FactIndex(init)
    for step in range(3):  # three plans of one problem, each asking for a table first
        state = set(init)
        index = FactIndex(state, base)
        assert index.table("on", (0,)) == {("a",): {("a", "b")}, ("b",): {("b", "c")}}
        index.add(("on", "c", "d"))
        index.discard(("on", "a", "b"))
        assert index.table("on", (0,)) == {("a",): set(), ("b",): {("b", "c")},
                                          ("c",): {("c", "d")}}
        assert len(base._tables["on"]) == 1, step  # one table, borrowed, never duplicated
        assert base.table("on", (0,)) == {("a",): {("a", "b")}, ("b",): {("b", "c")}}


def test_join_plans_give_what_the_interpreter_gives(
    ipc_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``forall``/``when`` effects run by their join plans (nothing compiled) against the
    general interpreter (no plans), on every family with such effects."""
    from nsr.backends.pddl import joins

    cases = _cases(ipc_root, GENERAL + ("rubiks-cube", "caldera", "citycar",
                                        "recharging-robots", "trucks"))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise compiled.CompileLimit("test: no compiled code")

    for name in ("compile_rule", "compile_test", "compile_query", "compile_effect"):
        monkeypatch.setattr(world, name, refuse)
    planned = _reports(ipc_root, cases)
    used = []
    real = joins.plan_forall_when

    def counting(*args: object, **kwargs: object) -> object:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        used.append(found is not None)
        return found

    monkeypatch.setattr(world, "plan_forall_when", counting)
    _reports(ipc_root, cases)
    assert sum(used) > 50  # plans were really made (and run, above)
    monkeypatch.setattr(world, "plan_forall_when", lambda *_a, **_k: None)
    interpreted = _reports(ipc_root, cases)
    assert [r["valid"] for r in planned] == [c["valid"] for c in cases]
    assert planned == interpreted


JOIN_DOMAIN = """(define (domain j)
  (:requirements :typing :conditional-effects :equality :negative-preconditions)
  (:types thing)
  (:predicates (p ?x ?y - thing) (q ?x - thing) (r ?x - thing) (done ?x ?y - thing))
  (:action go :parameters (?a - thing)
    :effect (and
      (forall (?x ?y - thing) (when (and (p ?x ?y) (p ?y ?x) (not (q ?y))) (done ?x ?y)))
      (forall (?x - thing) (when (and (= ?x ?a) (not (r ?x))) (r ?x)))
      (forall (?x ?y - thing) (when (and (not (= ?x ?y)) (q ?x) (not (p ?x ?x)))
                                    (not (q ?y))))
      (forall (?x - thing) (when (p ?x ?x) (done ?a ?x))))))
"""


@pytest.mark.parametrize("seed", range(20))
def test_join_plans_on_random_states(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bindings through a fact joined with itself, equalities binding a variable, a
    negated equality over free variables and variables no atom binds: the plan's effect
    equals the interpreter's on random states."""
    rng = random.Random(seed)
    things = ["t0", "t1", "t2", "t3"]
    init = sorted({f"(p {rng.choice(things)} {rng.choice(things)})" for _ in range(6)}
                  | {f"(q {t})" for t in things if rng.random() < 0.5}
                  | {f"(r {t})" for t in things if rng.random() < 0.3})
    problem_text = (f"(define (problem j1) (:domain j) (:objects {' '.join(things)} - thing)"
                    f" (:init {' '.join(init)}) (:goal (and)))")
    steps = parse_plan("".join(f"(go {rng.choice(things)})\n" for _ in range(4)))

    def run() -> list[frozenset[tuple[str, ...]] | None]:
        domain = parse_domain(JOIN_DOMAIN)  # afresh: a domain keeps its plans
        problem = parse_problem(problem_text, domain)
        states: list[frozenset[tuple[str, ...]] | None] = [problem.init]
        for step in steps:
            states.append(apply_step(domain, problem, states[-1], step))  # type: ignore[arg-type]
        return states

    monkeypatch.setattr(world, "EFFECT_COMPILE_BUDGET", 1e9)  # never compiled
    planned = run()
    assert None not in planned
    monkeypatch.setattr(world, "plan_forall_when", lambda *_a, **_k: None)
    assert run() == planned


def test_conditions_are_compiled_only_once_interpreting_them_has_cost_their_budget(
    ipc_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rent or buy: with budgets nothing reaches, nothing but recursive rules is compiled;
    with budgets of 0, every condition is compiled at its first use; verdicts are the same."""
    cases = _cases(ipc_root, ("settlers", "assembly", "philosophers", "miconic-fulladl"))
    built: list[str] = []
    for name in ("compile_rule", "compile_test", "compile_query", "compile_effect"):
        real = getattr(world, name)

        def counting(*args: object, _real: object = real, _name: str = name) -> object:
            built.append(_name)
            return _real(*args)  # type: ignore[operator]

        monkeypatch.setattr(world, name, counting)
    for budget in ("COMPILE_BUDGET", "EFFECT_COMPILE_BUDGET", "RULE_COMPILE_BUDGET"):
        monkeypatch.setattr(world, budget, 1e9)
    lazy = _reports(ipc_root, cases)
    assert built == []  # no recursive stratum in these domains
    for budget in ("COMPILE_BUDGET", "EFFECT_COMPILE_BUDGET", "RULE_COMPILE_BUDGET"):
        monkeypatch.setattr(world, budget, 0.0)
    eager = _reports(ipc_root, cases)
    assert {"compile_rule", "compile_test", "compile_effect"} <= set(built)
    assert lazy == eager
    assert [r["valid"] for r in eager] == [c["valid"] for c in cases]


def test_a_strips_action_reads_its_precondition_and_effect_when_asked() -> None:
    text = """(define (domain d) (:requirements :typing :equality :action-costs)
      (:types block) (:constants table - block)
      (:predicates (on ?x ?y - block) (clear ?x - block))
      (:functions (total-cost) - number (weight ?x - block) - number)
      (:action move :parameters (?x ?y - block)
        :precondition (and (clear ?x) (not (on ?x ?y)) (not (= ?x ?y)) (= ?y table))
        :effect (and (on ?x ?y) (not (clear ?y)) (increase (total-cost) (weight ?x)))))"""
    lazy, strict = parse_domain(text), parse_domain(text, strict=True)
    a, b = lazy.actions["move"], strict.actions["move"]
    assert a._body is None  # type: ignore[attr-defined]  # read straight into its compiled form
    assert _compiled(a) == _compiled(b)
    assert (a.precondition, a.effect, a.add, a.delete) == (
        b.precondition, b.effect, b.add, b.delete)
    assert a == b and hash(a) == hash(b)
    assert copy.deepcopy(a) == a and copy.copy(a).compiled is a.compiled
    with pytest.raises(AttributeError):
        a.name = "other"  # type: ignore[misc]


def test_a_failed_strips_step_names_its_unmet_preconditions_without_reading_the_action() -> None:
    text = """(define (domain d) (:requirements :typing :equality)
      (:types block) (:constants table - block)
      (:predicates (on ?x ?y - block) (clear ?x - block))
      (:action move :parameters (?x ?y - block)
        :precondition (and (clear ?x) (not (on ?x ?y)) (not (= ?x ?y)) (= ?y table))
        :effect (and (on ?x ?y) (not (clear ?y)))))"""
    problem_text = """(define (problem p) (:domain d) (:objects a b - block)
      (:init (on a b) (clear b)) (:goal (clear a)))"""
    for step, unmet in (("(move a b)", ("(clear a)", "(not (on a b))", "(= b table)")),
                        ("(move a a)", ("(clear a)", "(not (= a a))", "(= a table)"))):
        domain = parse_domain(text)
        problem = parse_problem(problem_text, domain)
        report = validate(domain, problem, parse_plan(step))
        action = domain.actions["move"]
        assert action._body is None  # type: ignore[attr-defined]  # named from compiled parts
        assert report.reason == "precondition" and report.unmet_preconditions == unmet
        binding = dict(zip(("?x", "?y"), step[1:-1].split()[1:], strict=True))
        assert unmet == tuple(  # what the formulas give, in their order
            render(c, binding) for c in conjuncts(action.precondition)
            if not holds(c, problem.init, binding))


@pytest.mark.parametrize(("goal", "parts"), [
    ("(and (p a) (not (q b)) (p b) (not (q a)))", 4),  # ground literals only: the C-call path
    ("(and (p a) (not (q b)) (exists (?x - obj) (q ?x)) (p b) (not (q a)))", 5),  # a general one
])
def test_unmet_goal_literals_are_named_in_order(goal: str, parts: int) -> None:
    domain = parse_domain("""(define (domain g) (:requirements :typing :negative-preconditions
      :existential-preconditions) (:types obj) (:predicates (p ?x - obj) (q ?x - obj))
      (:action noop :parameters (?x - obj) :precondition (p ?x) :effect (p ?x)))""")
    problem = parse_problem(f"""(define (problem pg) (:domain g) (:objects a b - obj)
      (:init (p b) (q b)) (:goal {goal}))""", domain)
    for plan in ("", "(noop b)", "(noop a)"):  # the goal not reached; a failed step
        report = validate(domain, problem, parse_plan(plan))
        assert report.unmet_goals == ("(p a)", "(not (q b))")
        assert report.goal_fraction == (parts - 2) / parts
