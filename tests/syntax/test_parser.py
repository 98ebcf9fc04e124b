"""The MLP parser learns trees from their transitions and decodes them back."""

from __future__ import annotations

import random

import pytest

torch = pytest.importorskip("torch")

from nsr.syntax.parser import Parser, ParserConfig  # noqa: E402
from nsr.syntax.tree import Tree  # noqa: E402

# A toy language: symbol 0/1 are leaves, 2 is a unary postfix operator ("twice"),
# 3 is binary infix ("and"). Trees are determined by the symbols.


def _sentence(rng: random.Random) -> tuple[list[int], Tree]:
    def phrase(offset: int) -> tuple[list[int], list[int]]:
        if rng.random() < 0.5:
            return [rng.choice([0, 1])], [-1]
        return [rng.choice([0, 1]), 2], [offset + 1, -1]

    a_sym, a_heads = phrase(0)
    if rng.random() < 0.4:
        return a_sym, Tree(tuple(a_heads))
    conj = len(a_sym)
    b_sym, b_heads = phrase(conj + 1)
    heads = [conj if h == -1 else h for h in a_heads] + [-1]
    heads += [conj if h == -1 else h for h in b_heads]
    return a_sym + [3] + b_sym, Tree(tuple(heads))


ARITY = {0: 0, 1: 0, 2: 1, 3: 2}


def test_parser_learns_toy_trees_and_round_trips_state() -> None:
    rng = random.Random(0)
    data = [_sentence(rng) for _ in range(300)]
    parser = Parser(ParserConfig(n_symbols=4, epochs=20), seed=0)
    parser.fit([(s, [ARITY[x] for x in s], t) for s, t in data], seed=0)
    test = [_sentence(rng) for _ in range(50)]
    # without arities, the parser must rely on what it learned
    got = parser.parse_greedy([(s, [-1] * len(s)) for s, _ in test])
    assert sum(g == t for g, (_, t) in zip(got, test, strict=True)) >= 45
    s, t = next((s, t) for s, t in test if len(s) > 3)
    beam = parser.parse_beam(s, [-1] * len(s), width=4)
    assert beam[0][0] == t
    assert beam[0][1] >= beam[-1][1]
    clone = Parser.from_state(parser.state_dict())
    assert clone.parse_greedy([(s, [-1] * len(s)) for s, _ in test]) == got
    sampled = parser.sample(s, [ARITY[x] for x in s], random.Random(1))
    assert sampled is not None and len(sampled) == len(s)


def test_unseen_symbol_is_parsed_by_its_arity() -> None:
    rng = random.Random(1)
    data = [_sentence(rng) for _ in range(300)]
    # symbol 4 is a leaf seen only alone: its identity is unknown in context
    parser = Parser(ParserConfig(n_symbols=5, epochs=20), seed=0)
    parser.fit([(s, [ARITY[x] for x in s], t) for s, t in data] + [([4], [0], Tree((-1,)))], seed=0)
    assert not parser.in_context[4]
    (tree,) = parser.parse_greedy([([4, 2, 3, 1], [0, 1, 2, 0])])
    assert tree == Tree((1, 2, -1, 2))


def test_projective_parser_never_builds_a_crossing_tree() -> None:
    # A non-projective training tree is dropped (its SWAP target could never be decoded), and
    # greedy, beam and sampled trees are all projective; the setting survives a state round trip.
    parser = Parser(ParserConfig(n_symbols=3, epochs=5, projective=True), seed=0)
    crossing = Tree((2, -1, 1))  # 2 heads 0 across 1
    assert not crossing.is_projective()
    assert parser.fit([([0, 1, 2], [-1, -1, -1], crossing)] * 20, seed=0) == 0.0
    rng = random.Random(0)
    items = [([0, 1, 2, 0, 1], [-1] * 5), ([2, 1, 0], [-1] * 3)]
    trees = [t for t in parser.parse_greedy(items) if t is not None]
    trees += [t for s, a in items for t, _ in parser.parse_beam(s, a, width=8)]
    trees += [parser.sample(s, a, rng) for s, a in items for _ in range(20)]
    assert trees and all(t is not None and t.is_projective() for t in trees)
    assert Parser.from_state(parser.state_dict()).cfg.projective


def test_features_of_a_configuration() -> None:
    """The parser's input, slot by slot, for a state with a child, an unknown arity and an
    arity past the largest code."""
    from nsr.syntax.parser import PAD, features
    from nsr.syntax.transitions import RIGHT, SHIFT, State

    state = State.initial(4)
    for t in (SHIFT, SHIFT, SHIFT, RIGHT):  # stack 0 1 (1 holds 2), buffer 3
        state.apply(t)
    sym, ar, cnt = features(state, [10, 11, 12, 13], [2, -1, 0, 9])
    assert sym == [11, 10, PAD, 13, PAD, 12, 12, PAD, PAD]  # s0 s1 s2 b0 b1, kids of s0, s1
    assert ar == [1, 4, 0, 8, 0]  # unknown, 2 + 2, none, 2 + 6 (capped), none
    assert cnt == [1, 0, 6, 2, 1]  # kids of s0, s1; s0 open-ended; s1 lacks 2; in order
    assert features(State.initial(1), [10], [0]) == ([PAD, PAD, PAD, 10] + [PAD] * 5,
                                                     [0, 0, 0, 2, 0], [7, 7, 7, 7, 2])
