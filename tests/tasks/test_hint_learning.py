"""HINT with symbol input: the learned operators, and their Prolog export checked in swipl."""

from __future__ import annotations

import pytest

from nsr.semantics.evaluate import evaluate
from nsr.tasks.hint import HintConfig, generate_splits
from nsr.tasks.hint.expr import apply
from nsr.tasks.hint.prolog_check import RANGES, check_in_swipl, random_pairs


def test_random_pairs_are_reproducible_and_in_range():
    pairs = random_pairs("/", 50, seed=3)
    assert pairs == random_pairs("/", 50, seed=3)
    (alo, ahi), (blo, bhi) = RANGES["/"]
    assert all(alo <= a <= ahi and blo <= b <= bhi for a, b in pairs)


def _short_examples():
    from nsr.tasks.base import Example

    splits = generate_splits(HintConfig(seed=0, test_per_op=10))
    return [Example(tuple(r.expr), r.res, f"t:{i}")
            for i, r in enumerate(splits["train"]) if len(r.expr) <= 3]


@pytest.mark.slow
@pytest.mark.prolog
def test_learned_operators_agree_with_hint_in_plain_swipl():
    from nsr.learning.config import LearnerConfig
    from nsr.learning.loop import train
    from nsr.model.prolog_export import standalone_prolog
    from nsr.tasks.hint import HintTask

    config = LearnerConfig(task="hint", library=HintTask.primitive_library, curriculum=(1, 3))
    result = train(_short_examples(), config, seed=0, progress=False)
    names = {result.model.symbol_names[s]: p for s, p in result.model.programs.items()}
    for op in "+-*/":
        assert op in names, f"no program learned for {op}"
        assert evaluate(names[op], (37, 5)) == apply(op, 37, 5)
    checks = check_in_swipl(standalone_prolog(result.model), pairs_per_operator=10_000)
    assert [c.operator for c in checks] == ["+", "-", "*", "/"]
    assert all(c.ok for c in checks), checks


def test_hint_curriculum_is_read_off_its_data_single_digits_first(hint_dir):
    from nsr.learning.loop import curriculum_from_lengths
    from nsr.tasks.hint import HintTask

    assert HintTask.primitive_library == "numbers"
    lengths = [len(ex.source) for ex in HintTask().load("all", "train", data_dir=hint_dir)]
    stages = curriculum_from_lengths(lengths, 1.5)
    assert stages[0] == 1 and stages[-1] == max(lengths)


def test_an_unknown_input_mode_is_a_one_line_error(tmp_path, capsys):
    from nsr.cli import main

    code = main(["train", "hint", "--input", "pictures", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2
    assert "--input" in err and "pictures" in err and "Traceback" not in err
