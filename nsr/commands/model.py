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
               "  nsr train scan --train-file my_train.txt --out runs/mine",
        formatter_class=_FMT,
    )
    _task_arg(train)
    train.add_argument("--split", help=f"official split to train on (default: {DEFAULT_SPLIT})")
    train.add_argument("--train-file", type=Path, help="train on this file (task's native format) instead")
    train.add_argument("--seed", type=checks.seed, default=0, help="random seed (default: 0)")
    train.add_argument("--out", type=Path, help="checkpoint directory (default: runs/TASK-SPLIT-seedN)")
    train.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.json")
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
    ev.add_argument("--checkpoint", type=Path, required=True, help="checkpoint directory")
    group = ev.add_mutually_exclusive_group()
    group.add_argument("--split", help="official split whose test file to use (default: the checkpoint's)")
    group.add_argument("--test-file", type=Path, help="evaluate on this file instead")
    ev.add_argument("--json", action="store_true", help='print {"accuracy", "n", "correct"} as JSON')
    _engine_arg(ev)
    _input_arg(ev)
    ev.set_defaults(func=_eval)

    solve = subparsers.add_parser(
        "solve", help="answer one input with a trained model",
        description="Run one input through perception, parser and programs; print the output.",
        epilog='examples:\n  nsr solve scan "jump twice after walk left"\n'
               '  nsr solve scan --checkpoint runs/scan-length "look around right thrice"\n'
               '  nsr solve hint --input images "( 8 + 9 ) * 7" --show expr.png',
        formatter_class=_FMT,
    )
    _task_arg(solve)
    _checkpoint_arg(solve)
    solve.add_argument("text", help="the input, tokens separated by spaces")
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
    explain.add_argument("text", help="the input, tokens separated by spaces")
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
    programs.set_defaults(func=_programs)


def _task_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("task", help="task name, e.g. scan")


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
    import torch

    from nsr.learning.loop import load_model

    # The networks are tiny: extra threads only contend (on a busy 2-core machine an
    # evaluation ran 30x slower with torch's default thread count).
    torch.set_num_threads(1)

    input_mode = getattr(args, "input", "symbols")
    task = _task(args.task, input_mode)
    path = args.checkpoint or default_checkpoint(args.task, task.default_split, input_mode)
    model, state = load_model(path)
    task_of = state.get("config", {}).get("task")
    if task_of and task_of != args.task:
        raise ConfigError(f"checkpoint {path} was trained on task {task_of!r}, not {args.task!r}")
    reads = "images" if state.get("config", {}).get("perception", "tokens") == "images" \
        else "symbols"
    if hasattr(args, "input") and args.input != reads:
        raise ConfigError(f"checkpoint {path} reads {reads}, not {args.input}: "
                          f"pass --input {reads}")
    return model, state


def _train(args: argparse.Namespace) -> int:
    from nsr.learning.loop import config_for_task, train

    task = _task(args.task, args.input)
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
    # A task may tune the learner (curriculum, search size...): its configuration, not data.
    options: dict[str, Any] = {}
    if args.input == "images":
        images = _images_module(task)
        examples = images.image_examples(examples, "train")
        options = dict(images.IMAGE_LEARNER_OPTIONS)
    config = config_for_task(task, split, **options)
    log = None if args.quiet else (lambda msg: print(msg, file=sys.stderr))
    result = train(examples, config, seed=args.seed, out=out, resume=args.resume,
                   progress=not args.quiet, log=log)
    last = result.metrics[-1] if result.metrics else {}
    print(f"trained {args.task}/{split} seed {args.seed} in {result.seconds:.1f}s: "
          f"train accuracy {100 * last.get('train_acc', 0.0):.2f}%, "
          f"{len(result.model.programs)} programs; checkpoint in {out}")
    return 0


def _check_train_out(args: argparse.Namespace, out: Path, split: str) -> None:
    """Before any work: OUT can be written; an existing checkpoint there is only replaced with
    --force and only continued (--resume) when it is a run of the same task, split and input."""
    from nsr.learning import checkpoint

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
    import importlib

    loader = getattr(task, "load_file", None)
    if loader is None:  # built-in tasks keep it beside the class, in their package
        package = type(task).__module__.rpartition(".")[0]
        loader = getattr(importlib.import_module(package), "load_file", None)
    if loader is None:
        raise ConfigError(f"task {task.name!r} cannot read arbitrary files")
    examples = loader(Path(path))
    if not examples:
        raise DataError(f"{path}: the file holds no {task.name} examples")
    return examples


def _images_module(task):
    """The task's image-input module (``<task package>.images``: ``image_examples`` and
    ``IMAGE_LEARNER_OPTIONS``)."""
    import importlib

    package = type(task).__module__.rpartition(".")[0]
    try:
        return importlib.import_module(f"{package}.images")
    except ImportError:
        raise ConfigError(f"task {task.name!r} has no image input module") from None


def _predict(model, inputs, engine: str):
    parses = model.run(inputs)
    if engine == "python":
        return [p.output for p in parses], parses
    from nsr.learning.prolog_export import predict_prolog

    return predict_prolog(model, parses), parses


def _eval(args: argparse.Namespace) -> int:
    from nsr.tasks import exact_match

    images = args.input == "images"
    task = _task(args.task, args.input)
    model, state = _load(args)
    if args.test_file is not None:
        examples = _load_file(task, args.test_file)
    else:
        split = args.split or state.get("config", {}).get("split") or DEFAULT_SPLIT
        examples = task.load(task.resolve_split(split), "test")
    report = None
    if images:
        from nsr.learning.images import perception_report

        examples = _images_module(task).image_examples(examples, "test")
        report = perception_report(model, [t for ex in examples for t in ex.source])
    else:
        _check_vocab(model, examples)
    preds, _ = _predict(model, [ex.source for ex in examples], args.engine)
    score = exact_match(preds, examples)
    if args.json:
        extra = {} if report is None else {"perception": report.as_dict()}
        print(json.dumps({**score.as_dict(), **extra}))
        return 0
    from rich.console import Console
    from rich.table import Table

    source = str(args.test_file) if args.test_file is not None else f"{split} (official test file)"
    table = Table("task", "test set", "examples", "correct", "exact match", title="NSR accuracy")
    table.add_row(
        task.name, source, str(score.n), str(score.correct), f"{100 * score.accuracy:.2f}%"
    )
    Console().print(table)
    if report is not None:
        print(f"perception on {report.images} test images (labels used for scoring only): "
              f"{100 * report.accuracy:.2f}%; per symbol: "
              + ", ".join(f"{s} {100 * a:.1f}" for s, a in report.per_symbol.items()))
    return 0


def _check_vocab(model, examples) -> None:
    """Refuse inputs with words the model never saw, naming the first one."""
    known = set(model.perception.cfg.vocab)
    for ex in examples:
        for tok in model.segmenter(ex.source).keys:
            if tok not in known:
                meta = ex.meta or {}
                where = f"{meta['file']}:{meta['line']}" if "line" in meta else ex.id
                raise DataError(f"{where}: unknown word {shorten(tok)!r}: the model never saw "
                                "it in training")


def _tokens(text: str) -> tuple[str, ...]:
    tokens = tuple(text.split())
    if not tokens:
        raise ConfigError("empty input: give the command as one quoted argument")
    return tokens


def _input(args: argparse.Namespace, task, model) -> tuple[tuple[str, ...], dict]:
    """The model's input for the typed text, and how to print each of its tokens.

    With ``--input images`` every typed symbol becomes an image drawn from the test images of
    that symbol (never seen in training); the model reads only the images.
    """
    tokens = _tokens(args.text)
    if args.input != "images":  # _load checked that the checkpoint reads the same
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
    from nsr.learning.model import apply_memo

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
    task = _task(args.task, args.input)
    model, _ = _load(args)
    inputs, _ = _input(args, task, model)
    preds, parses = _predict(model, [inputs], args.engine)
    if preds[0] is None:
        print(f"nsr: no answer: {_why_no_answer(model, parses[0])}", file=sys.stderr)
        return 1
    print(task.format_target(preds[0]))
    return 0


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
    from nsr.learning.model import execute

    _check_images(args)
    task = _task(args.task, args.input)
    model, _ = _load(args)
    inputs, shown = _input(args, task, model)
    (parse,) = model.run([inputs])
    if parse.tree is None:
        print("nsr: the parser found no tree for this input", file=sys.stderr)
        return 1
    values = execute(parse.tree, parse.symbols, model.programs, given=parse.given)
    cut = model.segmenter(parse.tokens)

    def show(v) -> str:
        if v is None:
            return "(none)"
        return " ".join(map(str, v)) if isinstance(v, tuple) else str(v)

    lines = []

    def program(node: int, sym: int) -> str:
        if node in parse.given:
            return "(none: the input's own data)"
        return model.program_text(sym) or "(none)"

    def walk(node: int, depth: int) -> None:
        sym = parse.symbols[node]
        word = cut.text(parse.tokens, node)
        lines.append(f"{'  ' * depth}{shown.get(word, word)}  [symbol {model.symbol_names[sym]}]  "
                     f"= {show(values[node])}    program: {program(node, sym)}")
        for c in parse.tree.children[node]:
            walk(c, depth + 1)

    walk(parse.tree.root, 0)
    print("\n".join(lines))
    return 0


def _programs(args: argparse.Namespace) -> int:
    model, _ = _load(args)
    if args.prolog:
        from nsr.learning.prolog_export import standalone_prolog

        print(standalone_prolog(model))
        return 0
    for s in sorted(model.programs, key=lambda s: model.symbol_names[s]):
        print(f"{model.symbol_names[s]:>12}  {model.program_text(s)}")
    return 0
