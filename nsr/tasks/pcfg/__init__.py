"""PCFG SET: loader (training sets built from the 10K release), the ten-function oracle."""

from nsr.tasks.pcfg.oracle import BINARY, FUNCTIONS, UNARY, function_count, interpret
from nsr.tasks.pcfg.task import (
    HELD_OUT_PAIRS,
    PRODUCTIVITY_MAX_FUNCTIONS,
    TEST_DIRS,
    TRAIN_STEM,
    PcfgTask,
    has_held_out_pair,
    keep_for_training,
    load_pair,
)

__all__ = [
    "BINARY",
    "FUNCTIONS",
    "HELD_OUT_PAIRS",
    "PRODUCTIVITY_MAX_FUNCTIONS",
    "TEST_DIRS",
    "TRAIN_STEM",
    "UNARY",
    "PcfgTask",
    "function_count",
    "has_held_out_pair",
    "interpret",
    "keep_for_training",
    "load_pair",
]
