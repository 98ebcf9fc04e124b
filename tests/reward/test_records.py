"""Every shipped prototype record, fed to the reward core as a trainer would: the stored
(interpreter-derived) answer earns 1, a corrupted one earns 0."""

from __future__ import annotations

import json

import pytest

from nsr.resources import resource_path
from nsr.reward.scoring import score_batch

pytestmark = pytest.mark.prolog

FAMILIES = ("kinship", "knights", "lists", "graphs", "zebra", "scheduling",
            "blocksworld", "gripper", "grid", "logistics")


def corrupt(record: dict) -> str:
    """A wrong answer: a plan without its first step, or a Prolog term wrapped in f/1."""
    if record["kind"] == "pddl":
        return "\n".join(record["answer"].splitlines()[1:]) or "(no-such-action)"
    return f"f({record['answer']})"


@pytest.mark.parametrize("family", FAMILIES)
def test_stored_answers_score_one_and_corrupted_ones_zero(family) -> None:
    path = resource_path("prototypes", "examples", f"{family}.jsonl")
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    truths = [json.dumps(r) for r in records]  # as verl / OpenRLHF store them
    answers = [f"<answer>{r['answer']}</answer>" for r in records]
    good = score_batch(answers, truths)
    assert [(v.score, v.reason) for v in good] == [(1.0, "ok")] * len(records)
    bad = score_batch([f"<answer>{corrupt(r)}</answer>" for r in records], truths)
    assert all(v.score == 0.0 for v in bad), [v.reason for v in bad]
