"""``nsr data``: fetch the official datasets, show statistics, generate HINT."""

from __future__ import annotations

import argparse
from pathlib import Path
from statistics import fmean
from typing import Any

from nsr.commands import checks
from nsr.errors import ConfigError

_TASKS = ("scan", "pcfg", "hint")


def register(subparsers: Any) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    data = subparsers.add_parser(
        "data",
        help="fetch, inspect and generate task data (SCAN, PCFG SET, HINT)",
        description=(
            "Task data. SCAN and PCFG SET are read from the project's shared/data folder or from "
            "the cache that 'nsr data fetch' fills (${NSR_DATA:-~/.cache/nsr}/data/NAME). HINT "
            "is generated from the published recipe with a fixed seed."
        ),
        epilog="examples:\n  nsr data fetch scan\n  nsr data stats pcfg --split systematicity\n"
        "  nsr data generate hint --seed 0",
        formatter_class=fmt,
    )
    actions = data.add_subparsers(dest="data_command", metavar="ACTION", parser_class=type(data))
    actions.required = True

    fetch = actions.add_parser(
        "fetch",
        help="download the official files (checksummed, resumable)",
        description=(
            "Download the official files of a dataset into the cache, checking each against its "
            "sha256. Interrupted downloads resume where they stopped; files already present "
            "and intact are kept. Offline? Copy the files into the cache directory instead."
        ),
        epilog="examples:\n  nsr data fetch scan\n  nsr data fetch pcfg --cache-dir /data/nsr\n"
        "  nsr data fetch scan --base-url http://mirror.local/scan   # a mirror, same layout",
        formatter_class=fmt,
    )
    fetch.add_argument("name", choices=_TASKS, help="which dataset")
    fetch.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="directory that receives NAME/ (default: ${NSR_DATA:-~/.cache/nsr}/data)",
    )
    fetch.add_argument("--force", action="store_true", help="download again even if present")
    fetch.add_argument(
        "--base-url",
        default=None,
        help="fetch <BASE_URL>/<relative path> from a mirror instead of the official URLs",
    )
    fetch.set_defaults(func=_fetch)

    stats = actions.add_parser(
        "stats",
        help="examples per part, input/output lengths, vocabulary sizes",
        description=(
            "Print a table per split and part: number of examples, input and output length "
            "(min/mean/max; for HINT the output column is the result value) and vocabulary sizes."
        ),
        epilog="examples:\n  nsr data stats scan\n  nsr data stats pcfg --split productivity\n"
        "  nsr data stats hint --data-dir runs/hint-seed-0",
        formatter_class=fmt,
    )
    stats.add_argument("name", choices=(*_TASKS, "mt"), help="which task")
    stats.add_argument("--split", default=None, help="one split only (default: every split)")
    stats.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="dataset folder (default: shared/data, then the fetch cache; HINT: generated dir)",
    )
    stats.add_argument(
        "--seed", type=checks.seed, default=0, help="HINT only: which generated seed's cache dir to read"
    )
    stats.set_defaults(func=_stats)

    generate = actions.add_parser(
        "generate",
        help="generate HINT from the published recipe (seeded, JSON lines)",
        description=(
            "Generate HINT: a training set (<= 10 operators, values <= 100, <= 5% per result) "
            "and five test subsets I/SS/LS/SL/LL, one JSON lines file each plus config.json. "
            "The same seed and sizes give byte-identical files. Defaults (20,000 train, 100 per "
            "operator count in test) take seconds; --published asks for the paper's sizes "
            "(998,000 train, of which the 100,000-per-operator-count cap allows 829,630; 1,000 "
            "per operator count in test) and takes about three minutes."
        ),
        epilog="examples:\n  nsr data generate hint --seed 0\n"
        "  nsr data generate hint --seed 1 --train-size 100000 --out runs/hint-1\n"
        "  nsr data generate hint --published",
        formatter_class=fmt,
    )
    generate.add_argument("name", choices=("hint",), help="the generated dataset (hint)")
    generate.add_argument("--seed", type=checks.seed, default=0, help="random seed (default 0)")
    generate.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output directory (default: ${NSR_DATA:-~/.cache/nsr}/hint/seed-SEED)",
    )
    generate.add_argument("--train-size", type=checks.positive_count, default=None, help="training examples (20000)")
    generate.add_argument(
        "--test-per-op", type=checks.positive_count, default=None, help="test expressions per operator count (100)"
    )
    generate.add_argument(
        "--max-per-op", type=checks.positive_count, default=None, help="training cap per operator count (100000)"
    )
    generate.add_argument(
        "--published", action="store_true", help="the paper's sizes (overridden by size flags)"
    )
    generate.set_defaults(func=_generate)


def _fetch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from nsr.tasks.fetch import fetch

    bars: dict[str, tqdm] = {}

    def progress(label: str, done: int, total: int | None) -> None:
        bar = bars.get(label)
        if bar is None:
            bar = bars[label] = tqdm(
                total=total, desc=label, unit="B", unit_scale=True, leave=False, disable=None
            )
        bar.update(done - bar.n)

    try:
        report = fetch(args.name, args.cache_dir, force=args.force, base_url=args.base_url,
                       progress=progress)
    finally:
        for bar in bars.values():
            bar.close()
    print(
        f"{args.name}: {len(report.downloaded)} downloaded, {len(report.present)} already "
        f"present in {report.directory}"
    )
    return 0


def _describe(values: list[int]) -> str:
    if not values:
        return "-"
    return f"{min(values)} / {fmean(values):.1f} / {max(values)}"


def _stats(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from nsr.tasks import get_task
    from nsr.tasks.hint import HintTask

    task = HintTask(seed=args.seed) if args.name == "hint" else get_task(args.name)
    if args.split is not None:
        rows = [(task.resolve_split(args.split), part) for part in ("train", "test")]
    elif task.name == "hint":
        # One training set serves all five test subsets: show it once.
        rows = [("all", "train")] + [(s, "test") for s in task.splits if s != "all"]
    else:
        rows = [(split, part) for split in task.splits for part in ("train", "test")]

    out_header = "result" if task.name == "hint" else "out len"
    table = Table(title=f"{task.name} data", caption="lengths and results: min / mean / max")
    for header in ("split", "part", "examples", "in len", out_header, "in vocab", "out vocab"):
        table.add_column(header, justify="left" if header in ("split", "part") else "right")
    for split, part in rows:
        examples = task.load(split, part, data_dir=args.data_dir)
        vocab = task.vocabulary(examples)
        outputs = [ex.target if isinstance(ex.target, int) else len(ex.target) for ex in examples]
        table.add_row(
            split,
            part,
            str(len(examples)),
            _describe([len(ex.source) for ex in examples]),
            _describe(outputs),
            str(len(vocab.source)),
            str(len(vocab.target)) if task.name != "hint" else "-",
        )
    Console().print(table)
    return 0


def _generate(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from tqdm import tqdm

    from nsr.tasks.hint.generate import HintConfig, expected_size, generate
    from nsr.tasks.paths import hint_cache_dir

    config = HintConfig.published(args.seed) if args.published else HintConfig(seed=args.seed)
    overrides = {
        key: value
        for key, value in (
            ("train_size", args.train_size),
            ("test_per_op", args.test_per_op),
            ("max_per_op", args.max_per_op),
        )
        if value is not None
    }
    config = replace(config, **overrides)
    out = args.out if args.out is not None else hint_cache_dir(config.seed)
    checks.check_output(out, "--out", directory=True)  # fail before minutes of work, not after
    # disable=None: no bar when stderr is not a terminal (logs, pipes, tests)
    with tqdm(total=expected_size(config), desc="hint", unit="expr", disable=None) as bar:

        def progress(split: str, n: int) -> None:
            bar.set_description(f"hint {split}")
            bar.update(n)

        try:
            counts = generate(config, out, progress)
            bar.total = bar.n  # the planned size is an upper bound; end the bar where it got
        except OSError as exc:
            raise ConfigError(f"cannot write HINT data to {out}: {exc.strerror or exc}") from None
    summary = ", ".join(f"{split} {n}" for split, n in counts.items())
    print(f"hint seed {config.seed} -> {out}: {summary}")
    return 0
