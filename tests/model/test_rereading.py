"""Second readings: an input whose most probable reading has no tree is read again, one segment
changed, most probable first; an answered input is never changed, and the learner's own
scoring never re-reads."""

from __future__ import annotations

import math

import pytest

from nsr.model.rereading import second_readings

# symbols 0, 1: leaves; 2: a binary operator; 3: a symbol with no program
ARITY = (0, 0, 2, -1)


def _rows(*probs: tuple[float, ...]) -> list[list[float]]:
    return [[math.log(p) for p in row] for row in probs]


def test_readings_fix_the_arity_count_most_probable_change_first() -> None:
    # "0 1 1": three leaves, no tree; segment 1 is the likelier operator (0.3 vs 0.2)
    log_probs = _rows((0.9, 0.05, 0.04, 0.01), (0.1, 0.59, 0.3, 0.01), (0.1, 0.6, 0.2, 0.1))
    readings = second_readings((0, 1, 1), log_probs, ARITY)
    assert readings == [(0, 2, 1), (0, 1, 2), (2, 1, 1)]
    assert second_readings((0, 1, 1), log_probs, ARITY, limit=1) == [(0, 2, 1)]


def test_a_symbol_without_a_program_is_the_one_changed() -> None:
    log_probs = _rows((0.9, 0.04, 0.05, 0.01), (0.1, 0.1, 0.3, 0.5), (0.1, 0.8, 0.05, 0.05))
    assert second_readings((0, 3, 1), log_probs, ARITY) == [(0, 2, 1)]
    # two symbols without programs: one change cannot mend both
    assert second_readings((3, 3, 1), log_probs, ARITY) == []


def test_rows_must_match_symbols() -> None:
    with pytest.raises(ValueError):
        second_readings((0, 1), _rows((0.5, 0.5, 0.0001, 0.0001)), ARITY)


def _model():
    pytest.importorskip("torch")
    from nsr.model.model import NsrModel
    from nsr.semantics.parser import parse_program

    vocab = ("jump", "look", "and")
    model = NsrModel(vocab, "lists", seed=0)
    model.perception.fit(list(vocab), [0, 1, 2], seed=0)
    model.programs[0] = parse_program("lambda: singleton('I_JUMP')")
    model.programs[1] = parse_program("lambda: singleton('I_LOOK')")
    model.programs[2] = parse_program("lambda x, y: append(x, y)")
    return model


def _misread_and(model, monkeypatch) -> None:
    """Perception reads "and" as "look" (0.6), "and" second (0.35)."""
    table = {"jump": (0.9, 0.05, 0.05), "look": (0.05, 0.9, 0.05), "and": (0.05, 0.6, 0.35)}
    monkeypatch.setattr(model.perception, "predict", lambda tokens: (
        [max(range(3), key=table[t].__getitem__) for t in tokens],
        [max(table[t]) for t in tokens]))
    monkeypatch.setattr(model.perception, "log_probs",
                        lambda tokens: [[math.log(p) for p in table[t]] for t in tokens])


def test_a_misread_input_is_answered_by_its_second_reading(monkeypatch) -> None:
    model = _model()
    _misread_and(model, monkeypatch)
    source = ("jump", "and", "look")
    (parse,) = model.run([source])
    assert parse.symbols == (0, 2, 1) and parse.reread == (1,)
    assert parse.output == ("I_JUMP", "I_LOOK")
    assert model.predict([source]) == [("I_JUMP", "I_LOOK")]
    # the learner scores itself without second readings: no tree, no answer
    assert model.predict([source], reread=False) == [None]
    (plain,) = model.run([source], answering=False)
    assert plain.symbols == (0, 1, 1) and plain.output is None


def test_an_answered_input_keeps_its_reading(monkeypatch) -> None:
    model = _model()
    _misread_and(model, monkeypatch)
    (parse,) = model.run([("jump",)])
    assert parse.symbols == (0,) and parse.output == ("I_JUMP",) and parse.reread == ()
    (parse,) = model.run([("look", "and")])  # two leaves read; no single change makes a tree
    assert parse.output is None


def test_explanations_mark_the_second_reading(monkeypatch) -> None:
    from nsr.commands.model_io import explanation_json

    model = _model()
    _misread_and(model, monkeypatch)
    (parse,) = model.run([("jump", "and", "look")])
    tree = explanation_json(model, parse, parse.values, {}, lambda i, s: model.program_text(s))
    assert (tree["word"], tree["symbol"], tree.get("second_reading")) == ("and", "and", True)
    assert [c.get("second_reading") for c in tree["children"]] == [None, None]
