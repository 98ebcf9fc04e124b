"""A right example's tree follows its mates' tree where both give its answer (a tie only)."""

from __future__ import annotations

from itertools import pairwise

import pytest

pytest.importorskip("torch")

from nsr.learning.loop import _sort_out  # noqa: E402
from nsr.learning.mate_trees import mate_trees, tree_arcs  # noqa: E402
from nsr.learning.steps import Labelled, interchangeable_symbols  # noqa: E402
from nsr.model.execute import execute  # noqa: E402
from nsr.model.model import NsrModel, Parse  # noqa: E402
from nsr.semantics.parser import parse_program  # noqa: E402
from nsr.syntax.tree import Tree  # noqa: E402
from nsr.tasks.base import Example  # noqa: E402

VOCAB = ("1", "2", "3", "-")
SYMBOL = {t: i for i, t in enumerate(VOCAB)}
#: truncated subtraction, as HINT's ``-`` would be learned
MINUS = ("lambda x, y: let rec f(x, y) = if is_zero(y) then x else dec(f(x, dec(y))) "
         "in f(x, y)")
RIGHT = Tree((1, -1, 3, 1, 3))  # a - (b - c)
LEFT = Tree((1, 3, 1, -1, 3))   # (a - b) - c


def _model() -> NsrModel:
    model = NsrModel(VOCAB, "numbers", seed=0)
    model.perception.fit(list(VOCAB), list(range(len(VOCAB))), seed=0)
    for digit in ("1", "2", "3"):
        model.programs[SYMBOL[digit]] = parse_program(f"lambda: {digit}")
    model.programs[SYMBOL["-"]] = parse_program(MINUS)
    return model


def _parse(model: NsrModel, text: str, tree: Tree) -> Parse:
    tokens = tuple(text.split())
    symbols = tuple(SYMBOL[t] for t in tokens)
    return Parse(tokens, symbols, tree, tuple(execute(tree, symbols, model.programs)))


def _label(model: NsrModel, text: str) -> Labelled:
    p = _parse(model, text, LEFT)
    return Labelled(p.tokens, p.symbols, LEFT)


def test_digits_are_mates() -> None:
    assert interchangeable_symbols(_model()) == {0: [1, 2], 1: [0, 2], 2: [0, 1]}


def test_a_constant_written_another_way_is_a_mate_where_it_stands_like_one() -> None:
    """0 (zero()) and 1 (inc(zero())) are number constants like 3; a bracket that means 0
    too is no digit's mate once the inputs show it is followed by operands, not operators
    (it stays the mate of 0, whose program reads like its own)."""
    model = NsrModel((*VOCAB, "0", "("), "numbers", seed=0)
    zero, bracket = len(VOCAB), len(VOCAB) + 1
    model.programs.update({SYMBOL["1"]: parse_program("lambda: inc(zero())"),
                           SYMBOL["2"]: parse_program("lambda: 2"),
                           SYMBOL["3"]: parse_program("lambda: 3"),
                           SYMBOL["-"]: parse_program(MINUS),
                           zero: parse_program("lambda: zero()"),
                           bracket: parse_program("lambda: zero()")})
    digits = [SYMBOL["1"], SYMBOL["2"], SYMBOL["3"], zero]
    assert set(interchangeable_symbols(model)) == {*digits, bracket}
    minus = SYMBOL["-"]
    inputs = [(SYMBOL["1"], minus, zero), (zero, minus, SYMBOL["3"]),
              (SYMBOL["2"], minus, bracket, SYMBOL["3"]), (SYMBOL["3"],)]
    mates = interchangeable_symbols(model, inputs)
    assert mates[bracket] == [zero] and sorted(mates[zero]) == sorted([*digits[:3], bracket])


def test_words_whose_programs_read_alike_are_mates_without_a_common_neighbour() -> None:
    """Sparse data: 2 and 3 never share a neighbour here, yet their programs read alike."""
    model = _model()
    minus = SYMBOL["-"]
    inputs = [(SYMBOL["2"], minus, SYMBOL["1"]), (SYMBOL["1"], minus, SYMBOL["3"])]
    assert interchangeable_symbols(model, inputs)[SYMBOL["2"]] == [SYMBOL["1"], SYMBOL["3"]]


def test_a_tie_takes_the_tree_its_mates_get(monkeypatch) -> None:
    model = _model()
    # 1 - (3 - 2) = 0 = (1 - 3) - 2: a tie; the swapped copies all parse left
    tie = _parse(model, "1 - 3 - 2", RIGHT)
    assert tie.output == 0
    monkeypatch.setattr(model.parser, "parse_greedy", lambda items: [LEFT] * len(items))
    mates = interchangeable_symbols(model)
    assert mate_trees(model, [tie], [0], mates) == {0: LEFT}
    # through the loop's bookkeeping: the pseudo-label is the mates' tree (other labelled
    # inputs show the digits' other neighbours, and every arc of the new tree)
    labels = _labels(model, "3 - 2 - 1", "1 - 3 - 1")
    wrong, _ = _sort_out(model, [Example(tie.tokens, 0, "t")], [tie], labels)
    assert wrong == [] and labels[tie.tokens].tree == LEFT


def _labels(model: NsrModel, *texts: str) -> dict:
    return {tuple(t.split()): _label(model, t) for t in texts}


def test_a_tree_with_an_arc_no_label_has_is_not_taught(monkeypatch) -> None:
    """The copies' tree must be built from attachments the labelled trees already make; one
    they never make is the parser's guess on inputs it does not know."""
    model = _model()
    tie = _parse(model, "1 - 3 - 2", RIGHT)
    monkeypatch.setattr(model.parser, "parse_greedy", lambda items: [LEFT] * len(items))
    mates = interchangeable_symbols(model)
    known = {arc for lab in _labels(model, "1 - 3 - 1").values()
             for arc in tree_arcs(lab.symbols, lab.tree)}
    assert (SYMBOL["-"], SYMBOL["2"], False) not in known  # 2 never stands right of a -
    assert mate_trees(model, [tie], [0], mates, arcs=known) == {}
    known.add((SYMBOL["-"], SYMBOL["2"], False))
    assert mate_trees(model, [tie], [0], mates, arcs=known) == {0: LEFT}
    # the loop takes the arcs from its labels
    labels = _labels(model, "3 - 2 - 1")
    _sort_out(model, [Example(tie.tokens, 0, "t")], [tie], labels)
    assert labels[tie.tokens].tree == RIGHT


def test_an_answer_that_needs_its_own_tree_keeps_it(monkeypatch) -> None:
    model = _model()
    # 3 - (1 - 1) = 3, but (3 - 1) - 1 = 1: only the example's own tree is right
    own = _parse(model, "3 - 1 - 1", RIGHT)
    assert own.output == 3
    monkeypatch.setattr(model.parser, "parse_greedy", lambda items: [LEFT] * len(items))
    assert mate_trees(model, [own], [3], interchangeable_symbols(model)) == {}


def test_copies_that_disagree_move_nothing(monkeypatch) -> None:
    model = _model()
    tie = _parse(model, "1 - 3 - 2", RIGHT)
    answers = iter([LEFT, RIGHT])  # the first copy reads it left, the second right
    monkeypatch.setattr(model.parser, "parse_greedy",
                        lambda items: [next(answers) for _ in items])
    assert mate_trees(model, [tie], [0], interchangeable_symbols(model)) == {}


def test_wrong_and_short_examples_are_left_alone(monkeypatch) -> None:
    model = _model()
    tie = _parse(model, "1 - 3 - 2", RIGHT)
    calls: list = []
    monkeypatch.setattr(model.parser, "parse_greedy", lambda items: calls.append(items) or [])
    assert mate_trees(model, [tie], [5], interchangeable_symbols(model)) == {}  # wrong
    single = _parse(model, "2", Tree((-1,)))
    assert mate_trees(model, [single], [2], interchangeable_symbols(model)) == {}
    assert calls == []  # nothing was worth a parse


def test_a_settled_label_is_not_checked_again(monkeypatch) -> None:
    model = _model()
    tie = _parse(model, "1 - 3 - 2", RIGHT)
    calls: list = []
    monkeypatch.setattr(model.parser, "parse_greedy",
                        lambda items: calls.append(items) or [LEFT] * len(items))
    mates = interchangeable_symbols(model)
    assert mate_trees(model, [tie], [0], mates, settled=[True]) == {}
    assert calls == []
    # the loop: an example whose label is already its parse's tree is settled
    labels = _labels(model, "3 - 2 - 1", "1 - 3 - 1")
    example = Example(tie.tokens, 0, "t")
    parsed = [len(calls)]  # copies parsed (one parser call per copy: they move on agreeing)
    _sort_out(model, [example], [tie], labels)  # new: checked, moved to the mates' tree
    parsed.append(sum(map(len, calls)))
    assert labels[tie.tokens].tree == LEFT and parsed == [0, 2]
    _sort_out(model, [example], [tie], labels)  # its parse still differs from its label
    parsed.append(sum(map(len, calls)))
    assert parsed == [0, 2, 4]
    left = _parse(model, "1 - 3 - 2", LEFT)
    _sort_out(model, [example], [left], labels)  # the parser now gives the label's tree
    assert sum(map(len, calls)) == 4 and labels[tie.tokens].tree == LEFT


def test_a_copy_that_keeps_the_own_tree_ends_the_check(monkeypatch) -> None:
    """The second copy is parsed only when the first reads the input another way."""
    model = _model()
    tie = _parse(model, "1 - 3 - 2", RIGHT)
    calls: list = []
    monkeypatch.setattr(model.parser, "parse_greedy",
                        lambda items: calls.append(items) or [RIGHT] * len(items))
    assert mate_trees(model, [tie], [0], interchangeable_symbols(model)) == {}
    assert [len(items) for items in calls] == [1]


def test_copies_hold_only_neighbours_the_data_has(monkeypatch) -> None:
    """A copy unlike every training input (a pair of neighbours never seen) is not drawn: the
    parser's tree for it would be a guess."""
    model = _model()
    tie = _parse(model, "1 - 3 - 2", RIGHT)
    monkeypatch.setattr(model.parser, "parse_greedy", lambda items: [LEFT] * len(items))
    mates = interchangeable_symbols(model)
    own = set(pairwise(tie.symbols))
    assert mate_trees(model, [tie], [0], mates, seen=own) == {}  # 2 -, - 1 ... never seen
    every = {(d, SYMBOL["-"]) for d in range(3)} | {(SYMBOL["-"], d) for d in range(3)}
    assert mate_trees(model, [tie], [0], mates, seen=every) == {0: LEFT}
