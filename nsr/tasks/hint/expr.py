"""HINT arithmetic: semantics, the infix reader that yields dependency trees, and the printer.

Semantics (the published HINT recipe): single digits 0-9; ``a - b = max(0, a - b)``,
``a / b = ceil(a / b)``, ``+`` and ``*`` as usual; division by zero is an error. ``*`` and
``/`` bind tighter than ``+`` and ``-``; all four associate to the left.

Dependency trees (``head`` per token, -1 for the root): an operator is the head of its two
operands; a parenthesis pair attaches to the operator it encloses (the root of the enclosed
expression). This module is the oracle: tests and data generation only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nsr.errors import DataError

DIGITS: tuple[str, ...] = tuple(str(d) for d in range(10))
OPERATORS: tuple[str, ...] = ("+", "-", "*", "/")
LPAREN, RPAREN = "(", ")"
SYMBOLS: tuple[str, ...] = (*DIGITS, *OPERATORS, LPAREN, RPAREN)
PRECEDENCE: dict[str, int] = {"+": 1, "-": 1, "*": 2, "/": 2}


def apply(op: str, a: int, b: int) -> int:
    """One operator of HINT's semantics on two non-negative integers."""
    if op == "+":
        return a + b
    if op == "-":
        return max(0, a - b)
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            raise ZeroDivisionError("division by zero")
        return -(-a // b)  # ceil for non-negative integers, exact (no float rounding)
    raise DataError(f"unknown operator {op!r}")


# A tree is a digit string or (operator, left, right): small, hashable, cheap to build.
Tree = str | tuple[str, "Tree", "Tree"]


def tree_values(tree: Tree) -> tuple[int, int]:
    """(value, largest intermediate value incl. the result) of a tree."""
    if isinstance(tree, str):
        v = int(tree)
        return v, v
    op, left, right = tree
    lv, lmax = tree_values(left)
    rv, rmax = tree_values(right)
    v = apply(op, lv, rv)
    return v, max(v, lmax, rmax)


def n_operators(tree: Tree) -> int:
    if isinstance(tree, str):
        return 0
    return 1 + n_operators(tree[1]) + n_operators(tree[2])


def to_infix(tree: Tree) -> list[str]:
    """Infix tokens with only the parentheses precedence needs (left-associative reading).

    A left operand is bracketed when its operator binds less tightly than the parent's; a right
    operand also when it binds equally (``a - (b - c)``; and ``a + (b - c)`` too, because
    truncated subtraction makes ``a + b - c`` mean something else).
    """
    if isinstance(tree, str):
        return [tree]
    op, left, right = tree
    left_toks, right_toks = to_infix(left), to_infix(right)
    if not isinstance(left, str) and PRECEDENCE[left[0]] < PRECEDENCE[op]:
        left_toks = [LPAREN, *left_toks, RPAREN]
    if not isinstance(right, str) and PRECEDENCE[right[0]] <= PRECEDENCE[op]:
        right_toks = [LPAREN, *right_toks, RPAREN]
    return [*left_toks, op, *right_toks]


@dataclass(frozen=True)
class Parse:
    """An infix expression read into a tree: ``head`` per token and the tree itself."""

    tokens: tuple[str, ...]
    head: tuple[int, ...]
    tree: Tree


class _Reader:
    """Recursive descent: expr := term (('+'|'-') term)*, term := factor (('*'|'/') factor)*,
    factor := DIGIT | '(' expr ')'. Each parse function returns (root token index, tree)."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens = list(tokens)
        self.pos = 0
        self.head = [-1] * len(self.tokens)

    def fail(self, why: str) -> DataError:
        return DataError(
            f"not a HINT expression ({why} at token {self.pos}): {' '.join(self.tokens)!r}"
        )

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def binary(self, level: int) -> tuple[int, Tree]:
        root, tree = self.factor() if level == 2 else self.binary(level + 1)
        while (tok := self.peek()) in PRECEDENCE and PRECEDENCE[tok] == level:
            op_index = self.pos
            self.pos += 1
            right_root, right = self.factor() if level == 2 else self.binary(level + 1)
            self.head[root] = op_index
            self.head[right_root] = op_index
            root, tree = op_index, (tok, tree, right)
        return root, tree

    def factor(self) -> tuple[int, Tree]:
        tok = self.peek()
        if tok is None:
            raise self.fail("expression ends too early")
        if tok in DIGITS:
            self.pos += 1
            return self.pos - 1, tok
        if tok == LPAREN:
            open_index = self.pos
            self.pos += 1
            root, tree = self.binary(1)
            if self.peek() != RPAREN:
                raise self.fail("missing ')'")
            self.head[open_index] = root
            self.head[self.pos] = root
            self.pos += 1
            return root, tree
        raise self.fail(f"unexpected token {tok!r}")


def parse(tokens: Sequence[str]) -> Parse:
    """Read an infix HINT expression; :class:`DataError` names what is wrong."""
    reader = _Reader(tokens)
    root, tree = reader.binary(1)
    if reader.pos != len(reader.tokens):
        raise reader.fail(f"unexpected token {reader.tokens[reader.pos]!r}")
    reader.head[root] = -1
    return Parse(tuple(reader.tokens), tuple(reader.head), tree)


def interpret(tokens: Sequence[str]) -> int:
    """The value of an infix HINT expression (the oracle)."""
    tree = parse(tokens).tree
    try:
        return tree_values(tree)[0]
    except ZeroDivisionError:
        raise DataError(f"division by zero in {' '.join(tokens)!r}") from None


def tree_from_heads(tokens: Sequence[str], head: Sequence[int]) -> Tree:
    """Rebuild the tree a ``head`` list describes, checking that it is well formed.

    Well formed: same length as the tokens, exactly one root, no cycles, every operator heads
    exactly two operands (one before it, one after it), digits head nothing but parentheses, and
    every parenthesis hangs on a digit or operator. Raises :class:`DataError` otherwise.
    """
    n = len(tokens)
    if len(head) != n:
        raise DataError(f"head has {len(head)} entries for {n} tokens")
    roots = [i for i, h in enumerate(head) if h == -1]
    if len(roots) != 1:
        raise DataError(f"a dependency tree needs exactly one root, found {len(roots)}")
    children: list[list[int]] = [[] for _ in range(n)]
    for i, h in enumerate(head):
        if h == -1:
            continue
        if not 0 <= h < n or h == i:
            raise DataError(f"token {i} has an invalid head {h}")
        if tokens[h] in (LPAREN, RPAREN):
            raise DataError(f"token {i} hangs on a parenthesis (token {h})")
        children[h].append(i)
    root = roots[0]
    if tokens[root] in (LPAREN, RPAREN):
        raise DataError("a parenthesis cannot be the root")
    seen: set[int] = set()

    def build(i: int) -> Tree:
        if i in seen:
            raise DataError(f"cycle through token {i}")
        seen.add(i)
        operands = [c for c in children[i] if tokens[c] not in (LPAREN, RPAREN)]
        for c in children[i]:
            if tokens[c] in (LPAREN, RPAREN):
                seen.add(c)
        tok = tokens[i]
        if tok in DIGITS:
            if operands:
                raise DataError(f"digit at token {i} has operands {operands}")
            return tok
        if tok not in OPERATORS:
            raise DataError(f"unknown symbol {tok!r} at token {i}")
        if len(operands) != 2 or not operands[0] < i < operands[1]:
            raise DataError(f"operator at token {i} needs one operand on each side, has {operands}")
        return (tok, build(operands[0]), build(operands[1]))

    tree = build(root)
    if len(seen) != n:
        raise DataError(f"tokens {sorted(set(range(n)) - seen)} are not connected to the root")
    return tree
