"""The batch path a verifier worker uses: ``validate_many``, and the quick readers it relies on.

``validate_many`` must give exactly ``validate``'s reports and leave the garbage collector as it
found it; problems read through the quick section reader must equal the token reader's, and
plans read by the plain-line path must equal the line reader's.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from pathlib import Path

import pytest

from nsr.backends.pddl import plans, reader
from nsr.backends.pddl.batch import collector_paused, validate_batch, validate_many
from nsr.backends.pddl.errors import PddlSyntaxError, PlanSyntaxError
from nsr.backends.pddl.grounded import parse_domain, parse_problem, validate
from nsr.backends.pddl.ipc import list_families
from nsr.backends.pddl.plans import parse_plan

# conditional and universal effects, derived predicates, costs, and plain STRIPS
FAMILIES = ("settlers", "miconic-fulladl", "psr-large", "caldera", "assembly", "gripper",
            "petri-net-alignment")


def test_validate_many_gives_validates_reports(ipc_root: Path) -> None:
    cases = [c for c in json.loads((ipc_root / "cases.json").read_text())
             if c["family"] in FAMILIES]
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c in cases:
        groups[(c["domain"], c["problem"])].append(c)
    compared = 0
    for (dkey, pkey), group in groups.items():
        texts = [(ipc_root / c["plan"]).read_text() for c in group]
        # a fresh domain for each way, so that neither borrows what the other compiled
        one = parse_domain((ipc_root / dkey).read_text())
        many = parse_domain((ipc_root / dkey).read_text())
        p_one = parse_problem((ipc_root / pkey).read_text(), one)
        p_many = parse_problem((ipc_root / pkey).read_text(), many)
        expected = [validate(one, p_one, parse_plan(t)).to_dict() for t in texts]
        mixed = [t if i % 2 else parse_plan(t) for i, t in enumerate(texts)]  # text or steps
        got = [r.to_dict() for r in validate_many(many, p_many, mixed)]
        assert got == expected, f"{pkey}"
        assert [r["valid"] for r in got] == [c["valid"] for c in group]
        compared += len(group)
    assert compared >= 80


def test_the_collector_is_restored_after_a_batch_even_a_failed_one(ipc_root: Path) -> None:
    text = (ipc_root / "gripper" / "domain.pddl").read_text()
    domain = parse_domain(text)
    problem_path = next(iter(list_families(ipc_root)["gripper"])).problem
    problem = parse_problem(problem_path.read_text(), domain)
    assert gc.isenabled()
    with pytest.raises(PlanSyntaxError, match=r"<plan>:1: .*'\(pick'"):
        validate_many(domain, problem, ["(pick ball1 rooma left)", "(pick\n  oops"])
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def _problem_view(problem: object) -> tuple[object, ...]:
    p = problem
    return (p.name, dict(p.objects), p.init, p.goal, p.goal_parts, dict(p.numeric),  # type: ignore[attr-defined]
            dict(p.by_type))  # type: ignore[attr-defined]


def test_quick_problem_sections_equal_the_token_reader(
    ipc_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs = sorted({(fp.domain, fp.problem) for fps in list_families(ipc_root).values()
                    for fp in fps})
    domains = {d: parse_domain(d.read_text()) for d, _ in pairs}
    quick = [_problem_view(parse_problem(p.read_text(), domains[d])) for d, p in pairs]
    monkeypatch.setattr(reader, "problem_sections", lambda _text: None)
    general = [_problem_view(parse_problem(p.read_text(), domains[d])) for d, p in pairs]
    assert len(pairs) >= 135
    assert quick == general


DOMAIN = """(define (domain d)
  (:requirements :typing)
  (:types block - object)
  (:predicates (on ?x ?y - block) (clear ?x - block))
  (:action noop :parameters (?x - block) :precondition (clear ?x) :effect (clear ?x)))
"""
PROBLEM = """(define (problem p) (:domain d)
  (:objects a b - block)
  (:init (clear a))
  (:goal (and (clear a)
              (on a b))))
"""


@pytest.mark.parametrize("change, message", [
    ("(on a b)", r"p\.pddl:5: undeclared predicate 'onn'"),
    ("(clear a)", r"p\.pddl:4: unknown object or constant 'zz'"),
    ("block)", r"p\.pddl:2: undeclared type 'blok'"),
])
def test_errors_in_quickly_read_sections_still_name_the_line(change: str, message: str) -> None:
    domain = parse_domain(DOMAIN)
    assert parse_problem(PROBLEM, domain).goal is not None
    bad = {"(on a b)": PROBLEM.replace("(on a b)", "(onn a b)"),
           "(clear a)": PROBLEM.replace("(and (clear a)", "(and (clear zz)"),
           "block)": PROBLEM.replace("a b - block)", "a b - blok)")}[change]
    with pytest.raises(PddlSyntaxError, match=message):
        parse_problem(bad, domain, name="p.pddl")


def test_a_goal_object_of_the_wrong_type_is_refused_with_its_line() -> None:
    domain = parse_domain(DOMAIN.replace("(:types block - object)", "(:types block ball)"))
    text = PROBLEM.replace("a b - block", "a - block b - ball")
    with pytest.raises(PddlSyntaxError, match=r"p\.pddl:5: 'b' does not fit"):
        parse_problem(text, domain, name="p.pddl")


@pytest.mark.parametrize("text", [
    "(a b)\n(a b)\n; done\n", "(a b)\r\n( c )\n", "; c\x0b(a b)\n", "(a\rb)\n", "(a)(b)\n",
    "0: (a b)\n(c d) [1]\n", "\n\n", "( )\n",
])
def test_plain_plan_lines_read_as_the_line_reader_reads_them(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read(text: str) -> list[object]:
        try:
            return [(s.action, s.args) for s in parse_plan(text)]
        except PlanSyntaxError as exc:
            return [str(exc)]

    quick = read(text)
    # the line reader alone
    monkeypatch.setattr(plans, "_plain_steps", lambda _body, _made=None: None)
    assert quick == read(text)


def _domain_view(domain: object) -> tuple[object, ...]:
    d = domain
    return (d.name, d.requirements, dict(d.types), dict(d.constants), dict(d.predicates),  # type: ignore[attr-defined]
            dict(d.functions), dict(d.derived), d.strata,  # type: ignore[attr-defined]
            {a: d.actions.params(a) for a in d.actions})  # type: ignore[attr-defined]


def test_quick_domain_sections_equal_the_token_reader(
    ipc_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = sorted({fp.domain for fps in list_families(ipc_root).values() for fp in fps})
    read_quickly = 0
    original = reader.domain_head

    def counting(text: str, supported: frozenset[str]) -> object:
        nonlocal read_quickly
        found = original(text, supported)
        read_quickly += found is not None
        return found

    monkeypatch.setattr(reader, "domain_head", counting)
    quick = [_domain_view(parse_domain(p.read_text())) for p in paths]
    monkeypatch.setattr(reader, "domain_head", lambda _text, _supported: None)
    general = [_domain_view(parse_domain(p.read_text())) for p in paths]
    assert len(paths) >= 59 and read_quickly >= 40
    assert quick == general


@pytest.mark.parametrize("change, message", [
    ("(clear ?x - block)", r"d\.pddl:4: undeclared type 'blok'"),
    ("(:types block - object)", r"d\.pddl:1: the type hierarchy has a cycle"),
    ("(on ?x ?y - block)", r"d\.pddl:4: predicate 'on' is declared twice"),
])
def test_errors_in_quickly_read_domain_sections_still_name_the_line(
    change: str, message: str
) -> None:
    bad = {"(clear ?x - block)": DOMAIN.replace("(clear ?x - block)", "(clear ?x - blok)"),
           "(:types block - object)": DOMAIN.replace("(:types block - object)",
                                                     "(:types block - thing thing - block)"),
           "(on ?x ?y - block)": DOMAIN.replace("(clear ?x - block)", "(on ?x ?y - block)")}
    with pytest.raises(PddlSyntaxError, match=message):
        parse_domain(bad[change], name="d.pddl")


BAD_ACTION = """(define (domain d)
  (:requirements :typing)
  (:types block)
  (:predicates (on ?x ?y - block) (clear ?x - block))
  (:action ok :parameters (?x - block) :precondition (clear ?x) :effect (not (clear ?x)))
  (:action fine :parameters (?x ?y - block) :precondition (on ?x ?y) :effect (clear ?y))
  (:action bad :parameters (?x - block)
    :precondition (clear ?x)
    :effect (and (onn ?x ?x))))
"""


def test_an_action_declared_twice_is_named_with_its_second_line() -> None:
    twice = BAD_ACTION.replace("(:action fine", "(:action ok")
    with pytest.raises(PddlSyntaxError, match=r"d\.pddl:6: action 'ok' is declared twice"):
        parse_domain(twice, name="d.pddl")


def test_prefetched_actions_equal_those_read_one_by_one() -> None:
    one = parse_domain(BAD_ACTION, name="d.pddl")
    many = parse_domain(BAD_ACTION, name="d.pddl")
    many.actions.prefetch(["ok", "fine", "bad", "unknown", "ok"])  # type: ignore[attr-defined]
    for name in ("ok", "fine"):
        a, b = one.actions[name], many.actions[name]
        assert (a.name, a.params, a.precondition, a.effect) == (
            b.name, b.params, b.precondition, b.effect)
    with pytest.raises(PddlSyntaxError, match=r"d\.pddl:9: undeclared predicate 'onn'"):
        many.actions["bad"]  # left to its first use, and named with its line


DERIVED_AMONG_ACTIONS = """(define (domain d)
  (:requirements :typing :derived-predicates)
  (:types block)
  (:predicates (on ?x ?y - block) (clear ?x - block) (above ?x ?y - block))
  (:action ok :parameters (?x - block) :precondition (clear ?x) :effect (not (clear ?x)))
  (:derived (above ?x ?y - block) (or (on ?x ?y) (exists (?z - block)
                                                      (and (on ?x ?z) (above ?z ?y)))))
  (:action up :parameters (?x ?y - block) :precondition (above ?x ?y) :effect (clear ?x))
)
"""


def test_derived_rules_among_actions_are_read_quickly_and_checked(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    quick = parse_domain(DERIVED_AMONG_ACTIONS, name="d.pddl")
    monkeypatch.setattr(reader, "domain_head", lambda _text, _supported: None)
    general = parse_domain(DERIVED_AMONG_ACTIONS, name="d.pddl")
    assert _domain_view(quick) == _domain_view(general)
    assert quick.derived["above"][0].body == general.derived["above"][0].body
    assert quick.actions["up"] == general.actions["up"]
    monkeypatch.undo()
    bad = DERIVED_AMONG_ACTIONS.replace("(above ?z ?y)", "(abov ?z ?y)")
    with pytest.raises(PddlSyntaxError, match=r"d\.pddl:7: undeclared predicate 'abov'"):
        parse_domain(bad, name="d.pddl")


def _by_domain(
    ipc_root: Path, families: set[str] | None = None
) -> dict[str, list[tuple[str, list[dict]]]]:
    cases = [c for c in json.loads((ipc_root / "cases.json").read_text())
             if families is None or c["family"] in families]
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c in cases:
        groups[(c["domain"], c["problem"])].append(c)
    out: dict[str, list[tuple[str, list[dict]]]] = defaultdict(list)
    for (dkey, pkey), group in groups.items():
        out[dkey].append((pkey, group))
    return out


def test_validate_batch_gives_validates_reports_on_every_ipc_case(ipc_root: Path) -> None:
    """Domain read once, plan lines shared, common prefixes simulated once (and undone): every
    report equals a fresh ``validate`` of the plan alone."""
    compared = 0
    for dkey, items in _by_domain(ipc_root).items():
        dtext = (ipc_root / dkey).read_text()
        tasks = [((ipc_root / pkey).read_text(), [(ipc_root / c["plan"]).read_text()
                                                  for c in group]) for pkey, group in items]
        # the same plans again in reverse order, and a plan twice: other prefixes to undo
        tasks = [(p, plans + plans[::-1] + plans[:1]) for p, plans in tasks]
        got = validate_batch(dtext, tasks, domain_name=dkey)
        alone = parse_domain(dtext)
        for (ptext, plan_texts), reports in zip(tasks, got, strict=True):
            problem = parse_problem(ptext, alone)
            expected = [validate(alone, problem, parse_plan(t)).to_dict() for t in plan_texts]
            assert [r.to_dict() for r in reports] == expected, dkey
            compared += len(reports)
    assert compared >= 534 * 2


def test_prefix_sharing_changes_no_report_on_random_mutations(ipc_root: Path) -> None:
    import random

    rng = random.Random(7)
    families = {"settlers", "psr-large", "miconic-fulladl", "barman", "optical-telegraphs",
                "caldera-split", "petri-net-alignment", "nomystery"}
    for dkey, items in _by_domain(ipc_root, families).items():
        domain = parse_domain((ipc_root / dkey).read_text())
        for pkey, group in items:
            problem = parse_problem((ipc_root / pkey).read_text(), domain)
            valid = parse_plan((ipc_root / group[0]["plan"]).read_text())
            plans = [valid]
            for _ in range(12):  # cut, repeat, drop or swap steps at random places
                p = list(valid)
                i, j = sorted(rng.sample(range(len(p) + 1), 2)) if len(p) > 1 else (0, 1)
                kind = rng.randrange(4)
                if kind == 0:
                    p = p[:j]
                elif kind == 1:
                    p = p[:j] + p[i:j] + p[j:]
                elif kind == 2:
                    del p[i:j]
                elif j < len(p):
                    p[i], p[j] = p[j], p[i]
                plans.append(tuple(p))
            shared = validate_many(domain, problem, plans)
            alone = validate_many(domain, problem, plans, share_prefixes=False)
            assert [r.to_dict() for r in shared] == [r.to_dict() for r in alone], pkey


def test_undo_returns_to_the_state_of_a_prefix(ipc_root: Path) -> None:
    from nsr.backends.pddl.facts import FactIndex
    from nsr.backends.pddl.grounded import Undo, simulate, undo

    for family in ("settlers", "gripper"):
        fp = next(f for f in list_families(ipc_root)[family] if f.plan is not None)
        domain = parse_domain(fp.domain.read_text())
        problem = parse_problem(fp.problem.read_text(), domain)
        plan = parse_plan(fp.plan.read_text())
        half = len(plan) // 2
        state = set(problem.init)
        index = FactIndex(state, problem.initial_index())
        log: list[Undo] = []
        assert simulate(domain, problem, plan, state, index, 0, 0.0, log).valid
        cost = undo(state, index, log, half)
        reference = set(problem.init)
        report = simulate(domain, problem, plan[:half], reference,
                          FactIndex(reference, problem.initial_index()))
        assert state == reference and len(log) == half
        assert report.cost is None or report.cost == cost
        assert simulate(domain, problem, plan, state, index, half, cost, log).valid


ODD_EFFECTS = """(define (domain odd)
  (:predicates (p) (q) (r))
  (:action toggle :parameters () :precondition (and) :effect (and (not (p)) (p)))
  (:action clear-p :parameters () :precondition (and) :effect (not (p)))
  (:action add-q :parameters () :precondition (and) :effect (q))
  (:action del-r :parameters () :precondition (and) :effect (not (r)))
  (:action add-r :parameters () :precondition (and) :effect (and (r) (not (q)))))
"""


def test_undo_of_steps_that_delete_absent_or_add_present_atoms() -> None:
    import random

    from nsr.backends.pddl.facts import FactIndex
    from nsr.backends.pddl.grounded import Undo, simulate, undo

    domain = parse_domain(ODD_EFFECTS)
    problem = parse_problem("(define (problem o) (:domain odd) (:init (q)) (:goal (and)))",
                            domain)
    names = ["toggle", "clear-p", "add-q", "del-r", "add-r"]
    rng = random.Random(11)
    for _ in range(200):
        plan = tuple(parse_plan(f"({rng.choice(names)})")[0] for _ in range(rng.randint(1, 8)))
        keep = rng.randint(0, len(plan))
        state = set(problem.init)
        index = FactIndex(state, problem.initial_index())
        log: list[Undo] = []
        simulate(domain, problem, plan, state, index, 0, 0.0, log)
        undo(state, index, log, keep)
        reference = set(problem.init)
        simulate(domain, problem, plan[:keep], reference,
                 FactIndex(reference, problem.initial_index()))
        assert state == reference, (plan, keep)


SHAPED = """(define (domain d)
  (:requirements :typing)
  (:types block)
  (:constants a b - block)
  (:predicates (on ?x ?y - block) (clear ?x - block) (free) (busy))
  (:action one :parameters () :precondition (clear a) :effect (and (not (clear a)) (on a b)))
  (:action two :parameters () :precondition (clear b) :effect (and (not (clear b)) (on b a)))
  (:action three :parameters () :precondition (free) :effect (and (not (free)) (clear a)))
  (:action four :parameters () :precondition (clear b) :effect (and (not (clear b)) (onn b a)))
  (:action five :parameters () :precondition (clear b) :effect (and (not (clear b)) (on b c)))
  (:action six :parameters () :precondition (busy) :effect (and (not (busy)) (clear b)))
)
"""


def test_actions_of_one_shape_equal_those_read_alone(
    ipc_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shape's parts reused with another action's names give what reading it alone gives;
    a name the domain does not declare is not let through by the shape (the usual error)."""
    from nsr.backends.pddl.shapes import ShapeCache

    paths = [ipc_root / "petri-net-alignment" / "domain-p01.pddl",
             *sorted((ipc_root / "quantum-layout").glob("domain*.pddl"))[:1]]
    for path in paths:
        text = path.read_text()
        shaped = parse_domain(text)
        shaped.actions.prefetch(list(shaped.actions))  # type: ignore[attr-defined]
        alone = parse_domain(text)
        for name in shaped.actions:
            a, b = shaped.actions[name], alone.actions[name]
            assert (a.name, a.params, a.precondition, a.effect) == (
                b.name, b.params, b.precondition, b.effect), name
            ca, cb = a.compiled, b.compiled
            vals_a, vals_b = a.variables + ca.symbols, b.variables + cb.symbols
            for ga, gb in ((ca.pos, cb.pos), (ca.neg, cb.neg), (ca.dels, cb.dels),
                           (ca.adds, cb.adds)):
                assert [g(vals_a) for g in ga] == [g(vals_b) for g in gb], name
            assert (ca.cost, ca.eq, ca.neq) == (cb.cost, cb.eq, cb.neq)
    stored = []
    original = ShapeCache.find

    def counting(self: ShapeCache, shape: tuple, names: list[str]) -> object:
        found = original(self, shape, names)
        stored.append(found is not None)
        return found

    monkeypatch.setattr(reader, "SHAPED_DOMAIN_ACTIONS", 2)  # shapes in a small domain too
    domain = parse_domain(SHAPED, name="d.pddl")
    try:
        ShapeCache.find = counting  # type: ignore[method-assign]
        domain.actions.prefetch(  # type: ignore[attr-defined]
            ["one", "two", "three", "four", "five", "six"])
    finally:
        ShapeCache.find = original  # type: ignore[method-assign]
    # 'two' is 'one' with a and b swapped; 'six' is not 'three': an atom without arguments is
    # read by a getter that holds it, so its name belongs to the shape
    assert stored.count(True) == 1
    six = domain.actions["six"].compiled
    assert [g(six.symbols) for g in six.pos] == [("busy",)]
    two = domain.actions["two"].compiled
    assert two.adds[0](two.symbols) == ("on", "b", "a")
    with pytest.raises(PddlSyntaxError, match=r"d\.pddl:9: undeclared predicate 'onn'"):
        domain.actions["four"]
    with pytest.raises(PddlSyntaxError, match=r"d\.pddl:10: unknown object or constant 'c'"):
        domain.actions["five"]


def test_validate_batch_takes_read_tasks_and_names_a_bad_plan(ipc_root: Path) -> None:
    fps = [fp for fp in list_families(ipc_root)["gripper"] if fp.plan is not None]
    domain = parse_domain(fps[0].domain.read_text())
    problems = [parse_problem(fp.problem.read_text(), domain) for fp in fps]
    plans = [parse_plan(fp.plan.read_text()) for fp in fps]  # type: ignore[union-attr]
    got = validate_batch(domain, [(p, [plan, plan[:-1]]) for p, plan in zip(problems, plans,
                                                                          strict=True)])
    assert [[r.valid for r in reports] for reports in got] == [[True, False]] * len(fps)
    assert gc.isenabled()
    with pytest.raises(PlanSyntaxError, match=r"<problem 2, plan 2>:1: "):
        validate_batch(fps[0].domain.read_text(),
                       [(fps[0].problem.read_text(), ["(pick ball1 rooma left)"]),
                        (fps[1].problem.read_text(), ["(move rooma roomb)", "(pick\n  oops"])])
    assert gc.isenabled()
