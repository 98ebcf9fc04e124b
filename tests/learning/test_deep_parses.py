"""A 10,000-deep parse through every walk of the answering path: Python execution, the parse
as a runtime tree and as Prolog text, SWI-Prolog execution, and why a root has no value."""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("torch")

from nsr.model.execute import execute  # noqa: E402
from nsr.model.limits import limit_hit, node_failure  # noqa: E402
from nsr.model.model import NsrModel, Parse  # noqa: E402
from nsr.model.prolog_export import postfix, predict_prolog, tree_term  # noqa: E402
from nsr.semantics.errors import BudgetExceeded  # noqa: E402
from nsr.semantics.parser import parse_program  # noqa: E402
from nsr.syntax.tree import Tree  # noqa: E402

DEPTH = 10_000


def _model() -> NsrModel:
    """Symbols ``z`` (zero), ``s`` (successor) and ``big`` (a count-down far past the step
    budget): enough to build deep trees without training anything."""
    model = NsrModel(["z", "s", "big"], library="numbers")
    model.programs = {
        0: parse_program("lambda: zero()"),
        1: parse_program("lambda x: inc(x)"),
        2: parse_program(
            "lambda x: let rec f(n) = if is_zero(n) then x else f(dec(n)) in f(1000000)"
        ),
    }
    return model


def _parse(model: NsrModel, symbols: list[int]) -> Parse:
    """A chain: position i hangs on position i + 1, so the first symbol is the deepest leaf."""
    tree = Tree((*range(1, len(symbols)), -1))
    values = execute(tree, symbols, model.programs)
    return Parse(tuple(model.symbol_names[s] for s in symbols), tuple(symbols), tree, values)


@pytest.fixture(scope="module")
def deep() -> tuple[NsrModel, Parse]:
    model = _model()
    return model, _parse(model, [0, *[1] * DEPTH])


def test_python_execution_of_a_deep_parse(deep) -> None:
    _, parse = deep
    assert DEPTH > sys.getrecursionlimit()  # noqa: SIM300 - the point of the test
    assert parse.output == DEPTH


def test_postfix_steps_and_prolog_text_of_a_deep_parse(deep) -> None:
    model, parse = deep
    assert postfix(model, parse) == [("z", 0, None)] + [("s", 1, None)] * DEPTH
    text = tree_term(model, parse)
    assert text == "node(s, [" * DEPTH + "node(z, [])" + "])" * DEPTH


def test_tree_term_keeps_children_in_order_and_data_leaves() -> None:
    model = _model()
    tree = Tree((1, -1))
    parse = Parse(("z", "s"), (0, 1), tree, (None, None), given={0: 4})
    assert tree_term(model, parse) == "node(s, [value(4)])"
    assert postfix(model, parse) == [("z", 0, 4), ("s", 1, None)]


@pytest.mark.prolog
def test_prolog_execution_of_a_deep_parse(deep) -> None:
    model, parse = deep
    assert predict_prolog(model, [parse]) == [DEPTH]


@pytest.mark.prolog
@pytest.mark.parametrize("engine", ["python", "prolog"])
def test_a_limit_deep_in_the_tree_is_reported_as_a_limit(engine: str) -> None:
    model = _model()
    parse = _parse(model, [0, *[1] * DEPTH, 2, 1])  # 'big' sits on top of the deep chain
    assert parse.output is None
    if engine == "python":
        failed = node_failure(parse.tree, parse.symbols, model.programs, parse.values)
        assert failed is not None and failed[0] == DEPTH + 1
        assert isinstance(failed[1], BudgetExceeded)
    limit = limit_hit(model, parse, engine)
    assert isinstance(limit, BudgetExceeded)
    assert "resource limit hit" in str(limit) and "\n" not in str(limit)


def test_no_limit_when_a_program_does_not_apply() -> None:
    model = _model()
    model.programs[2] = parse_program("lambda x: car(x)")  # car of a number: a type error
    parse = _parse(model, [0, 2])
    assert parse.output is None
    assert limit_hit(model, parse, "python") is None


def test_the_fallback_beam_is_for_short_inputs_only(monkeypatch) -> None:
    # Beam decoding copies every candidate state at every step (quadratic in the length): a
    # long input whose greedy parse fails gets no answer at once instead of a search for hours.
    from nsr.model.model import FALLBACK_MAX_NODES

    model = _model()
    beams: list[int] = []

    def beam(symbols, arities, width):
        beams.append(len(symbols))
        return []

    monkeypatch.setattr(model.parser, "parse_greedy", lambda items: [None] * len(items))
    monkeypatch.setattr(model.parser, "parse_beam", beam)
    short, long = ["s"] * 5 + ["z"], ["s"] * FALLBACK_MAX_NODES + ["z"]
    assert [p.tree for p in model.run([short, long])] == [None, None]
    assert beams == [len(short)]
