"""Few-shot new concepts: `nsr train --init CHECKPOINT` learns a new word from a handful of
examples and keeps what the model knew."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("torch")

from nsr.cli import main  # noqa: E402
from nsr.learning.loop import load_model  # noqa: E402
from nsr.tasks.scan.oracle import interpret  # noqa: E402

if TYPE_CHECKING:
    from nsr.syntax.tree import Tree

SHIPPED = Path(__file__).resolve().parents[2] / "nsr" / "learning" / "pretrained" / "scan-simple.json"

#: A new verb `dax` (action I_DAX) in ten short commands, written as SCAN writes `jump`.
TEN = ["dax", "dax twice", "walk and dax", "dax left", "dax after run", "dax around right",
       "look and dax", "dax opposite left", "dax thrice", "run after dax"]


def _with_dax(command: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    words = tuple("jump" if w == "dax" else w for w in command.split())
    actions = tuple("I_DAX" if a == "I_JUMP" else a for a in interpret(words))
    return tuple(command.split()), actions


def test_a_new_verb_from_ten_examples_keeps_the_old_words(tmp_path: Path, capsys) -> None:
    train = tmp_path / "dax.txt"
    train.write_text("".join(f"IN: {c} OUT: {' '.join(_with_dax(c)[1])}\n" for c in TEN))
    out = tmp_path / "run"
    assert main(["train", "scan", "--init", str(SHIPPED), "--train-file", str(train),
                 "--out", str(out), "--quiet"]) == 0
    model, _ = load_model(out)
    old, _ = load_model(SHIPPED)
    # every old program kept, one new one learned
    for sym, prog in old.programs.items():
        assert model.programs[model.symbol_names.index(old.symbol_names[sym])] == prog
    assert model.program_text(model.symbol_names.index("dax")) == "lambda: singleton('I_DAX')"
    unseen = ["dax around left twice and walk opposite right", "look thrice after dax left",
              "dax opposite right thrice after look around left twice", "walk twice"]
    preds = model.predict([tuple(c.split()) for c in unseen])
    assert preds == [_with_dax(c)[1] for c in unseen]


def test_init_needs_new_examples_and_a_token_model(tmp_path: Path, capsys) -> None:
    assert main(["train", "scan", "--init", str(SHIPPED), "--out", str(tmp_path / "x")]) == 2
    assert "--train-file" in capsys.readouterr().err


# -- the mechanism: what the model knew is held (small, fast, no training run) ---------------

def _infix(n_digits: int, op: int) -> tuple[tuple[int, ...], list[int], Tree]:
    """``d op d op d ...`` (left-associative) over symbols 0 (a digit) and ``op``."""
    from nsr.syntax.tree import Tree

    symbols, heads = [0], [1 if n_digits > 1 else -1]
    for i in range(1, n_digits):
        symbols += [op, 0]
        at = 2 * i - 1  # the operator: head of the previous operator (or digit) and a digit
        heads[-2 if i > 1 else 0] = at
        heads += [at + 2 if i < n_digits - 1 else -1, at]
    return tuple(symbols), [2 if s == op else 0 for s in symbols], Tree(tuple(heads))


def test_a_held_parser_trains_only_the_new_symbols_rows() -> None:
    """With ``frozen_symbols``, fitting trees of a new symbol moves its embedding and nothing
    an old-only input reads: the old inputs' transition scores stay exactly the same."""
    from nsr.syntax.parser import Parser, ParserConfig

    old = Parser(ParserConfig(n_symbols=2, projective=True), seed=0)
    old.fit([_infix(n, 1) for n in (2, 3, 4)], seed=0, epochs=2)
    grown = Parser(ParserConfig(n_symbols=3, projective=True, frozen_symbols=2), seed=1)
    weights = {k: v.clone() for k, v in old.net.state_dict().items()}
    fresh = grown.net.state_dict()["sym.weight"].clone()
    fresh[: weights["sym.weight"].shape[0]] = weights["sym.weight"]
    grown.net.load_state_dict({**weights, "sym.weight": fresh})
    grown.in_context = [*old.in_context, False]
    sym, ar, probe = _infix(5, 1)
    before = grown.score(sym, ar, probe)
    new_row = fresh[4].clone()
    grown.fit([_infix(n, 2) for n in (2, 3, 4)], seed=0, epochs=3)
    assert grown.score(sym, ar, probe) == before  # old-only input: bit for bit
    assert grown.score(sym, ar, probe) == old.score(sym, ar, probe)
    assert not grown.net.sym.weight[4].detach().equal(new_row)  # the new symbol learned
    for name, value in grown.net.state_dict().items():
        if name != "sym.weight":
            assert value.equal(weights[name]), name


def test_extending_holds_the_old_symbols_and_an_empty_extension_copies() -> None:
    from nsr.model.extend import extend_vocabulary

    old, _ = load_model(SHIPPED)
    grown = extend_vocabulary(old, ["dax", "walk"], seed=0)
    assert grown.parser.cfg.frozen_symbols == len(old.symbol_names)
    assert grown.symbol_names == (*old.symbol_names, "dax")
    free = extend_vocabulary(old, ["dax"], seed=0, hold_parser=False)
    assert free.parser.cfg.frozen_symbols == 0
    same = extend_vocabulary(grown, ["walk", "dax"], seed=0)
    assert same is not grown and same.state_dict()["parser"]["config"] == \
        grown.state_dict()["parser"]["config"]
    assert same.programs == grown.programs


def test_the_free_parser_is_tried_only_when_the_held_one_cannot_fit(tmp_path: Path) -> None:
    """``train_from``: the held run is kept when it fits the new data (95%: solved); otherwise
    the run with every parser weight free, if it fits more (the runs here are canned: the
    policy only)."""
    from nsr.learning.config import LearnerConfig
    from nsr.learning.fewshot import train_from
    from nsr.learning.loop import TrainResult
    from nsr.tasks.base import Example

    old, _ = load_model(SHIPPED)
    data = [Example(("dax",), ("I_DAX",), "t:0")]
    for held_acc, free_acc, runs, kept in [(1.0, 1.0, 1, "held"), (0.97, 1.0, 1, "held"),
                                           (0.5, 0.9, 2, "free"), (0.9, 0.5, 2, "held")]:
        seen: list[int] = []

        def fit(examples, grown, held_acc=held_acc, free_acc=free_acc, seen=seen):
            held = grown.parser.cfg.frozen_symbols > 0
            seen.append(grown.parser.cfg.frozen_symbols)
            return TrainResult(grown, [{"train_acc": held_acc if held else free_acc}], 1.0)

        out = train_from(old, data, LearnerConfig(), fit, seed=0, out=None)
        assert len(seen) == runs and seen[0] == len(old.symbol_names)
        assert (out.model.parser.cfg.frozen_symbols > 0) == (kept == "held")
        assert out.seconds == runs


def test_a_new_symbol_takes_the_parser_row_of_the_old_symbol_whose_syntax_it_has() -> None:
    """A held parser's new operator whose row has another precedence's syntax (``*``'s)
    misparses; seated, it takes the row of an old operator of its own precedence and gets every
    example right, and the old rows stay."""
    import random

    from nsr.learning.fewshot import seat_new_symbols
    from nsr.model.extend import extend_vocabulary
    from nsr.tasks.hint.fewshot import Concept, draw

    hint, _ = load_model(SHIPPED.with_name("hint-symbols.json"))
    # ``sub``: HINT's own truncated minus under a new name, with the precedence of ``-``
    concept = Concept("sub", 1, lambda a, b: max(0, a - b))
    data = draw(concept, (2, 3), 20, random.Random(0))
    model = extend_vocabulary(hint, ["sub"], seed=3)
    new, minus = model.symbol_names.index("sub"), model.symbol_names.index("-")
    model.programs[new] = model.programs[minus]
    model.parser.in_context[new] = True  # as after training on trees holding it
    import torch

    from nsr.learning.loop import accuracy

    with torch.no_grad():  # a row that binds like ``*``: ``5 sub 2 * 3`` read as (5 sub 2) * 3
        table = model.parser.net.sym.weight
        table[2 + new] = table[2 + model.symbol_names.index("*")]
    assert accuracy(model, data) < 1.0
    rows = model.parser.net.sym.weight.detach().clone()
    seats, right = seat_new_symbols(model, data)
    assert right == 1.0 and seats.get("sub") in {"+", "-"}
    after = model.parser.net.sym.weight.detach()
    assert after[: 2 + new].equal(rows[: 2 + new])  # old rows untouched
    assert after[2 + new].equal(after[2 + model.symbol_names.index(seats["sub"])])
    # seated where the random row already gets every example right: nothing changes
    assert seat_new_symbols(model, data) == ({}, 1.0)
