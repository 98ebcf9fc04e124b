"""Parses only the fallback beam got right are flagged, and the loop can learn from them."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from nsr.learning.loop import _sort_out  # noqa: E402
from nsr.model.model import NsrModel  # noqa: E402
from nsr.perception.segments import OPEN_KEY  # noqa: E402
from nsr.semantics.parser import parse_program  # noqa: E402
from nsr.tasks.base import Example  # noqa: E402

LETTERS = r"[A-Z][0-9]+"
VOCAB = (OPEN_KEY, "reverse")


def _model() -> NsrModel:
    model = NsrModel(VOCAB, "sequences", seed=0, open_class=LETTERS)
    model.perception.fit(list(VOCAB), [0, 1], seed=0)
    model.programs[1] = parse_program("lambda x: reverse(x)")
    return model


def test_a_tree_found_only_by_the_fallback_beam_is_flagged(monkeypatch) -> None:
    model = _model()
    inputs = [("reverse", "A1", "B2")]
    (greedy,) = model.run(inputs)
    assert greedy.output == ("B2", "A1") and not greedy.rescued
    # Greedy decoding that paints itself into a corner: the beam's tree is the answer.
    monkeypatch.setattr(model.parser, "parse_greedy", lambda items: [None] * len(items))
    (parse,) = model.run(inputs)
    assert parse.output == ("B2", "A1") and parse.rescued


def test_sort_out_returns_the_labels_only_the_beam_found(monkeypatch) -> None:
    model = _model()
    examples = [Example(("reverse", "A1", "B2"), ("B2", "A1"), "r"),
                Example(("reverse", "C3"), ("D4",), "w")]
    monkeypatch.setattr(model.parser, "parse_greedy", lambda items: [None] * len(items))
    parses = model.run([ex.source for ex in examples])
    labels: dict = {}
    wrong, rescued = _sort_out(model, examples, parses, labels)
    assert [t for _, t in wrong] == [("D4",)]
    assert set(labels) == {examples[0].source}
    assert [lab.tokens for lab in rescued] == [examples[0].source]
    assert rescued[0] is labels[examples[0].source]
    # Greedy trees are no rescue: nothing to report.
    monkeypatch.undo()
    assert _sort_out(model, examples, model.run([ex.source for ex in examples]), {})[1] == []
