"""HINT arithmetic: semantics, the infix reader that yields dependency trees, and the printer.

Semantics (the published HINT recipe): single digits 0-9; ``a - b = max(0, a - b)``,
``a / b = ceil(a / b)``, ``+`` and ``*`` as usual; division by zero is an error. ``*`` and
``/`` bind tighter than ``+`` and ``-``; all four associate to the left.

Dependency trees (``head`` per token, -1 for the root): an operator is the head of its two
operands; a parenthesis pair attaches to the operator it encloses (the root of the enclosed
expression). This module is the oracle: tests and data generation only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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


def _postorder(tree: Tree) -> list[Tree]:
    """Every subtree, operands before their operator (a loop: trees of any depth)."""
    out: list[Tree] = []
    stack: list[tuple[Tree, bool]] = [(tree, False)]
    while stack:
        node, expanded = stack.pop()
        if isinstance(node, str) or expanded:
            out.append(node)
            continue
        stack.append((node, True))
        stack.append((node[2], False))
        stack.append((node[1], False))
    return out


def tree_values(tree: Tree, apply_op: Callable[[str, int, int], int] | None = None
                ) -> tuple[int, int]:
    """(value, largest intermediate value incl. the result) of a tree (``apply_op``: the
    operators' semantics, HINT's :func:`apply` by default)."""
    apply_op = apply_op or apply
    done: list[tuple[int, int]] = []  # (value, largest) of finished subtrees, a stack
    for node in _postorder(tree):
        if isinstance(node, str):
            v = int(node)
            done.append((v, v))
            continue
        rv, rmax = done.pop()
        lv, lmax = done.pop()
        v = apply_op(node[0], lv, rv)
        done.append((v, max(v, lmax, rmax)))
    return done[0]


def n_operators(tree: Tree) -> int:
    return sum(1 for node in _postorder(tree) if not isinstance(node, str))


def to_infix(tree: Tree, precedence: Mapping[str, int] = PRECEDENCE) -> list[str]:
    """Infix tokens with only the parentheses ``precedence`` needs (left-associative reading).

    A left operand is bracketed when its operator binds less tightly than the parent's; a right
    operand also when it binds equally (``a - (b - c)``; and ``a + (b - c)`` too, because
    truncated subtraction makes ``a + b - c`` mean something else).
    """
    out: list[str] = []
    # Work stack of subtrees still to write and literal tokens (pushed in reverse order).
    stack: list[tuple[Tree, bool]] = [(tree, False)]  # (item, is a literal token)
    while stack:
        node, literal = stack.pop()
        if literal or isinstance(node, str):
            out.append(node)  # type: ignore[arg-type]
            continue
        op, left, right = node
        right_paren = not isinstance(right, str) and precedence[right[0]] <= precedence[op]
        left_paren = not isinstance(left, str) and precedence[left[0]] < precedence[op]
        if right_paren:
            stack.append((RPAREN, True))
        stack.append((right, False))
        if right_paren:
            stack.append((LPAREN, True))
        stack.append((op, True))
        if left_paren:
            stack.append((RPAREN, True))
        stack.append((left, False))
        if left_paren:
            stack.append((LPAREN, True))
    return out


@dataclass(frozen=True)
class Parse:
    """An infix expression read into a tree: ``head`` per token and the tree itself."""

    tokens: tuple[str, ...]
    head: tuple[int, ...]
    tree: Tree


class _Reader:
    """Operator precedence with explicit stacks (no recursion: nesting of any depth):
    expr := term (('+'|'-') term)*, term := factor (('*'|'/') factor)*,
    factor := DIGIT | '(' expr ')'. Operands are (root token index, tree)."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens = list(tokens)
        self.pos = 0
        self.head = [-1] * len(self.tokens)
        self.operands: list[tuple[int, Tree]] = []
        self.pending: list[int] = []  # indices of operators and of open '(' not yet closed

    def fail(self, why: str) -> DataError:
        return DataError(
            f"not a HINT expression ({why} at token {self.pos}): {' '.join(self.tokens)!r}"
        )

    def reduce(self) -> None:
        """Apply the operator on top of ``pending`` to the last two operands."""
        op_index = self.pending.pop()
        right_root, right = self.operands.pop()
        left_root, left = self.operands.pop()
        self.head[left_root] = op_index
        self.head[right_root] = op_index
        self.operands.append((op_index, (self.tokens[op_index], left, right)))

    def reduce_while(self, binds: int) -> None:
        """Reduce pending operators that bind at least as tightly as ``binds`` (left
        associativity), stopping at an open '('."""
        while self.pending and self.tokens[self.pending[-1]] in PRECEDENCE and \
                PRECEDENCE[self.tokens[self.pending[-1]]] >= binds:
            self.reduce()

    def read(self) -> tuple[int, Tree]:
        want_operand = True
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            if want_operand:
                if tok in DIGITS:
                    self.operands.append((self.pos, tok))
                    want_operand = False
                elif tok == LPAREN:
                    self.pending.append(self.pos)
                else:
                    raise self.fail(f"unexpected token {tok!r}")
            elif tok in PRECEDENCE:
                self.reduce_while(PRECEDENCE[tok])
                self.pending.append(self.pos)
                want_operand = True
            elif tok == RPAREN:
                self.reduce_while(0)
                if not self.pending:
                    raise self.fail(f"unexpected token {tok!r}")
                open_index = self.pending.pop()  # an open '(' (every operator was reduced)
                root = self.operands[-1][0]
                self.head[open_index] = root
                self.head[self.pos] = root
            else:
                raise self.fail(f"unexpected token {tok!r}")
            self.pos += 1
        if want_operand:
            raise self.fail("expression ends too early")
        self.reduce_while(0)
        if self.pending:
            raise self.fail("missing ')'")
        return self.operands[0]


def parse(tokens: Sequence[str]) -> Parse:
    """Read an infix HINT expression; :class:`DataError` names what is wrong."""
    reader = _Reader(tokens)
    root, tree = reader.read()
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
    # Checked top-down from the root, built bottom-up: a loop with explicit stacks (any depth).
    seen: set[int] = set()
    order: list[int] = []  # operators and digits, every head before its operands
    stack = [root]
    while stack:
        i = stack.pop()
        if i in seen:
            raise DataError(f"cycle through token {i}")
        seen.add(i)
        order.append(i)
        operands = [c for c in children[i] if tokens[c] not in (LPAREN, RPAREN)]
        for c in children[i]:
            if tokens[c] in (LPAREN, RPAREN):
                seen.add(c)
        tok = tokens[i]
        if tok in DIGITS:
            if operands:
                raise DataError(f"digit at token {i} has operands {operands}")
            continue
        if tok not in OPERATORS:
            raise DataError(f"unknown symbol {tok!r} at token {i}")
        if len(operands) != 2 or not operands[0] < i < operands[1]:
            raise DataError(f"operator at token {i} needs one operand on each side, has {operands}")
        stack.append(operands[1])
        stack.append(operands[0])
    if len(seen) != n:
        raise DataError(f"tokens {sorted(set(range(n)) - seen)} are not connected to the root")
    built: dict[int, Tree] = {}
    for i in reversed(order):
        if tokens[i] in DIGITS:
            built[i] = tokens[i]
        else:
            left, right = (c for c in children[i] if tokens[c] not in (LPAREN, RPAREN))
            built[i] = (tokens[i], built.pop(left), built.pop(right))
    return built[root]
