"""Ground truth parsing and item building: every record shape, query renaming, plan tasks."""

from __future__ import annotations

import json

import pytest

from nsr.prototypes.record import record_from_dict
from nsr.verify import PlanItem, PrologItem, Verdict
from nsr.verify.targets import (
    GroundTruthError,
    NotApplicable,
    build_item,
    parse_ground_truth,
    single_answer_query,
)

from .conftest import load_record


def test_every_record_shape_gives_the_same_target(lists_record) -> None:
    shapes = [
        lists_record,
        json.dumps(lists_record),
        json.dumps(lists_record).encode(),
        record_from_dict(lists_record),
        {"record": lists_record},
        {"ground_truth": json.dumps(lists_record)},
    ]
    targets = [parse_ground_truth(shape) for shape in shapes]
    assert all(t == targets[0] for t in targets)
    assert targets[0].program == lists_record["prototype"]["program"]
    assert targets[0].answer == lists_record["answer"]


def test_flat_dict_is_accepted() -> None:
    target = parse_ground_truth({"kind": "prolog", "program": "p(1).", "query": "p(X)"})
    assert (target.kind, target.task, target.query) == ("prolog", "query_answer", "p(X)")


@pytest.mark.parametrize("truth", ["42", "not json", {"kind": "math"}, {"answer": "1"}, 7])
def test_rows_that_are_not_records_are_not_applicable(truth) -> None:
    with pytest.raises(NotApplicable):
        parse_ground_truth(truth)


def test_broken_record_names_the_problem() -> None:
    with pytest.raises(GroundTruthError, match="lacks program or query") as info:
        parse_ground_truth({"kind": "prolog", "id": "x1", "prototype": {"query": "p(X)"}})
    assert not isinstance(info.value, NotApplicable)
    with pytest.raises(GroundTruthError, match="unknown task"):
        parse_ground_truth({"kind": "pddl", "task": "fly", "domain": "d", "problem": "p"})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("setof(X, p(X), Answer)", "setof(_NsrX, p(_NsrX), Answer)"),
        ("p(Answer)", "p(Answer)"),
        ("q(X)", "q(X)"),  # no Answer: left alone
        ("f('X', \"Y\", 0'Z, Answer, Y2)", "f('X', \"Y\", 0'Z, Answer, _NsrY2)"),
        ("g(Answer, _Skip) % X here\n", "g(Answer, _Skip) % X here\n"),
        ("h(Answer, /* Y */ Z)", "h(Answer, /* Y */ _NsrZ)"),
        ("k('it''s X', Answer, W)", "k('it''s X', Answer, _NsrW)"),
    ],
)
def test_single_answer_query_renames_only_helper_variables(query, expected) -> None:
    assert single_answer_query(query) == expected


def test_prolog_item_runs_the_prototype_with_the_candidate(lists_record) -> None:
    item = build_item(parse_ground_truth(lists_record), "[1, 2]")
    assert isinstance(item, PrologItem)
    assert item.expected == "[1, 2]"
    assert item.program == lists_record["prototype"]["program"]


def test_plan_completion_fills_the_gap() -> None:
    record = load_record("blocksworld", "plan_completion")
    item = build_item(parse_ground_truth(record), record["answer"])
    assert isinstance(item, PlanItem)
    lines = item.plan.splitlines()
    proto = record["prototype"]
    assert lines[: len(proto["prefix"])] == proto["prefix"]
    assert lines[len(lines) - len(proto["suffix"]) :] == proto["suffix"]


def test_reordering_must_be_a_permutation() -> None:
    record = load_record("gripper", "plan_reordering")
    target = parse_ground_truth(record)
    steps = record["prototype"]["steps"]
    assert isinstance(build_item(target, "\n".join(reversed(steps))), PlanItem)
    dropped = build_item(target, "\n".join(steps[1:]))
    assert isinstance(dropped, Verdict)
    assert (dropped.score, dropped.reason) == (0.0, "invalid_plan")
    assert "missing" in dropped.message
    garbage = build_item(target, "pick ball1")
    assert isinstance(garbage, Verdict) and garbage.reason == "plan_syntax"


def test_step_lists_from_parquet_arrive_as_numpy_arrays() -> None:
    np = pytest.importorskip("numpy")
    record = load_record("gripper", "plan_completion")
    proto = dict(record["prototype"])
    proto["prefix"] = np.array(proto["prefix"], dtype=object)
    proto["suffix"] = np.array(proto["suffix"], dtype=object)
    target = parse_ground_truth({**record, "prototype": proto})
    assert target.prefix == tuple(record["prototype"]["prefix"])
    assert target.suffix == tuple(record["prototype"]["suffix"])


def test_every_export_layout_reads_to_the_same_target(lists_record) -> None:
    """One reader for the layouts our exports write (hf rows keep the prototype as JSON text,
    verl rows spread the record over ground_truth and extra_info, datasets fill absent
    columns with None, reasoning-gym entries carry it in metadata)."""
    from nsr.prototypes.export import flat_row, openrlhf_row, verl_row

    record = record_from_dict(lists_record)
    verl = verl_row(record, 0)
    shapes = [
        (flat_row(record), None),
        ({k: v for k, v in openrlhf_row(record).items() if k != "kind"}, None),
        ({"record": json.dumps(lists_record), "kind": None}, None),
        (verl["reward_model"]["ground_truth"], verl["extra_info"]),
        (verl, None),
        ({"question": "q", "answer": "a", "metadata": {"record": lists_record}}, None),
        ({**lists_record, "prototype": {**lists_record["prototype"], "domain": None,
                                        "prefix": None}}, None),
    ]
    want = parse_ground_truth(lists_record)
    for truth, extra in shapes:
        assert parse_ground_truth(truth, extra) == want, truth


def test_pddl_columns_filled_with_none_are_absent() -> None:
    record = load_record("grid", "plan_generation")
    filled = {**record, "prototype": {**record["prototype"], "prefix": None, "suffix": None,
                                      "steps": None, "program": None}}
    target = parse_ground_truth(filled)
    assert (target.prefix, target.suffix, target.steps) == ((), (), ())


@pytest.mark.parametrize("proto", ["{not json", "[1, 2]", 42])
def test_prototype_that_is_not_an_object_is_a_broken_record(lists_record, proto) -> None:
    with pytest.raises(GroundTruthError, match="prototype") as info:
        parse_ground_truth({**lists_record, "prototype": proto})
    assert not isinstance(info.value, NotApplicable)


def test_deeply_nested_json_text_is_a_broken_record_not_a_crash() -> None:
    with pytest.raises(GroundTruthError, match="nested too deeply"):
        parse_ground_truth("[" * 100_000 + "]" * 100_000)
