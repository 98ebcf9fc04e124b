"""Programs compared by what they compute on a grid of small probe arguments.

Why: with image input one true symbol is often learned as several symbols (two clusters of
"+" images, each with its own program text). Search should not offer both as primitives (every
candidate built on the second is a copy of one built on the first, and each costs a slow
recursive evaluation), and a perception score should count either as right. Agreement on the
probe grid is evidence, not a proof, of equal meaning; it is only used where a wrong "equal"
costs little (a primitive not offered twice, a score).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

from nsr.semantics import ast
from nsr.semantics.errors import EvaluationError, ProgramError
from nsr.semantics.evaluate import compile_program

#: Integer arguments probed (HINT-sized numbers); every tuple of them up to the arity.
INT_PROBES: tuple[int, ...] = tuple(range(13))
#: Evaluation steps per probe: a looping program must fail its probes, not hang the caller.
PROBE_STEPS = 20_000


@lru_cache(maxsize=4096)
def int_signature(program: ast.Program) -> tuple[ast.Value | None, ...]:
    """The program's value (None: it fails) on every tuple of :data:`INT_PROBES`."""
    run = compile_program(program)
    out: list[ast.Value | None] = []
    for args in product(INT_PROBES, repeat=program.arity):
        try:
            out.append(run(args, max_steps=PROBE_STEPS))
        except (EvaluationError, ProgramError):
            out.append(None)
    return tuple(out)


def same_int_behaviour(a: ast.Program, b: ast.Program) -> bool:
    """Same arity and the same value (or failure) on every probe tuple of integers."""
    return a == b or (a.arity == b.arity and int_signature(a) == int_signature(b))
