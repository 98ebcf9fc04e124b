"""``nsr proto``: synthesize, convert, verify, export and summarise verified prototypes.

Every answer in a prototype file is derived by an interpreter (SWI-Prolog, or a plan checked by
our validator), never typed in; ``verify`` repeats the derivation for every line. Exit status
of ``verify``: 0 when every record holds, 1 when some do not (each is listed), 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from nsr.commands import checks
from nsr.errors import ConfigError, DataError, NsrError, ResourceNotFound
from nsr.textfile import read_text

EXIT_MISMATCH = 1


def _fmt(text: str) -> dict[str, Any]:
    return {"formatter_class": argparse.RawDescriptionHelpFormatter, "epilog": text}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "proto",
        help="verified Prolog / PDDL prototypes: synth, convert, verify, export, stats",
        description=(
            "ProtoReasoning-style prototypes: problems written as a Prolog program + query or a "
            "PDDL domain + problem, each with the answer an interpreter derived. Files are JSON "
            "lines (format: nsr/prototypes/record.py, prototypes/README.md)."
        ),
        **_fmt(
            "examples:\n"
            "  nsr proto families\n"
            "  nsr proto synth kinship --n 1000 --seed 1 --difficulty 1-5 --out kin.jsonl\n"
            "  nsr proto synth all --n 100 --workers 2 --out mix.jsonl\n"
            "  nsr proto verify kin.jsonl\n"
            "  nsr proto export kin.jsonl --format verl --out kin.parquet\n"
            "  nsr proto stats kin.jsonl"
        ),
    )
    sub = parser.add_subparsers(dest="proto_command", metavar="ACTION",
                                parser_class=type(parser))
    sub.required = True

    fam = sub.add_parser(
        "families", help="list every family, one per line, name first",
        description=(
            "List the prototype families: name, kind (prolog/pddl), tasks, description. With "
            "FOLDER (one sub-folder per PDDL domain, e.g. ../shared/data/ipc): its planning "
            "families: name, problems, problems with a known plan, domain requirements."
        ),
        **_fmt("examples:\n  nsr proto families\n  nsr proto families ../shared/data/ipc"),
    )
    fam.add_argument("folder", nargs="?", default=None, metavar="FOLDER",
                     help="list the planning families of this folder instead")
    fam.set_defaults(func=_families)

    synth = sub.add_parser(
        "synth", help="generate N verified, de-duplicated prototypes of a family",
        description=(
            "Generate problems of a family at the given difficulty levels, derive every answer "
            "with the interpreter, re-check it, drop duplicates (canonical form) and questions "
            "with no or several answers, and write N records. The output depends only on "
            "FAMILY, --n, --seed, --difficulty and --task (not on --workers)."
        ),
        **_fmt(
            "examples:\n"
            "  nsr proto synth zebra --n 200 --difficulty 3 --out zebra.jsonl\n"
            "  nsr proto synth blocksworld --task plan_completion --n 500 --out bw.jsonl\n"
            "  nsr proto synth graphs,lists --n 1000 --workers 2 --out g.jsonl\n"
            "  nsr proto synth all --n 50 --ray local --out all.jsonl\n"
            "  nsr proto synth pddl --domain domain.pddl --problem p01.pddl --n 30 --out d.jsonl"
        ),
    )
    synth.add_argument("family", metavar="FAMILY",
                       help="a family name, a comma-separated list, or 'all' (see 'nsr proto "
                            "families'); N items are made per family")
    synth.add_argument("--domain", default=None, metavar="FILE",
                       help="FAMILY 'pddl': any PDDL domain; new problems come from random walks "
                            "from --problem's initial state (difficulty = walk length)")
    synth.add_argument("--problem", default=None, metavar="FILE",
                       help="FAMILY 'pddl': the problem whose initial state the walks start from")
    synth.add_argument("--n", type=checks.positive_count, default=100, help="items per family (default 100)")
    synth.add_argument("--seed", type=checks.seed, default=0, help="run seed (default 0)")
    synth.add_argument("--difficulty", default="1-5", metavar="LEVELS",
                       help="a level 1-5 (3), a range (1-5, the default) or a list (1,3,5); "
                            "items cycle through the levels")
    synth.add_argument("--task", default=None,
                       choices=("query_answer", "plan_generation", "plan_completion",
                                "plan_reordering"),
                       help="PDDL families: one task type (default: cycle through all three)")
    synth.add_argument("--workers", type=checks.workers, default=1,
                       help="worker processes (spawn start method; default 1)")
    synth.add_argument("--ray", default=None, metavar="ADDRESS",
                       help="run chunks as Ray tasks on the cluster at ADDRESS ('local' starts "
                            "one here with --workers CPUs); needs 'pip install ray'")
    synth.add_argument("--time-limit", type=checks.timeout, default=10.0,
                       help="seconds per Prolog derivation (default 10)")
    synth.add_argument("--out", default="-", metavar="FILE",
                       help="output JSON-lines file (written atomically; '-' = stdout)")
    synth.set_defaults(func=_synth)

    verify = sub.add_parser(
        "verify", help="re-derive every answer of a file and list the records that fail",
        description=(
            "Re-run every Prolog record in a fresh swipl module and compare the answer; "
            "re-validate every PDDL record's answer. Prints one line per failing record "
            "(line, id, reason, failing step) and a summary; exit 1 if any fail."
        ),
        **_fmt("examples:\n  nsr proto verify kin.jsonl --workers 2\n"
               "  nsr proto verify bw.jsonl --reference   # also unified-planning's validator"),
    )
    verify.add_argument("file", metavar="FILE", help="prototype JSON-lines file")
    verify.add_argument("--workers", type=checks.workers, default=1, help="worker processes (default 1)")
    verify.add_argument("--reference", action="store_true",
                        help="PDDL: also validate with unified-planning's validator (slower)")
    verify.set_defaults(func=_verify)

    export = sub.add_parser(
        "export",
        help="write records as JSON lines, verl parquet, OpenRLHF JSON lines or a HF dataset",
        description=(
            "Export a (valid) prototype file. jsonl: the records; verl: a parquet file with "
            "data_source, prompt (chat messages), ability, reward_model {style, ground_truth}, "
            "extra_info; openrlhf: JSON lines with prompt and record (the record as JSON text: "
            "--data.input_key prompt --data.label_key record); hf: a datasets.save_to_disk "
            "folder. verl needs pyarrow, hf needs datasets."
        ),
        **_fmt("examples:\n  nsr proto export kin.jsonl --format verl --out train.parquet\n"
               "  nsr proto export kin.jsonl --format openrlhf --out kin-openrlhf.jsonl\n"
               "  nsr proto export kin.jsonl --format hf --out kin_ds/"),
    )
    export.add_argument("file", metavar="FILE", help="prototype JSON-lines file")
    export.add_argument("--format", required=True,
                        choices=("jsonl", "verl", "hf", "openrlhf"), help="output format")
    export.add_argument("--out", required=True, metavar="PATH", help="output file or folder")
    export.set_defaults(func=_export)

    stats = sub.add_parser(
        "stats", help="a table per family: count, difficulty histogram, answer length",
        description="Summarise a prototype file per family.",
        **_fmt("example:\n  nsr proto stats kin.jsonl"),
    )
    stats.add_argument("file", metavar="FILE", help="prototype JSON-lines file")
    stats.set_defaults(func=_stats)

    convert = sub.add_parser(
        "convert", help="turn task examples or planning problems into prototypes",
        description=(
            "task: SCAN / PCFG / HINT examples become queries over the task's rules written in "
            "Prolog (prototypes/prolog/convert/); SWI-Prolog derives each answer and an "
            "example whose data disagrees is reported. planning: a planner solves each "
            "problem, our validator accepts the plan, and the three PDDL task types are made."
        ),
        **_fmt("examples:\n"
               "  nsr proto convert task scan --split simple --part test --limit 500 "
               "--out scan.jsonl\n"
               "  nsr proto convert planning domain.pddl p01.pddl p02.pddl --out plans.jsonl"),
    )
    csub = convert.add_subparsers(dest="convert_kind", metavar="SOURCE",
                                  parser_class=type(parser))
    csub.required = True
    ctask = csub.add_parser(
        "task", help="SCAN / PCFG / HINT examples -> Prolog prototypes",
        description="Convert the examples of one split/part of a task.",
        **_fmt("example:\n  nsr proto convert task pcfg --split pcfgset --part test "
               "--limit 100 --out pcfg.jsonl"),
    )
    ctask.add_argument("task", choices=("scan", "pcfg", "hint"), help="task name")
    ctask.add_argument("--split", default=None, help="split (default: the task's default)")
    ctask.add_argument("--part", default="train", choices=("train", "test"), help="part")
    ctask.add_argument("--limit", type=checks.positive_count, default=None, help="convert the first N examples")
    ctask.add_argument("--data-dir", default=None, help="the task's data folder")
    ctask.add_argument("--out", required=True, metavar="FILE", help="output JSON-lines file")
    ctask.set_defaults(func=_convert_task)
    cplan = csub.add_parser(
        "planning", help="PDDL domain + problems (or a folder of families) -> the three PDDL "
                         "task types",
        description=(
            "Solve each problem with a planner, validate, and write three records each. Given "
            "a FOLDER of families instead (one sub-folder per domain, as ../shared/data/ipc): "
            "every known plan (<problem>.valid.plan) and --walks random-walk problems per "
            "problem and task type become records, each validated."
        ),
        **_fmt("examples:\n  nsr proto convert planning domain.pddl p*.pddl --out plans.jsonl\n"
               "  nsr proto convert planning ../shared/data/ipc --walks 2 --out ipc.jsonl"),
    )
    cplan.add_argument("domain", metavar="DOMAIN|FOLDER", help="PDDL domain file, or a folder "
                                                              "of family folders")
    cplan.add_argument("problems", metavar="PROBLEM", nargs="*", help="PDDL problem files")
    cplan.add_argument("--walks", type=checks.positive_count, default=1,
                       help="FOLDER: random-walk problems per problem and task type (default 1)")
    cplan.add_argument("--family", default=None,
                       help="FOLDER: only these families (comma-separated)")
    cplan.add_argument("--seed", type=checks.seed, default=0, help="FOLDER: walk seed (default 0)")
    cplan.add_argument("--planner", default="fast-downward",
                       choices=("fast-downward", "pyperplan"), help="planner")
    cplan.add_argument("--timeout", type=checks.timeout, default=60.0, help="seconds per problem")
    cplan.add_argument("--out", required=True, metavar="FILE", help="output JSON-lines file")
    cplan.set_defaults(func=_convert_planning)
    cmodel = csub.add_parser(
        "model", help="a trained NSR checkpoint -> Prolog prototypes (learned programs + tree)",
        description=(
            "Parse each example with a trained NSR model; the record's program is the "
            "standalone Prolog of the learned programs (as 'nsr programs TASK --prolog' "
            "prints), its query evaluates the parse tree, and SWI-Prolog derives the answer. "
            "Examples the model gets wrong (derived answer != data) are dropped and counted, "
            "or kept flagged (verification.matches_target = false) with --keep-wrong."
        ),
        **_fmt("examples:\n"
               "  nsr proto convert model --task scan --split length --n 200 --out m.jsonl\n"
               "  nsr proto convert model --checkpoint runs/scan-jump --input-file my.txt "
               "--out m.jsonl\n"
               "  nsr proto verify m.jsonl"),
    )
    cmodel.add_argument("--checkpoint", default=None, metavar="PATH",
                        help="checkpoint directory or .json file (default: the shipped "
                             "TASK-simple model)")
    cmodel.add_argument("--task", default="scan", choices=("scan", "pcfg", "hint"),
                        help="the checkpoint's task (default scan)")
    msrc = cmodel.add_mutually_exclusive_group()
    msrc.add_argument("--split", default=None,
                      help="official split to read (default: the one the checkpoint learned)")
    msrc.add_argument("--input-file", default=None, metavar="FILE",
                      help="read examples from FILE in the task's format (SCAN: IN: ... OUT: ...)")
    cmodel.add_argument("--part", default="test", choices=("train", "test"),
                        help="with --split: which part (default test, unseen in training)")
    cmodel.add_argument("--data-dir", default=None, help="the task's data folder")
    cmodel.add_argument("--n", type=checks.positive_count, default=None,
                        help="draw N examples at random with --seed (default: all)")
    cmodel.add_argument("--seed", type=checks.seed, default=0, help="sampling seed (default 0)")
    cmodel.add_argument("--keep-wrong", action="store_true",
                        help="keep examples the model gets wrong, flagged, instead of dropping")
    cmodel.add_argument("--out", required=True, metavar="FILE", help="output JSON-lines file")
    cmodel.set_defaults(func=_convert_model)
    from nsr.prototypes.llm.cli import add_parser as add_llm_parser  # `convert llm`, cheap import

    add_llm_parser(csub)

    examples = sub.add_parser(
        "examples", help="regenerate the example set shipped per family",
        description="Rewrite prototypes/examples/<family>.jsonl (fixed seed; per level: 2 Prolog items, 1 per PDDL task).",
        **_fmt("example:\n  nsr proto examples"),
    )
    examples.add_argument("--out-dir", default=None, help="folder (default: the shipped one)")
    examples.set_defaults(func=_examples)


def _families(args: argparse.Namespace) -> int:
    from nsr.prototypes.families import family_names, get_family

    if args.folder is not None:
        return _folder_families(args.folder)
    for name in family_names():
        f = get_family(name)
        print(f"{name}\t{f.kind}\t{','.join(f.tasks)}\t{f.description}")
    return 0


def _families_of(spec: str, task: str | None) -> tuple[str, ...]:
    """The families FAMILY names, every one checked (and asked for ``task``) before any work."""
    from nsr.prototypes.families import family_names, get_family

    if spec == "all":
        return tuple(n for n in family_names() if task is None or task in get_family(n).tasks)
    names = tuple(n.strip() for n in spec.split(","))
    if not all(names):
        raise ConfigError(f"bad FAMILY {spec!r}: give names separated by commas, e.g. "
                          "kinship,graphs (see 'nsr proto families')")
    for name in names:
        family = get_family(name)  # an unknown name raises, listing the known ones
        if task is not None and task not in family.tasks:
            raise ConfigError(f"family {name!r} has no task {task!r}; tasks: "
                              f"{', '.join(family.tasks)}")
    return names


def _folder_families(folder: str) -> int:
    from nsr.backends.pddl.grounded import parse_domain
    from nsr.backends.pddl.ipc import list_families

    found = list_families(Path(folder))
    if not found:
        raise ConfigError(f"{folder!r} has no family folders (sub-folders with PDDL problems)")
    for name, problems in found.items():
        try:
            domain = parse_domain(problems[0].domain.read_text(encoding="utf-8"))
            reqs = " ".join(sorted(domain.requirements))
        except NsrError as exc:
            reqs = f"unreadable: {exc}"
        known = sum(p.plan is not None for p in problems)
        print(f"{name}\tpddl\t{len(problems)} problems\t{known} known plans\t{reqs}")
    return 0


def _synth_pddl(args: argparse.Namespace) -> int:
    from nsr.prototypes.any_domain import synth_from_domain
    from nsr.prototypes.record import write_records
    from nsr.prototypes.synth import parse_levels

    if args.domain is None or args.problem is None:
        raise ConfigError("'nsr proto synth pddl' needs --domain FILE and --problem FILE")
    texts = []
    for flag, path in (("--domain", args.domain), ("--problem", args.problem)):
        p = Path(path)
        if not p.is_file():
            raise ResourceNotFound(f"{flag} file {path!r} does not exist")
        texts.append(read_text(p, flag.lstrip("-"), nonempty=True))
    task = None if args.task in (None, "query_answer") else args.task
    if args.task == "query_answer":
        raise ConfigError("PDDL prototypes have tasks plan_generation, plan_completion and "
                          "plan_reordering, not query_answer")
    records, attempts = synth_from_domain(texts[0], texts[1], args.n, seed=args.seed,
                                          levels=parse_levels(args.difficulty), task=task)
    write_records(args.out, records)
    print(f"wrote {len(records)} records to {args.out} ({attempts} walks drawn)",
          file=sys.stderr)
    return 0


def _synth(args: argparse.Namespace) -> int:
    from nsr.prototypes.record import write_records
    from nsr.prototypes.synth import parse_levels, synthesize

    if args.family == "pddl":
        return _synth_pddl(args)
    if args.domain is not None or args.problem is not None:
        raise ConfigError("--domain and --problem go with FAMILY 'pddl' only")
    levels = parse_levels(args.difficulty)
    names = _families_of(args.family, args.task)
    checks.check_output(args.out)
    records = []
    for name in names:
        task = args.task
        report = synthesize(name, args.n, seed=args.seed, levels=levels, task=task,
                            workers=args.workers, ray_address=args.ray,
                            time_limit=args.time_limit)
        rejected = ", ".join(f"{k} {v}" for k, v in sorted(report.rejected.items())) or "none"
        print(f"{name}: {len(report.records)} records ({report.attempted} drawn; rejected: "
              f"{rejected}; duplicates {report.duplicates})", file=sys.stderr)
        records.extend(report.records)
    if args.out == "-":
        for r in records:
            sys.stdout.write(r.to_json() + "\n")
    else:
        write_records(args.out, records)
        print(f"wrote {len(records)} records to {args.out}", file=sys.stderr)
    return 0


def _verify(args: argparse.Namespace) -> int:
    from nsr.prototypes.verify import verify_file

    report = verify_file(args.file, workers=args.workers, reference=args.reference)
    for m in report.mismatches:
        print(m)
    print(f"{report.checked} records checked, {len(report.mismatches)} mismatches",
          file=sys.stderr)
    return 0 if report.ok else EXIT_MISMATCH


def _export(args: argparse.Namespace) -> int:
    from nsr.prototypes.export import export
    from nsr.prototypes.record import load_records

    checks.check_output(args.out, directory=args.format == "hf")
    records = load_records(args.file)
    out = export(records, args.out, args.format)
    print(f"wrote {len(records)} records to {out} ({args.format})", file=sys.stderr)
    return 0


def _stats(args: argparse.Namespace) -> int:
    from rich.console import Console

    from nsr.prototypes.record import load_records
    from nsr.prototypes.stats import family_stats, render_table

    records = load_records(args.file)
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)  # piped: do not squeeze the table into 80 columns
    console.print(render_table(family_stats(records), title=str(args.file)))
    return 0


def _convert_task(args: argparse.Namespace) -> int:
    from nsr.prototypes.convert import convert_examples
    from nsr.prototypes.record import write_records
    from nsr.tasks.registry import get_task

    checks.check_output(args.out)
    task = get_task(args.task)
    data_dir = Path(args.data_dir) if args.data_dir else None
    examples = task.load(args.split, args.part, data_dir=data_dir)
    if not examples:
        raise DataError(f"no {args.task} examples in the {args.part} part of split "
                        f"{args.split or task.default_split!r} (empty data file?)")
    if args.limit is not None:
        examples = examples[: args.limit]
    report = convert_examples(args.task, examples)
    for where, why in report.failures:
        print(f"{where}: {why}", file=sys.stderr)
    write_records(args.out, report.records)
    print(f"wrote {len(report.records)} records to {args.out} "
          f"({len(report.failures)} examples not converted)", file=sys.stderr)
    return 0


def _convert_planning(args: argparse.Namespace) -> int:
    from nsr.prototypes.convert import convert_planning
    from nsr.prototypes.record import write_records

    checks.check_output(args.out)
    if Path(args.domain).is_dir():
        return _convert_folder(args)
    if not args.problems:
        raise ConfigError("give PROBLEM files after the DOMAIN file (or a FOLDER of families)")
    report = convert_planning(args.domain, args.problems, planner=args.planner,
                              timeout=args.timeout)
    for where, why in report.failures:
        print(why if why.startswith(where) else f"{where}: {why}", file=sys.stderr)
    write_records(args.out, report.records)
    print(f"wrote {len(report.records)} records to {args.out} "
          f"({len(report.failures)} problems not converted)", file=sys.stderr)
    return 0


def _convert_folder(args: argparse.Namespace) -> int:
    from nsr.prototypes.any_domain import convert_folder
    from nsr.prototypes.record import write_records

    if args.problems:
        raise ConfigError("with a FOLDER of families, give no PROBLEM files")
    if args.walks < 0:
        raise ConfigError(f"--walks must be >= 0, got {args.walks}")
    families = args.family.split(",") if args.family else None
    report = convert_folder(Path(args.domain), walks=args.walks, seed=args.seed,
                            families=families)
    for where, why in report.failures:
        print(f"{where}: {why}", file=sys.stderr)
    write_records(args.out, report.records)
    rate = len(report.records) / report.seconds * 60 if report.seconds else 0.0
    print(f"wrote {len(report.records)} records to {args.out}: {len(report.families)} families "
          f"with all three task types, {len(report.failures)} problems not converted "
          f"({report.seconds:.1f} s, {rate:.0f} records/min)", file=sys.stderr)
    return 0


def _convert_model(args: argparse.Namespace) -> int:
    from nsr.prototypes.from_model import convert_checkpoint
    from nsr.prototypes.record import write_records

    checks.check_output(args.out)
    if args.checkpoint is None:
        from nsr.commands.model import default_checkpoint

        args.checkpoint = default_checkpoint(args.task)
    report = convert_checkpoint(args.checkpoint, task=args.task, split=args.split,
                                part=args.part, input_file=args.input_file,
                                data_dir=args.data_dir, n=args.n, seed=args.seed,
                                keep_wrong=args.keep_wrong)
    for where, why in report.failures:
        print(f"{where}: {why}", file=sys.stderr)
    write_records(args.out, report.records)
    wrong = "kept, flagged" if args.keep_wrong else "dropped"
    print(f"wrote {len(report.records)} records to {args.out} ({report.wrong} answered wrongly "
          f"by the model, {wrong}; {report.duplicates} duplicates; {len(report.failures)} "
          "examples not converted)", file=sys.stderr)
    return 0


def _examples(args: argparse.Namespace) -> int:
    from nsr.prototypes.examples import regenerate_examples

    out_dir = Path(args.out_dir) if args.out_dir else None
    checks.check_output(out_dir, "--out-dir", directory=True)
    for name, count in regenerate_examples(out_dir).items():
        print(f"{name}: {count} records")
    return 0
