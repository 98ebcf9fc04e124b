"""What the in-process batch was made faster with gives what the plain paths give.

A negated ``forall`` read as an ``exists`` (compiled and interpreted, against a brute-force
truth), goals of ground literals read in one loop (against the general reader, errors
included), action shapes cut by string methods, and the compile budget of derived rules shared
by the plans a batch call has ahead (restored after the call, also after an error); a step's
changes made in one call keep the fact indexes as fresh ones; the first round of a recursive
stratum, compiled without the branches that need its (still empty) predicates, derives what
the full rules derive.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from nsr.backends.pddl import compiled, world
from nsr.backends.pddl.batch import _shared, validate_batch, validate_many
from nsr.backends.pddl.errors import PddlSyntaxError
from nsr.backends.pddl.facts import FactIndex
from nsr.backends.pddl.formulas import And, Atom, Not, Quantified, negated_conjuncts
from nsr.backends.pddl.grounded import parse_domain, parse_problem, validate
from nsr.backends.pddl.plans import parse_plan
from nsr.backends.pddl.quick import QuickReader, problem_sections
from nsr.backends.pddl.sexpr import split_init
from nsr.backends.pddl.shapes import ShapeCache
from nsr.backends.pddl.simulate import random_walk
from nsr.backends.pddl.world import World

# every transition ?t either leaves no state ?s of the relation, or is ok: the shape of
# optical-telegraphs' and philosophers' 'blocked' (a forall inside a negated forall)
FORALL = """(define (domain nf)
 (:requirements :adl)
 (:types tr st)
 (:predicates (r ?t - tr ?s - st) (ok ?t - tr) (done))
 (:action check :parameters ()
  :precondition (forall (?t - tr) (or (forall (?s - st) (not (r ?t ?s))) (ok ?t)))
  :effect (done)))"""
TRANSITIONS, STATES = ("t1", "t2", "t3"), ("s1", "s2")


def _problem(facts: list[str]) -> str:
    return ("(define (problem p) (:domain nf) (:objects t1 t2 t3 - tr s1 s2 - st)\n"
            f" (:init {' '.join(facts)}) (:goal (done)))")


def _random_facts(rng: random.Random) -> tuple[list[str], bool]:
    """Random (r ...) and (ok ...) facts and the precondition's truth, worked out by hand."""
    rel = {(t, s) for t in TRANSITIONS for s in STATES if rng.random() < 0.3}
    ok = {t for t in TRANSITIONS if rng.random() < 0.5}
    facts = [f"(r {t} {s})" for t, s in sorted(rel)] + [f"(ok {t})" for t in sorted(ok)]
    truth = all(t in ok or not any((t, s) in rel for s in STATES) for t in TRANSITIONS)
    return facts, truth


def test_a_negated_forall_becomes_the_exists_of_its_negated_body() -> None:
    inner = Quantified("forall", (("?s", frozenset({"st"})),), Not(Atom("r", ("?t", "?s"))))
    parts = negated_conjuncts(inner)
    assert parts == (Quantified("exists", inner.variables, Atom("r", ("?t", "?s"))),)
    assert negated_conjuncts(inner)[0] is parts[0]  # one object: memos keyed by it hold
    body = And((Atom("p", ("?x",)), Not(Atom("q", ("?x",)))))
    outer = Quantified("forall", (("?x", frozenset({"t"})),), body)
    (found,) = negated_conjuncts(outer)
    assert isinstance(found, Quantified) and found.kind == "exists"
    assert found.body == Not(body)  # a negated conjunction stays a test


@pytest.mark.parametrize("mode", ["compiled", "interpreted"])
def test_nested_foralls_hold_exactly_when_brute_force_says(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if mode == "compiled":
        monkeypatch.setattr(world, "COMPILE_BUDGET", 0.0)
    else:
        def refuse(*_args: object, **_kwargs: object) -> None:
            raise compiled.CompileLimit("test: interpret everything")

        monkeypatch.setattr(world, "compile_test", refuse)
    domain = parse_domain(FORALL)
    rng = random.Random(7)
    seen = set()
    for _ in range(60):
        facts, truth = _random_facts(rng)
        report = validate(domain, parse_problem(_problem(facts), domain), parse_plan("(check)"))
        assert report.valid is truth, (facts, report.message)
        seen.add(truth)
    assert seen == {True, False}


def test_goals_of_literals_read_like_the_general_reader(ipc_root: Path) -> None:
    cases = json.loads((ipc_root / "cases.json").read_text())
    pairs = sorted({(c["domain"], c["problem"]) for c in cases})
    domains = {d: parse_domain((ipc_root / d).read_text(), name=d) for d, _ in pairs}
    fast = 0
    for dkey, pkey in pairs:
        domain = domains[dkey]
        text = (ipc_root / pkey).read_text()
        problem = parse_problem(text, domain, name=pkey)
        arities = {name: pred.arity for name, pred in domain.predicates.items()}
        reader = QuickReader(dict(problem.objects), domain.predicates, domain.types,
                             frozenset(domain.derived), domain.functions, arities)
        ground = {o: frozenset().union(*(domain.types.get(t, frozenset({t})) for t in tys))
                  for o, tys in problem.objects.items()}
        quick = split_init(text)
        sections = None if quick is None else problem_sections(quick[0])
        if sections is None:
            continue
        node = sections[4]
        literal = reader._literal_goal(node, ground)
        if literal is not None:
            fast += 1
            assert literal == reader.formula(node, {}) == problem.goal, pkey
    assert fast >= 100  # most IPC goals are conjunctions of ground literals


@pytest.mark.parametrize("goal", ["(and (r t1 t2) (ok t1))", "(and (ok s1))", "(ok t9)",
                                  "(and (ok t1) (not (r t1 s1 s2)))", "(ok ?x)"])
def test_a_bad_goal_is_reported_as_the_general_reader_reports_it(
    goal: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = parse_domain(FORALL)
    text = _problem(["(ok t1)"]).replace("(:goal (done))", f"(:goal {goal})")
    with pytest.raises(PddlSyntaxError) as fast:
        parse_problem(text, domain)
    monkeypatch.setattr(QuickReader, "_literal_goal", lambda *_args: None)
    with pytest.raises(PddlSyntaxError) as general:
        parse_problem(text, domain)
    assert str(fast.value) == str(general.value)


def test_action_shapes_ignore_blanks_and_keep_the_parentheses() -> None:
    a = "(:action m-a\n :parameters ()\n :precondition (and (p x) (q y))\n :effect (r x))"
    b = "(:action m-b :parameters () :precondition (and (p u)   (q v)) :effect (r u))"
    c = "(:action m-c :parameters () :precondition (and (p u) (q v)) :effect (r v))"
    d = "(:action m-d :parameters () :precondition (and (p u q v)) :effect (r u))"
    ka, kb, kc, kd = (ShapeCache.key(t) for t in (a, b, c, d))
    assert ka is not None and kb is not None and kc is not None and kd is not None
    assert ka[0] == kb[0] and (ka[2], kb[2]) == ("m-a", "m-b")
    assert ka[1] == [":parameters", ":precondition", "and", "p", "x", "q", "y", ":effect", "r"]
    assert kb[1] == [":parameters", ":precondition", "and", "p", "u", "q", "v", ":effect", "r"]
    assert ka[0] != kc[0]  # the effect names another argument
    assert ka[0] != kd[0]  # the same names, another nesting
    assert ShapeCache.key("(:action m ; note\n :parameters ())") is None


def _derived_batch() -> tuple[str, list[tuple[str, list[str]]]]:
    domain = """(define (domain dv)
     (:requirements :adl :derived-predicates)
     (:predicates (a ?x) (b ?x) (both ?x) (go))
     (:derived (both ?x) (and (a ?x) (b ?x)))
     (:action act :parameters (?x) :precondition (both ?x) :effect (go)))"""
    problem = ("(define (problem p) (:domain dv) (:objects o1 o2)"
               " (:init (a o1) (b o1) (a o2)) (:goal (go)))")
    return domain, [(problem, ["(act o1)", "(act o2)", "(act o1)\n(act o1)"])]


def test_derived_rules_share_their_budget_with_the_plans_ahead(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = parse_domain(_derived_batch()[0])
    assert world._rule_budget(domain, "both") == world.RULE_COMPILE_BUDGET
    domain.compiled["plans ahead"] = 8
    assert world._rule_budget(domain, "both") == pytest.approx(world.RULE_COMPILE_BUDGET / 8)
    seen: list[object] = []
    real = world._rule_budget

    def spy(dom: object, predicate: str) -> float:
        seen.append(dom.compiled.get("plans ahead"))  # type: ignore[attr-defined]
        return real(dom, predicate)

    monkeypatch.setattr(world, "_rule_budget", spy)
    text, tasks = _derived_batch()
    fresh = parse_domain(text)
    reports = validate_batch(fresh, tasks)
    assert [r.valid for r in reports[0]] == [True, False, True]
    assert seen and set(seen) == {3}  # three plans in the call
    assert "plans ahead" not in fresh.compiled
    problem = parse_problem(tasks[0][0], fresh)
    assert [r.valid for r in validate_many(fresh, problem, tasks[0][1])] == [True, False, True]
    assert "plans ahead" not in fresh.compiled


def test_the_plans_ahead_are_forgotten_after_an_error() -> None:
    text, tasks = _derived_batch()
    domain = parse_domain(text)
    domain.compiled["plans ahead"] = 5  # a caller's own count is put back
    with pytest.raises(PddlSyntaxError):
        validate_batch(domain, [*tasks, ("(define (problem q) (:domain dv) (:init", ["(act o1)"])])
    assert domain.compiled["plans ahead"] == 5


@pytest.mark.parametrize("built", [False, True])
def test_a_step_changed_in_one_call_indexes_like_a_fresh_index(built: bool) -> None:
    rng = random.Random(3)
    atoms = [(p, a, b) for p in ("on", "at") for a in "abcd" for b in "abcd"]
    base = FactIndex(frozenset(rng.sample(atoms, 12)))
    state = set(base.state)
    index = FactIndex(state, base)  # a plan's index, borrowing the initial one's tables
    before = {p: set(base.facts(p)) for p in ("on", "at")}
    if built:
        index.table("on", (1,))
    for _ in range(100):
        gone, come = rng.sample(atoms, 3), rng.sample(atoms, 2)
        expected = (set(state) - set(gone)) | set(come)  # deletes first, then adds
        index.change(gone, come)
        assert state == expected
        fresh = FactIndex(set(state))
        for p in ("on", "at"):
            assert index.facts(p) == fresh.facts(p)
            got = {k: v for k, v in index.table(p, (1,)).items() if v}
            assert got == fresh.table(p, (1,))
    assert {p: set(base.facts(p)) for p in ("on", "at")} == before  # the base: as it was


def _derived_along_walks(ipc_root: Path, family: str) -> list[dict[str, set[tuple[str, ...]]]]:
    """Every derived predicate's atoms in the states of random walks on ``family``'s problems
    (every rule compiled at first use)."""
    compiled.clear_cache()
    folder = ipc_root / family
    domain = parse_domain((folder / "domain.pddl").read_text())
    out = []
    for path in sorted(folder.glob("p*.pddl"))[:2]:
        problem = parse_problem(path.read_text(), domain)
        state = problem.init
        for seed in range(3):
            plan, _ = random_walk(domain, problem, 6, seed)
            state = problem.init
            for step in plan:
                action = domain.actions[step.action]
                vals = step.args + action.compiled.symbols
                dels = {g(vals) for g in action.compiled.dels}
                adds = {g(vals) for g in action.compiled.adds}
                if action.compiled.extra is not None:
                    World(problem, state).effects(action.compiled.extra, action.variables,
                                                  step.args, adds, dels)
                state = (state - dels) | adds
                problem._derived_cache.clear()
                out.append(World(problem, state).derived())
    return out


@pytest.mark.parametrize("family", ["psr-large", "optical-telegraphs"])
def test_a_first_round_without_the_empty_strata_derives_what_the_full_rules_derive(
    ipc_root: Path, family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(world, "RECURSIVE_RULE_COMPILE_BUDGET", 0.0)
    monkeypatch.setattr(world, "RULE_COMPILE_BUDGET", 0.0)
    pruned = _derived_along_walks(ipc_root, family)
    monkeypatch.setattr(world, "_first_round_empty", lambda _domain, _pred: frozenset())
    full = _derived_along_walks(ipc_root, family)
    assert len(pruned) >= 12 and any(any(atoms.values()) for atoms in pruned)
    assert pruned == full


def test_a_first_round_rule_has_no_branch_through_its_empty_stratum(ipc_root: Path) -> None:
    compiled.clear_cache()
    domain = parse_domain((ipc_root / "psr-large" / "domain.pddl").read_text())
    rule = domain.derived["upstream"][0]  # closed x and (con x ... or exists z: upstream ...)
    derived = frozenset(domain.derived)
    full = compiled.compile_rule(rule.head, rule.parts, rule.variables, derived, None)
    first = compiled.compile_rule(rule.head, rule.parts, rule.variables, derived, None,
                                  frozenset(["upstream"]))
    # the full rule reads upstream's table (TB, for derived predicates' tables); the first
    # round's reads no derived table at all
    assert "TB" in full.__code__.co_varnames
    assert "TB" not in first.__code__.co_varnames


def test_the_shared_prefix_found_by_halving_is_the_one_step_by_step() -> None:
    rng = random.Random(5)
    steps = [parse_plan(f"(a o{i})")[0] for i in range(2)]
    for _ in range(3000):
        plan = tuple(rng.choice(steps) for _ in range(rng.randint(0, 12)))
        other = tuple(rng.choice(steps) for _ in range(rng.randint(0, 12)))
        limit = rng.choice([None, rng.randint(0, 12)])
        end = min(len(plan), len(other), len(plan) if limit is None else limit)
        expected = next((i for i in range(end) if plan[i] != other[i]), end)
        assert _shared(plan, other, limit) == expected


def test_reports_made_through_their_slots_equal_the_constructors() -> None:
    from nsr.backends.pddl.grounded import ValidationReport

    made = [ValidationReport.success(3, 2.0), ValidationReport.success(0),
            ValidationReport.precondition_failed(2, "(a b)", ("(p b)",), applied=1,
                                                 unmet_goals=("(q)",), goal_fraction=0.5),
            ValidationReport.goal_not_reached(4, ("(q)", "(r)"), 3, 1 / 3)]
    expected = [
        ValidationReport(True, None, "ok", "valid plan: 3 steps reach the goal, total cost 2",
                         steps_applied=3, goal_fraction=1.0, cost=2.0),
        ValidationReport(True, None, "ok", "valid plan: 0 steps reach the goal",
                         goal_fraction=1.0),
        ValidationReport(False, 2, "precondition", "step 2 (a b): precondition (p b) not "
                         "satisfied", ("(q)",), 1, 0.5, ("(p b)",)),
        ValidationReport(False, None, "goal_not_reached", "after 4 steps, 2 of 3 goals not "
                         "reached: (q), (r)", ("(q)", "(r)"), 4, 1 / 3),
    ]
    assert made == expected
    assert [r.to_dict() for r in made] == [r.to_dict() for r in expected]


def test_names_each_typed_alone_read_as_the_loop_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nsr.backends.pddl import quick

    rng = random.Random(1)
    cases = []
    for _ in range(3000):
        words = [rng.choice(["a", "b", "?x", "c", "-", ["either", "t", "u"]]) for _ in range(2)]
        items = [x for _ in range(rng.choice([2, 3, 5]))
                 for x in (rng.choice(words), "-", rng.choice(["t", "u", "v", "-"]))]
        for types in (None, {"t": 1, "u": 1, "object": 1}):
            for variables in (False, True):
                cases.append((items, types, variables))
    fast = [quick.typed_names(i, t, variables=v) for i, t, v in cases]
    monkeypatch.setattr(quick, "_each_typed", lambda *_args: None)
    assert fast == [quick.typed_names(i, t, variables=v) for i, t, v in cases]
    assert sum(found is not None for found in fast) > 500  # many accepted, not only refusals
