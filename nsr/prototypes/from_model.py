"""Prototypes from a trained NSR checkpoint: the learned symbol programs become the Prolog program.

A trained model is a parser plus one program per symbol. For every example the model parses the
command into a tree; the record's ``program`` is the standalone Prolog of the learned programs
(what ``nsr programs scan --prolog`` prints: primitive library + ``sym/3`` + ``eval_tree/2``,
loadable in a plain ``swipl``; only what the sandboxed verifier refuses and no learned program
uses is left out, see :func:`record_program`) and its ``query`` evaluates that tree,
``eval_tree(node(...), Answer)``. The answer is derived by SWI-Prolog (the prototypes' driver),
never taken from the model's Python evaluator or from the data, so ``nsr proto verify`` re-derives
it like any other record.

Two cross-checks per example, because a learned model can be wrong:

- the Python evaluator's value of the same tree must equal what SWI-Prolog derives (otherwise the
  export of the programs is broken: the example is a failure, never a record);
- the derived answer is compared with the dataset target. By default an example the model gets
  wrong is **dropped and counted** (``ModelConvertReport.wrong``): its prompt asks for the task's
  true answer, so a record holding the model's wrong answer would teach the wrong thing. With
  ``keep_wrong=True`` it is kept, flagged ``verification.matches_target = false`` with the
  dataset's ``target`` beside it (useful to study the model's errors; the record still verifies,
  as it states what the learned program computes).

Every record carries ``verification.matches_target``, ``verification.checkpoint`` and
``verification.example`` (the example id), and ``source = "nsr:<checkpoint name>"``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nsr.errors import ConfigError, DataError
from nsr.prototypes.convert import CONVERTERS, expected_text
from nsr.prototypes.prolog_runner import PrologJob, run_jobs, swipl_version
from nsr.prototypes.record import PrototypeRecord, canonical_key, make_id
from nsr.tasks.base import Example
from nsr.textfile import shorten

if TYPE_CHECKING:  # torch lives behind nsr.learning: import it only when a model is loaded
    from nsr.model.model import NsrModel

TASK_KIND = "query_answer"


@dataclass(frozen=True)
class ModelConvertReport:
    """What a conversion made and what it left out (and why)."""

    records: tuple[PrototypeRecord, ...]
    #: (example id, what went wrong) for every example that could not become a record
    failures: tuple[tuple[str, str], ...]
    #: examples whose derived answer differs from the dataset target (dropped unless kept)
    wrong: int
    #: examples whose prototype duplicated an earlier one (same tree, same program)
    duplicates: int


def checkpoint_name(path: str | Path) -> str:
    """A short name for a checkpoint: the file stem (``scan-simple``) or the directory name."""
    path = Path(path)
    if path.is_file() and path.name == "checkpoint.json":
        path = path.parent
    return path.stem if path.is_file() else path.name


def load_checkpoint(path: str | Path, task: str) -> tuple[NsrModel, dict[str, Any]]:
    """The model of a checkpoint (file or directory) and the rest of its state.

    Raises :class:`ConfigError` when the checkpoint was trained on another task.
    """
    from nsr.learning.loop import load_model

    model, state = load_model(Path(path))
    trained_on = state.get("config", {}).get("task")
    if trained_on and trained_on != task:
        raise ConfigError(f"checkpoint {path} was trained on task {trained_on!r}, not {task!r}")
    return model, state


def load_examples_file(task: str, path: str | Path) -> list[Example]:
    """Examples of a file in the task's native format (the task's ``load_file``)."""
    from nsr.tasks.registry import get_task

    return list(get_task(task).load_file(Path(path)))


def sample_examples(examples: Sequence[Example], n: int | None, seed: int) -> list[Example]:
    """``n`` examples drawn with ``Random(seed)``, kept in file order (all of them if ``n`` is
    None or not smaller than the set)."""
    if n is not None and n < 1:
        raise ConfigError(f"n must be at least 1, got {n}")
    if n is None or n >= len(examples):
        return list(examples)
    picked = sorted(random.Random(seed).sample(range(len(examples)), n))
    return [examples[i] for i in picked]


def record_program(model: NsrModel) -> str:
    """The program stored in every record: exactly what ``nsr programs TASK --prolog`` prints
    (it runs in a plain ``swipl`` and passes the sandbox of :class:`nsr.verify.Verifier`)."""
    from nsr.model.prolog_export import standalone_prolog

    return standalone_prolog(model)


def _unknown_word(model: NsrModel, source: Sequence[str]) -> str | None:
    known = model.perception.cfg.vocab
    return next((t for t in source if t not in known), None)


def convert_model(model: NsrModel, examples: Sequence[Example], *, task: str = "scan",
                  name: str = "model", seed: int = 0, keep_wrong: bool = False,
                  time_limit: float = 10.0) -> ModelConvertReport:
    """One Prolog prototype per example, from the model's parse and learned programs.

    ``name`` is the checkpoint's name (``source = "nsr:<name>"``); ``seed`` is recorded in every
    record (the seed that drew the examples). See the module docstring for the cross-checks and
    for what happens to examples the model gets wrong.
    """
    from nsr.model.prolog_export import tree_term

    if task not in CONVERTERS:
        raise ConfigError(f"no prompt for task {task!r}; supported: {', '.join(CONVERTERS)}")
    if model.phrases is not None:
        raise ConfigError("this model's meaning is phrase readings of words, not programs: "
                          "there are no Prolog derivations to turn into prototypes")
    conv = CONVERTERS[task]
    failures: list[tuple[str, str]] = []
    runnable: list[Example] = []
    for ex in examples:
        word = _unknown_word(model, ex.source)
        if word is None:
            runnable.append(ex)
        else:
            failures.append((ex.id, f"unknown word {shorten(word)!r}: the model never saw it "
                                    "in training"))
    parses = model.run([ex.source for ex in runnable]) if runnable else []
    program = record_program(model)
    todo = []
    for ex, parse in zip(runnable, parses, strict=True):
        if parse.tree is None:
            failures.append((ex.id, "the parser found no tree for this input"))
            continue
        query = f"eval_tree({tree_term(model, parse)}, Answer)"
        todo.append((ex, parse, PrologJob(str(len(todo)), program, query, time_limit)))
    outcomes = run_jobs([job for _, _, job in todo])
    engine = swipl_version() if todo else ""
    records: dict[str, PrototypeRecord] = {}
    wrong = duplicates = 0
    for (ex, parse, job), out in zip(todo, outcomes, strict=True):
        if not out.ok:
            failures.append((ex.id, f"{out.status}: {out.message}".rstrip(": ")))
            continue
        python = None if parse.output is None else expected_text(parse.output)
        if python != out.answer:
            failures.append((ex.id, f"swipl derives {out.answer} but the model's Python "
                                    f"evaluator gives {python}"))
            continue
        target = expected_text(ex.target)
        matches = out.answer == target
        if not matches:
            wrong += 1
            if not keep_wrong:
                continue
        proto = {"program": program, "query": job.query}
        rid = make_id(f"nsr-{task}", TASK_KIND, canonical_key("prolog", TASK_KIND, proto))
        if rid in records:
            duplicates += 1
            continue
        verification: dict[str, Any] = {
            "engine": engine, "method": "derived", "inferences": out.inferences,
            "checkpoint": name, "example": ex.id, "matches_target": matches,
        }
        if not matches:
            verification["target"] = target
        records[rid] = PrototypeRecord(
            id=rid, kind="prolog", task=TASK_KIND, family=f"nsr-{task}", source=f"nsr:{name}",
            prompt=conv.prompt(ex.source), prototype=proto, answer=out.answer,
            difficulty={"level": conv.level(ex), "measure": conv.measure(ex),
                        "tree_nodes": len(parse.symbols)},
            seed=seed, verification=verification,
        )
    return ModelConvertReport(tuple(records.values()), tuple(failures), wrong, duplicates)


def convert_checkpoint(path: str | Path, *, task: str = "scan", split: str | None = None,
                       part: str = "test", input_file: str | Path | None = None,
                       data_dir: str | Path | None = None, n: int | None = None, seed: int = 0,
                       keep_wrong: bool = False, time_limit: float = 10.0) -> ModelConvertReport:
    """Load a checkpoint, read examples (``input_file``, or ``split``/``part`` of the task's data;
    the default split is the one the checkpoint was trained on), draw ``n`` of them with
    ``seed`` and convert them (see :func:`convert_model`)."""
    from nsr.tasks.registry import get_task

    if split is not None and input_file is not None:
        raise ConfigError("give either a split or an input file, not both")
    model, state = load_checkpoint(path, task)
    if input_file is not None:
        examples = load_examples_file(task, input_file)
    else:
        the_task = get_task(task)
        if split is None:
            split = state.get("config", {}).get("split") or the_task.default_split
            if the_task.split_aliases.get(split, split) not in the_task.splits:
                raise ConfigError(f"checkpoint {path} was trained on {split!r}, not an official "
                                  "split of the data: pass --split or --input-file")
        examples = the_task.load(the_task.resolve_split(split), part,
                                 data_dir=Path(data_dir) if data_dir else None)
    if not examples:
        raise DataError(f"no examples to convert in {input_file or f'{split}/{part}'}")
    return convert_model(model, sample_examples(examples, n, seed), task=task,
                         name=checkpoint_name(path), seed=seed, keep_wrong=keep_wrong,
                         time_limit=time_limit)
