"""HINT: the arithmetic oracle, the seeded generator and the loader of generated data."""

from nsr.tasks.hint.expr import (
    OPERATORS,
    SYMBOLS,
    Parse,
    apply,
    interpret,
    parse,
    to_infix,
    tree_from_heads,
    tree_values,
)
from nsr.tasks.hint.generate import (
    ALL_SPLITS,
    TEST_SUBSETS,
    HintConfig,
    HintRecord,
    generate,
    generate_splits,
    write_dataset,
)
from nsr.tasks.hint.task import HintTask, load_jsonl

__all__ = [
    "ALL_SPLITS",
    "OPERATORS",
    "SYMBOLS",
    "TEST_SUBSETS",
    "HintConfig",
    "HintRecord",
    "HintTask",
    "Parse",
    "apply",
    "generate",
    "generate_splits",
    "interpret",
    "load_jsonl",
    "parse",
    "to_infix",
    "tree_from_heads",
    "tree_values",
    "write_dataset",
]
