"""``nsr train | eval | solve | explain | programs``: the NSR learner from the command line.

Training learns a model from (input, output) pairs alone and writes a checkpoint directory;
the other commands load one (by default the small checkpoint shipped with the package) and run
it. Answers are computed by SWI-Prolog from the learned programs unless ``--engine python``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from nsr.commands import checks
from nsr.errors import ConfigError, DataError, ResourceNotFound
from nsr.textfile import shorten

_FMT = argparse.RawDescriptionHelpFormatter
PRETRAINED_DIR = Path(__file__).resolve().parent.parent / "learning" / "pretrained"
DEFAULT_SPLIT = "simple"


def register(subparsers: Any) -> None:
    train = subparsers.add_parser(
        "train", help="learn an NSR model from (input, output) pairs",
        description=(
            "Learn perception, a dependency parser and one program per symbol from (input, "
            "output) pairs only, by deduction-abduction with a length curriculum. Writes "
            "OUT/checkpoint.json (model, config, seed, metrics, programs) after every stage and "
            "OUT/learning_curve.png at the end; --resume continues an interrupted run. An "
            "existing checkpoint in OUT is never replaced unless --force is given."
        ),
        epilog="examples:\n  nsr train scan --split length --seed 1 --out runs/scan-length\n"
               "  nsr train scan --train-file my_train.txt --out runs/mine\n"
               "  nsr train --train-file pairs.jsonl --test-file test.jsonl --out runs/mine"
               "   # task 'data'",
        formatter_class=_FMT,
    )
    _task_arg(train, "task name, e.g. scan (default with --train-file: data, the generic task)")
    train.add_argument("--split", help=f"official split to train on (default: {DEFAULT_SPLIT})")
    train.add_argument("--train-file", type=Path, help="train on this file (task's native format) instead")
    train.add_argument("--test-file", type=Path,
                       help="after training, evaluate on this file (task's native format; "
                            "Python evaluator)")
    train.add_argument("--library", help="primitive library of the programs: lists, sequences "
                       "or numbers (default: the task's; for 'data', from the outputs)")
    train.add_argument("--open-class", metavar="REGEX",
                       help="tokens matching REGEX are data, not words: a run of them is one "
                            "value-carrying segment (default: the task's; e.g. '[A-Z][0-9]+')")
    train.add_argument("--json", action="store_true",
                       help="print the final metrics as one JSON object")
    train.add_argument("--seed", type=checks.seed, default=0, help="random seed (default: 0)")
    train.add_argument("--out", type=Path, help="checkpoint directory (default: runs/TASK-SPLIT-seedN)")
    train.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.json")
    train.add_argument("--init", type=Path, metavar="CHECKPOINT",
                       help="few-shot: start from this trained model and learn the new words of "
                            "--train-file, keeping what it knew (token models)")
    train.add_argument("--force", action="store_true",
                       help="start afresh even if OUT already holds a checkpoint (replaced "
                            "when the first stage ends)")
    train.add_argument("--quiet", action="store_true", help="no progress bar or log lines")
    _input_arg(train)
    train.set_defaults(func=_train)

    ev = subparsers.add_parser(
        "eval", help="exact-match accuracy of a checkpoint on a test set",
        description="Exact-match accuracy on the official test file of a split or on any file.",
        epilog="examples:\n  nsr eval scan --checkpoint runs/scan-length --split length --json\n"
               "  nsr eval scan --checkpoint runs/mine --test-file my_test.txt",
        formatter_class=_FMT,
    )
    _task_arg(ev)
    ev.add_argument("--checkpoint", type=Path, help="checkpoint directory (default: the shipped "
                    "model of TASK)")
    group = ev.add_mutually_exclusive_group()
    group.add_argument("--split", help="official split whose test file to use (default: the checkpoint's)")
    group.add_argument("--test-file", type=Path, help="evaluate on this file instead")
    ev.add_argument("--json", action="store_true", help='print {"accuracy", "n", "correct", '
                    '"unknown_inputs", "unknown_words"} as JSON')
    _engine_arg(ev)
    _input_arg(ev)
    ev.set_defaults(func=_eval)

    solve = subparsers.add_parser(
        "solve", help="answer one input with a trained model",
        description="Run inputs through perception, parser and programs; print the outputs "
                    "(one line per input of --input-file, empty when there is no answer).",
        epilog='examples:\n  nsr solve scan "jump twice after walk left"\n'
               '  nsr solve scan --checkpoint runs/scan-length "look around right thrice"\n'
               '  nsr solve pcfg --input-file test.src --out answers.tgt\n'
               '  nsr solve --checkpoint runs/mine "1 + 2"          # task from the checkpoint\n'
               '  nsr solve hint --input images "( 8 + 9 ) * 7" --show expr.png',
        formatter_class=_FMT,
    )
    _task_arg(solve)
    _checkpoint_arg(solve)
    solve.add_argument("text", nargs="?", help="the input, tokens separated by spaces")
    _intermixed(solve)
    solve.add_argument("--input-file", type=Path,
                       help="answer every input of this file (one per line; the task's native "
                            "records also work, their outputs ignored)")
    solve.add_argument("--out", type=Path, help="with --input-file: write the answers here")
    solve.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    output = solve.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true",
                        help='one JSON object per input: {"line", "input", "output"}')
    output.add_argument("--native", action="store_true",
                        help="with --input-file: write the task's own records (SCAN 'IN: .. OUT: "
                             "..', HINT and data JSON lines), readable back with --test-file")
    _engine_arg(solve)
    _input_arg(solve)
    _image_args(solve)
    solve.set_defaults(func=_solve)

    explain = subparsers.add_parser(
        "explain", help="show the tree, symbols, values and programs behind an answer",
        description="Print the dependency tree of an input: each node's word, symbol, value and program.",
        epilog='examples:\n  nsr explain scan "walk opposite left twice"\n'
               '  nsr explain hint --input images "3 * ( 4 - 2 )"',
        formatter_class=_FMT,
    )
    _task_arg(explain)
    _checkpoint_arg(explain)
    explain.add_argument("text", nargs="?", help="the input, tokens separated by spaces")
    _intermixed(explain)
    explain.add_argument("--json", action="store_true",
                         help="print the tree as one JSON object (word, symbol, value, program, "
                              "children)")
    _input_arg(explain)
    _image_args(explain)
    explain.set_defaults(func=_explain)

    programs = subparsers.add_parser(
        "programs", help="print the learned programs (DSL, or a standalone Prolog file)",
        description=(
            "Print one program per symbol in the DSL of grammars/gss.lark, or with --prolog a "
            "Prolog file that runs on its own in swipl (primitive library + sym/3 + eval_tree/2)."
        ),
        epilog="examples:\n  nsr programs scan\n  nsr programs scan --prolog > scan.pl && "
               "swipl scan.pl",
        formatter_class=_FMT,
    )
    _task_arg(programs)
    _checkpoint_arg(programs)
    programs.add_argument("--prolog", action="store_true", help="emit a standalone Prolog file")
    programs.add_argument("--json", action="store_true",
                          help='print {"task", "library", "programs": {symbol: program}} as JSON')
    programs.set_defaults(func=_programs)


def _task_arg(p: argparse.ArgumentParser,
              text: str = "task name, e.g. scan (default: the checkpoint's task)") -> None:
    p.add_argument("task", nargs="?", help=text)


def _intermixed(p: argparse.ArgumentParser) -> None:
    """Let ``p``'s optional positionals (TASK, TEXT) stand on both sides of options.

    Plain argparse matches every positional in the first run of them, so in ``nsr solve scan
    --checkpoint DIR "walk twice"`` an optional TEXT would be taken (empty) beside TASK and
    "walk twice" refused; intermixed parsing collects all positionals first.
    """

    class Intermixed(type(p)):  # type: ignore[misc,valid-type]
        _mixing = False

        def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
            if self._mixing:  # parse_known_intermixed_args calls back here
                return super().parse_known_args(args, namespace)
            self._mixing = True
            try:
                return self.parse_known_intermixed_args(args, namespace)
            finally:
                self._mixing = False

    p.__class__ = Intermixed


def _checkpoint_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--checkpoint", type=Path,
                   help="checkpoint directory (default: the shipped model of TASK's default split)")


def _engine_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=("prolog", "python"), default="prolog",
                   help="execute trees in SWI-Prolog (default) or the Python evaluator")


#: What ``--input`` may name: the input as symbol tokens, or as images of the symbols.
INPUT_MODES = ("symbols", "images")


def _input_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input", choices=INPUT_MODES, default="symbols",
                   help="read inputs as symbol tokens (default) or as images of the symbols "
                        "(tasks with images, e.g. hint; offline stand-ins, not CROHME)")


def _image_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--image-seed", type=checks.seed, default=0,
                   help="with --input images: which test images stand for the typed symbols "
                        "(each symbol is drawn from its unseen test images; default: 0)")
    p.add_argument("--show", type=Path, metavar="PNG",
                   help="with --input images: save the drawn images, and what perception read, "
                        "as a PNG strip")


def _perception(task, input_mode: str) -> str:
    """The perception that reads ``task``'s inputs in ``input_mode``: tokens for symbols (any
    task's inputs are token sequences; an image task's images are renderings of them), a CNN
    over images for image tasks (offline stand-ins, not CROHME)."""
    if input_mode == "images":
        if task.perception_kind != "images":
            raise ConfigError(f"task {task.name!r} reads tokens; it has no image input")
        return "images"
    if input_mode != "symbols":
        raise ConfigError(f"unknown --input {input_mode!r}; choose from {', '.join(INPUT_MODES)}")
    return "tokens"


def _task(name: str, input_mode: str = "symbols"):
    from nsr.tasks import get_task

    task = get_task(name)
    _perception(task, input_mode)
    return task


def default_checkpoint(task: str, split: str = DEFAULT_SPLIT, input_mode: str = "symbols") -> Path:
    """The checkpoint shipped in the package: ``nsr/learning/pretrained/TASK-INPUT.json`` (one
    model for every test subset, e.g. ``hint-symbols.json``) or else ``TASK-SPLIT.json``."""
    path = PRETRAINED_DIR / f"{task}-{input_mode}.json"
    if not path.is_file():
        path = PRETRAINED_DIR / f"{task}-{split}.json"
    if not path.is_file():
        raise ResourceNotFound(f"no shipped checkpoint for {task} (looked in {path}); pass --checkpoint DIR")
    return path


def _load(args: argparse.Namespace):
    """``(task, model, checkpoint state)`` for eval/solve/explain/programs.

    The task is the one named, or else the one the checkpoint records, so a model of the
    generic task (whose library follows its data) runs from the checkpoint alone.
    """
    import torch

    from nsr.learning.loop import load_model

    # The networks are tiny: extra threads only contend (on a busy 2-core machine an
    # evaluation ran 30x slower with torch's default thread count).
    torch.set_num_threads(1)

    input_mode = getattr(args, "input", "symbols")
    if args.task is None and args.checkpoint is None:
        raise ConfigError("name a task (e.g. scan) or pass --checkpoint DIR")
    if args.checkpoint is None:
        path = default_checkpoint(args.task, _task(args.task).default_split, input_mode)
    else:
        path = args.checkpoint
    model, state = load_model(path)
    config = state.get("config", {})
    task_of = config.get("task")
    if task_of and args.task and task_of != args.task:
        raise ConfigError(f"checkpoint {path} was trained on task {task_of!r}, not {args.task!r}")
    if not (args.task or task_of):
        raise ConfigError(f"checkpoint {path} does not say its task: name it (e.g. nsr eval scan)")
    task = _task(args.task or task_of, input_mode)
    task.adopt_checkpoint({**config, "library": model.library})  # the model's own, always there
    reads = "images" if config.get("perception", "tokens") == "images" else "symbols"
    if hasattr(args, "input") and args.input != reads:
        raise ConfigError(f"checkpoint {path} reads {reads}, not {args.input}: "
                          f"pass --input {reads}")
    return task, model, state


def _train_task(args: argparse.Namespace):
    """The task to train: the one named, or the generic ``data`` task for a bare --train-file;
    ``--library`` is checked here, before any file is read."""
    if args.task is None:
        if args.train_file is None:
            raise ConfigError("name a task (e.g. nsr train scan), or pass --train-file FILE "
                              "to learn from your own (input, output) pairs")
        args.task = "data"
    task = _task(args.task, args.input)
    if args.library is not None:
        from nsr.induction.library import LIBRARIES

        if args.library not in LIBRARIES:
            raise ConfigError(f"unknown --library {args.library!r}; choose from "
                              f"{', '.join(sorted(LIBRARIES))}")
        if hasattr(task, "set_library"):
            task.set_library(args.library)
    return task


def _train(args: argparse.Namespace) -> int:
    from nsr.learning.config import config_for_task
    from nsr.learning.loop import train

    task = _train_task(args)
    if args.train_file is not None:
        split = args.split or args.train_file.stem
    else:
        split = task.resolve_split(args.split or task.default_split)
    out = args.out or Path("runs") / f"{args.task}-{split}-seed{args.seed}"
    _check_train_out(args, out, split)
    if args.train_file is not None:
        examples = _load_file(task, args.train_file)
    else:
        examples = task.load(split, "train")
    # Read before hours of training: a bad test file must fail now, not at the end.
    tests = _load_file(task, args.test_file) if args.test_file is not None else None
    # The task's library (for 'data': what its file's outputs asked for), or --library's.
    options: dict[str, Any] = {} if args.library is None else {"library": args.library}
    if args.open_class is not None:
        from nsr.perception.segments import Segmenter

        Segmenter(args.open_class)  # a bad regex: one line now, not after loading the data
        options["open_class"] = args.open_class
    if args.input == "images":
        images = _images_module(task)
        examples = images.image_examples(examples, "train")
        if tests is not None:
            tests = images.image_examples(tests, "test")
        options["perception"] = getattr(images, "PERCEPTION", "images")  # a fact, no setting
    init = None
    if args.init is not None:
        init, options = _init_model(args, options)
    config = config_for_task(task, split, **options)
    log = None if args.quiet or args.json else (lambda msg: print(msg, file=sys.stderr))
    result = train(examples, config, seed=args.seed, out=out, resume=args.resume,
                   progress=not (args.quiet or args.json), log=log, init=init)
    last = result.metrics[-1] if result.metrics else {}
    summary: dict[str, Any] = {
        "task": args.task, "split": split, "seed": args.seed, "library": config.library,
        "train_examples": len(examples), "train_accuracy": last.get("train_acc", 0.0),
        "programs": len(result.model.programs),
        "meaning": "programs" if result.model.phrases is None else "phrases",
        "seconds": round(result.seconds, 3),
        "checkpoint": str(out),
    }
    if tests is not None:
        from nsr.commands.model_io import answer
        from nsr.tasks import exact_match

        answers = answer(result.model, [ex.source for ex in tests],
                         lambda m, xs: _predict(m, xs, "python")[0])
        summary["test"] = {**exact_match(answers.predictions, tests).as_dict(),
                           "file": str(args.test_file),
                           "unknown_inputs": answers.unknown_inputs,
                           "unknown_words": answers.unknown_words_json()}
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"trained {args.task}/{split} seed {args.seed} in {result.seconds:.1f}s: "
          f"train accuracy {100 * summary['train_accuracy']:.2f}%, "
          + (f"{summary['programs']} programs" if result.model.phrases is None else
             f"meaning: phrase readings of {len(result.model.phrases.words)} words")
          + f"; checkpoint in {out}")
    if tests is not None:
        test = summary["test"]
        print(f"test {args.test_file}: {test['correct']}/{test['n']} exact match "
              f"({100 * test['accuracy']:.2f}%)")
    return 0


def _init_model(args: argparse.Namespace, options: dict[str, Any]):
    """The model ``--init`` names and the options it was trained with (library, open class):
    new words are learned under the same semantics as the old ones."""
    from nsr.learning.loop import load_model

    if args.train_file is None:
        raise ConfigError("--init learns from new examples: pass them with --train-file")
    if args.resume:
        raise ConfigError("--init starts a new run from a trained model; --resume continues "
                          "one: give one of them")
    if args.input == "images":
        raise ConfigError("--init extends token models; it does not work with --input images")
    model, state = load_model(args.init)  # a checkpoint folder or file
    if model.phrases is not None:
        raise ConfigError(f"--init: {args.init} holds phrase readings, not programs; readings "
                          "are fitted on all the data at once: train on the old and new pairs "
                          "together instead")
    config = state.get("config", {})
    if config.get("task") not in (None, args.task):
        raise ConfigError(f"--init: {args.init} is a {config.get('task')!r} model, not "
                          f"{args.task!r}")
    return model, {**options, "library": model.library,
                   "open_class": model.segmenter.pattern}


def _check_train_out(args: argparse.Namespace, out: Path, split: str) -> None:
    """Before any work: OUT can be written; an existing checkpoint there is only replaced with
    --force and only continued (--resume) when it is a run of the same task, split and input."""
    from nsr.model import checkpoint

    checks.check_output(out, "--out", directory=True)
    if args.resume and args.force:
        raise ConfigError("--resume continues the checkpoint in OUT, --force replaces it: "
                          "give one of them")
    path = out / checkpoint.FILENAME
    if args.resume:
        if not path.is_file():
            raise ResourceNotFound(f"--resume: no checkpoint to continue in {out} (expected "
                                   f"{path}); drop --resume to start a new run")
        config = checkpoint.load(out, require=("model", "config", "progress"))["config"]
        perception = "images" if args.input == "images" else "tokens"
        for key, want in (("task", args.task), ("split", split), ("perception", perception)):
            have = config.get(key)
            if have is not None and have != want:
                raise ConfigError(f"--resume: the checkpoint in {out} is a {key} {have!r} run, "
                                  f"not {want!r}; pick another --out or the same {key}")
    elif path.exists() and not args.force:
        raise ConfigError(f"{out} already holds a checkpoint: pass --resume to continue it, "
                          "--force to replace it, or another --out")


def _load_file(task, path: Path):
    """Examples of a file in the task's native format (the task's ``load_file``); a file
    without a single example is an error, not a 0% result."""
    examples = task.load_file(Path(path))
    if not examples:
        raise DataError(f"{path}: the file holds no {task.name} examples")
    return examples


def _images_module(task):
    """The task's image-input module (``<task package>.images``: ``image_examples``)."""
    import importlib

    package = type(task).__module__.rpartition(".")[0]
    try:
        return importlib.import_module(f"{package}.images")
    except ImportError:
        raise ConfigError(f"task {task.name!r} has no image input module") from None


def _predict(model, inputs, engine: str):
    """Answers (None: none) and the parses behind them. A model whose meaning is phrase
    readings has no parses (``[]``) and answers in Python whatever ``engine`` says: its
    readings are not programs, so there is nothing for Prolog to run."""
    if model.phrases is not None:
        return model.predict(inputs), []
    parses = model.run(inputs)
    if engine == "python":
        return [p.output for p in parses], parses
    from nsr.model.prolog_export import predict_prolog

    return predict_prolog(model, parses), parses


def _eval(args: argparse.Namespace) -> int:
    from nsr.commands.model_io import answer
    from nsr.tasks import exact_match

    images = args.input == "images"
    task, model, state = _load(args)
    if args.test_file is not None:
        examples = _load_file(task, args.test_file)
    else:
        split = args.split or state.get("config", {}).get("split") or task.default_split
        if task.split_aliases.get(split, split) not in task.splits:
            raise ConfigError(f"checkpoint was trained on {split!r}, not an official split of "
                              f"task {task.name!r}: pass --test-file FILE or --split")
        examples = task.load(task.resolve_split(split), "test")
    report = None
    if images:
        from nsr.learning.images import perception_report

        answers = _answer_images(model, _images_module(task), examples, args.engine)
        report = perception_report(model, answers.perceived)
    else:
        answers = answer(model, [ex.source for ex in examples],
                         lambda m, xs: _predict(m, xs, args.engine)[0])
    score = exact_match(answers.predictions, examples)
    if args.json:
        extra = {} if report is None else {"perception": report.as_dict()}
        print(json.dumps({**score.as_dict(), "unknown_inputs": answers.unknown_inputs,
                          "unknown_words": answers.unknown_words_json(), **extra}))
        return 0
    from rich.console import Console
    from rich.table import Table

    source = str(args.test_file) if args.test_file is not None else f"{split} (official test file)"
    table = Table("task", "test set", "examples", "correct", "exact match", title="NSR accuracy")
    table.add_row(
        task.name, source, str(score.n), str(score.correct), f"{100 * score.accuracy:.2f}%"
    )
    Console().print(table)
    if answers.summary():
        print(answers.summary())
    if report is not None:
        print(f"perception on {report.images} test images (labels used for scoring only): "
              f"{100 * report.accuracy:.2f}%; per symbol: "
              + ", ".join(f"{s} {100 * a:.1f}" for s, a in report.per_symbol.items()))
    return 0


def _answer_images(model, images, examples, engine: str):
    """Answers to ``examples`` shown as test images; an input with a symbol that has no image
    gets no answer (counted wrong and named, as unknown words are for token models)."""
    from nsr.commands.model_io import Answers

    unknown = [images.undrawable(ex.source) for ex in examples]
    drawable = [ex for ex, words in zip(examples, unknown, strict=True) if not words]
    drawn = images.image_examples(drawable, "test")
    found = iter(_predict(model, [ex.source for ex in drawn], engine)[0] if drawn else [])
    preds = [None if words else next(found) for words in unknown]
    return Answers(preds, unknown, perceived=[t for ex in drawn for t in ex.source])


def _check_known(model, tokens: tuple[str, ...]) -> None:
    """Refuse one typed input with a word the model never saw, naming it."""
    from nsr.commands.model_io import unknown_words
    from nsr.errors import DataError

    words = unknown_words(model, tokens)
    if words:
        raise DataError(f"unknown word {shorten(words[0])!r}: the model never saw it in training")


def _tokens(text: str | None) -> tuple[str, ...]:
    tokens = tuple((text or "").split())
    if not tokens:
        raise ConfigError("empty input: give the input as one quoted argument (or --input-file FILE)")
    return tokens


def _positionals(args: argparse.Namespace) -> None:
    """``nsr solve --checkpoint DIR "1 + 2"``: with one positional and a checkpoint, the
    positional is the input, not a task name (the task comes from the checkpoint)."""
    from nsr.tasks import task_names

    if args.text is None and args.task is not None and args.checkpoint is not None and \
            getattr(args, "input_file", None) is None and args.task not in task_names():
        args.task, args.text = None, args.task


def _input(args: argparse.Namespace, task, model) -> tuple[tuple[str, ...], dict]:
    """The model's input for the typed text, and how to print each of its tokens.

    With ``--input images`` every typed symbol becomes an image drawn from the test images of
    that symbol (never seen in training); the model reads only the images.
    """
    tokens = _tokens(args.text)
    if args.input != "images":  # _load checked that the checkpoint reads the same
        _check_known(model, tokens)
        return tokens, {}
    images = _images_module(task)
    ids = images.test_image_ids(tokens, args.image_seed)
    if args.show is not None:
        read = [_symbol_label(model, s) for s in model.perceive(ids)]
        images.save_strip(ids, tokens, read, args.show)
        print(f"images saved to {args.show}", file=sys.stderr)
    return ids, {i: f"{t} ({i})" for i, t in zip(ids, tokens, strict=True)}


def _symbol_label(model, symbol: int) -> str:
    """A learned symbol's name, with its value when it is a constant (``s27=8``)."""
    from nsr.model.execute import apply_memo

    prog = model.programs.get(symbol)
    name = model.symbol_names[symbol]
    if prog is None or prog.arity:
        return name
    return f"{name}={apply_memo(prog, ())}"


def _check_images(args: argparse.Namespace) -> None:
    show = getattr(args, "show", None)
    if show is not None and args.input != "images":
        raise ConfigError("--show draws the input images: use it with --input images")
    checks.check_suffix(show, "--show", (".png",))
    checks.check_output(show, "--show")


def _solve(args: argparse.Namespace) -> int:
    _check_images(args)
    _positionals(args)
    if args.input_file is not None:
        return _solve_file(args)
    if args.out is not None or args.native:
        raise ConfigError("--out and --native write the answers of --input-file; one typed "
                          "input's answer goes to stdout")
    task, model, _ = _load(args)
    inputs, _ = _input(args, task, model)
    preds, parses = _predict(model, [inputs], args.engine)
    if preds[0] is None and model.phrases is not None:  # the words are known: checked
        print("nsr: no answer: the phrase readings give no output for this input",
              file=sys.stderr)
        return 1
    if preds[0] is None:
        from nsr.model.limits import limit_hit

        limit = limit_hit(model, parses[0], args.engine)
        if limit is not None:  # one line, exit 2 (a resource limit, not a wrong program)
            raise limit
        print(f"nsr: no answer: {_why_no_answer(model, parses[0])}", file=sys.stderr)
        return 1
    if args.json:
        from nsr.commands.model_io import json_output

        print(json.dumps({"input": " ".join(inputs), "output": json_output(task, preds[0])}))
    else:
        print(task.format_target(preds[0]))
    return 0


def _solve_file(args: argparse.Namespace) -> int:
    """Answer every input of ``--input-file``: one line per input, to stdout or ``--out``;
    exit 1 when some input got no answer (the summary on stderr says which and why)."""
    from nsr.commands.model_io import answer, batch_lines, write_text

    if args.text is not None:
        raise ConfigError("give one input or --input-file, not both")
    if args.input == "images":
        raise ConfigError("--input-file reads symbol tokens; it does not work with --input images")
    task, model, _ = _load(args)
    inputs = task.read_inputs(args.input_file)
    answers = answer(model, [tokens for _, tokens in inputs],
                     lambda m, xs: _predict(m, xs, args.engine)[0])
    lines = batch_lines(task, inputs, answers, as_json=args.json, native=args.native)
    text = "".join(line + "\n" for line in lines)
    if args.out is not None:
        write_text(args.out, text, force=args.force)
    else:
        sys.stdout.write(text)
    missing = sum(p is None for p in answers.predictions)
    if answers.summary():
        print(f"nsr: {answers.summary(scored=False)}", file=sys.stderr)
    if missing:
        print(f"nsr: {missing} of {len(inputs)} inputs got no answer", file=sys.stderr)
    elif args.out is not None:
        print(f"wrote {len(inputs)} answers to {args.out}", file=sys.stderr)
    return 1 if missing else 0


#: ``explain`` on very long inputs: values longer than this many items are cut short, and
#: levels deeper than this are numbered instead of indented further (else output grows with
#: the square of the input's length).
_SHOW_ITEMS = 200
_INDENT_LEVELS = 40


def _why_no_answer(model, parse) -> str:
    """Why a parse has no value: no tree, a symbol without a program, a program that fails, or
    an evaluation limit (steps, recursion, list size) hit on the way up."""
    from nsr.semantics.errors import BudgetExceeded, EvaluationError
    from nsr.semantics.evaluate import compile_program

    if parse.tree is None:
        return "the parser found no tree for this input"
    values: dict[int, Any] = {}
    for node in parse.tree.postorder():
        name = model.symbol_names[parse.symbols[node]]
        kids = parse.tree.children[node]
        if node in parse.given and not kids:
            values[node] = parse.given[node]
            continue
        prog = model.programs.get(parse.symbols[node])
        if prog is None or prog.arity != len(kids):
            return f"the learned programs do not apply to this parse (symbol {name})"
        args = tuple(values[k] for k in kids)
        try:
            values[node] = compile_program(prog)(args)
        except BudgetExceeded as exc:
            return (f"an evaluation limit was hit at symbol {name} ({shorten(str(exc), 120)}); "
                    "the input is too large for the evaluator")
        except EvaluationError as exc:
            return f"the program of symbol {name} fails here ({shorten(str(exc), 120)})"
    return "the learned programs do not apply to this parse"


def _explain(args: argparse.Namespace) -> int:
    from nsr.model.execute import execute

    _check_images(args)
    _positionals(args)
    task, model, _ = _load(args)
    inputs, shown = _input(args, task, model)
    if model.phrases is not None:
        from nsr.commands.phrase_views import explain_phrases

        return explain_phrases(task, model, inputs, as_json=args.json)
    (parse,) = model.run([inputs])
    if parse.tree is None:
        print("nsr: the parser found no tree for this input", file=sys.stderr)
        return 1
    values = execute(parse.tree, parse.symbols, model.programs, given=parse.given)
    cut = model.segmenter(parse.tokens)

    def show(v) -> str:
        if v is None:
            return "(none)"
        if isinstance(v, tuple) and len(v) > _SHOW_ITEMS:  # long inputs: lines stay short
            return " ".join(map(str, v[:_SHOW_ITEMS])) + f" ... ({len(v)} items)"
        return " ".join(map(str, v)) if isinstance(v, tuple) else str(v)

    def program(node: int, sym: int) -> str | None:
        if node in parse.given:
            return None  # the input's own data
        return model.program_text(sym)

    if args.json:
        from nsr.commands.model_io import explanation_json

        print(json.dumps({"input": " ".join(_tokens(args.text)),
                          "tree": explanation_json(model, parse, values, shown, program)}))
        return 0
    lines = []

    for node, depth in parse.tree.preorder():  # a loop: trees of any depth
        sym = parse.symbols[node]
        word = cut.text(parse.tokens, node)
        text = program(node, sym) or ("(none: the input's own data)" if node in parse.given
                                      else "(none)")
        indent = "  " * depth if depth <= _INDENT_LEVELS else \
            "  " * _INDENT_LEVELS + f"[depth {depth}] "
        second = "  (second reading)" if node in parse.reread else ""
        lines.append(f"{indent}{shown.get(word, word)}  [symbol {model.symbol_names[sym]}]"
                     f"{second}  = {show(values[node])}    program: {text}")
    print("\n".join(lines))
    return 0


def _programs(args: argparse.Namespace) -> int:
    task, model, _ = _load(args)
    if model.phrases is not None:
        from nsr.commands.phrase_views import show_phrases

        return show_phrases(task, model, prolog=args.prolog, as_json=args.json)
    if args.prolog:
        from nsr.model.prolog_export import standalone_prolog

        print(standalone_prolog(model))
        return 0
    names = sorted(model.programs, key=lambda s: model.symbol_names[s])
    if args.json:
        print(json.dumps({"task": task.name, "library": model.library,
                          "programs": {model.symbol_names[s]: model.program_text(s)
                                       for s in names}}))
        return 0
    for s in names:
        print(f"{model.symbol_names[s]:>12}  {model.program_text(s)}")
    return 0
