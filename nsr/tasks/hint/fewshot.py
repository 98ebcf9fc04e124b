"""Few-shot new HINT concepts: a new operator or a new number learned from a few expressions.

HINT's few-shot test (Li et al. 2023) teaches a trained model one new concept from a few
examples: an operator, ``max`` and ``min`` with the precedence of ``+``, ``avg`` =
ceil((a + b) / 2) and ``hmean`` = ceil(2ab / (a + b)) (0 when a + b = 0) with the precedence
of ``*``; or a number, a new leaf symbol ``11`` or ``12`` whose value the learner must find.
This module draws such data, seeded: expressions over the four HINT operators, the ten digits
and the new symbol, each holding the new one at least once, with every intermediate value at
most ``max_value``. The concepts' definitions here are the data generator's (the oracle); the
learner only sees (expression, result) pairs through ``nsr train hint --init CHECKPOINT
--train-file FILE``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from nsr.errors import ConfigError
from nsr.tasks.base import Example
from nsr.tasks.hint.expr import DIGITS, OPERATORS, PRECEDENCE, Tree, apply, to_infix, tree_values
from nsr.tasks.hint.generate import sample_tree


@dataclass(frozen=True)
class Concept:
    """A new symbol: an operator (``fn``, and its precedence as ``+`` = 1 or ``*`` = 2) or a
    number (``fn`` None: a leaf, whose token is its value)."""

    token: str
    precedence: int = 0
    fn: Callable[[int, int], int] | None = None

    @property
    def is_number(self) -> bool:
        return self.fn is None


def _hmean(a: int, b: int) -> int:
    return 0 if a + b == 0 else -(-2 * a * b // (a + b))


CONCEPTS: dict[str, Concept] = {
    "max": Concept("max", 1, max),
    "min": Concept("min", 1, min),
    "avg": Concept("avg", 2, lambda a, b: -(-(a + b) // 2)),
    "hmean": Concept("hmean", 2, _hmean),
    "11": Concept("11"),
    "12": Concept("12"),
}

#: Operator counts of the training expressions (100 each) and of the test expressions (the
#: 100 expressions of one operator holding the new one are all training data). A number can
#: stand alone, so its training counts start at 0 (one expression: the number itself).
TRAIN_COUNTS: tuple[int, ...] = tuple(range(1, 11))
NUMBER_TRAIN_COUNTS: tuple[int, ...] = tuple(range(0, 11))
TEST_COUNTS: tuple[int, ...] = tuple(range(2, 21))
#: A count stops drawing after this many draws in a row gave no new expression (``all_of``).
STALE = 10_000


def _semantics(concept: Concept) -> Callable[[str, int, int], int]:
    def apply_op(op: str, a: int, b: int) -> int:
        return concept.fn(a, b) if concept.fn is not None and op == concept.token \
            else apply(op, a, b)

    return apply_op


def _holds(tree: Tree, token: str) -> bool:
    stack = [tree]
    while stack:
        node = stack.pop()
        if node == token:
            return True
        if isinstance(node, tuple):
            if node[0] == token:
                return True
            stack.extend(node[1:])
    return False


def draw(concept: Concept, counts: Iterable[int], per_count: int, rng: random.Random, *,
         max_value: int = 10_000, exclude: frozenset[str] = frozenset(),
         tries: int = 200_000, all_of: bool = False) -> list[Example]:
    """``per_count`` distinct expressions per operator count, each holding the new symbol.

    ``all_of``: a count with fewer such expressions than ``per_count`` gives all it has
    (a number alone, or with one operator: 84 expressions), found when ``STALE`` draws in a
    row bring nothing new; otherwise it is an error."""
    ops = OPERATORS if concept.is_number else (*OPERATORS, concept.token)
    leaves = (*DIGITS, concept.token) if concept.is_number else DIGITS
    precedence = {**PRECEDENCE, concept.token: concept.precedence}
    semantics = _semantics(concept)
    out: list[Example] = []
    seen = set(exclude)
    for n in counts:
        got = stale = 0
        for _ in range(tries):
            if got == per_count or (all_of and stale >= STALE):
                break
            stale += 1
            tree = sample_tree(rng, n, ops, leaves)
            if not _holds(tree, concept.token):
                continue
            try:
                value, largest = tree_values(tree, semantics)
            except ZeroDivisionError:
                continue
            tokens = tuple(to_infix(tree, precedence))
            key = " ".join(tokens)
            if largest > max_value or key in seen:
                continue
            seen.add(key)
            out.append(Example(tokens, value, f"hint/fewshot-{concept.token}:{len(out)}",
                               {"n_ops": n}))
            got, stale = got + 1, 0
        if got < per_count and not (all_of and stale >= STALE):
            raise ConfigError(f"could only draw {got} expressions with {n} operators holding "
                              f"{concept.token!r} (values <= {max_value})")
    return out


def fewshot_split(name: str, seed: int, *, per_count: int = 100, test_per_count: int = 50,
                  max_value: int = 10_000) -> tuple[list[Example], list[Example]]:
    """(train, test) for the new concept ``name``: ``per_count`` expressions per operator
    count (1..10 for an operator, 0..10 for a number, fewer where fewer exist) and
    ``test_per_count`` per count 2..20, disjoint, all holding it."""
    if name not in CONCEPTS:
        raise ConfigError(f"unknown concept {name!r}; known: {', '.join(CONCEPTS)}")
    concept = CONCEPTS[name]
    rng = random.Random(seed)
    counts = NUMBER_TRAIN_COUNTS if concept.is_number else TRAIN_COUNTS
    train = draw(concept, counts, per_count, rng, max_value=max_value,
                 all_of=concept.is_number)
    test = draw(concept, TEST_COUNTS, test_per_count, rng, max_value=max_value,
                exclude=frozenset(" ".join(ex.source) for ex in train))
    return train, test
