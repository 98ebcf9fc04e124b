"""``nsr proto convert llm``: the parser and handler, kept here so that ``nsr/commands/proto.py``
only needs one call to add them (and stays cheap to import: nothing heavy is imported here)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from nsr.commands import checks

DESCRIPTION = (
    "Convert natural-language problems into prototypes with an LLM served on an OpenAI-"
    "compatible endpoint (POST URL/chat/completions). The model writes a Prolog program + "
    "query or a PDDL domain + problem as JSON; after a sandbox check, SWI-Prolog runs the "
    "program (PDDL: the validator checks the model's plan, else the reference plan, else "
    "Fast Downward's) and the reply is accepted only when it runs and agrees with the "
    "reference answer, if one is given. A "
    "rejected reply is sent back with the interpreter's message, up to --retries times. "
    "INPUT is JSON lines: {\"id\", \"problem\", \"answer\"?: reference, \"kind\"?: prolog|pddl|"
    "auto}. Failed problems are listed on stderr (id: last error) and do not stop the batch; "
    "exit 2 if the endpoint cannot be reached at all."
)
EPILOG = (
    "examples:\n"
    "  nsr proto convert llm problems.jsonl --llm-url http://127.0.0.1:8000/v1 \\\n"
    "      --model Qwen2.5-7B-Instruct --out llm.jsonl --retries 3 --concurrency 4\n"
    "  OPENAI_API_KEY=... nsr proto convert llm logic.jsonl --kind prolog \\\n"
    "      --llm-url https://api.openai.com/v1 --model gpt-4o-mini \\\n"
    "      --api-key-env OPENAI_API_KEY --out logic.jsonl\n"
    "input line:\n"
    '  {"id": "q1", "problem": "Ann is Bob\'s parent; Bob is Cid\'s parent. Who is Ann\'s '
    'grandchild?", "answer": "cid"}'
)


def add_parser(subparsers: Any) -> None:
    """Add ``llm`` to the ``nsr proto convert`` sub-commands (it inherits their parser class)."""
    p = subparsers.add_parser(
        "llm", help="natural-language problems -> prototypes, written by an LLM, run and checked",
        description=textwrap.fill(DESCRIPTION, 88), epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", metavar="INPUT", help="JSON-lines file of problems")
    p.add_argument("--llm-url", required=True, metavar="URL",
                   help="base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--model", required=True, metavar="NAME", help="model name the server serves")
    p.add_argument("--out", default="-", metavar="FILE",
                   help="output prototype JSON-lines file (written atomically; '-' = stdout, "
                        "the default)")
    p.add_argument("--retries", type=checks.integer(0, 100), default=2, metavar="N",
                   help="further attempts per problem after a rejected reply, each with the "
                        "error as feedback (default 2)")
    p.add_argument("--kind", default="auto", choices=("prolog", "pddl", "auto"),
                   help="prototype language to ask for when a problem does not say (default "
                        "auto: the model chooses)")
    p.add_argument("--concurrency", type=checks.workers, default=1, metavar="K",
                   help="problems in flight at once (threads; default 1)")
    p.add_argument("--api-key-env", default=None, metavar="VAR",
                   help="environment variable holding the API key (sent as a Bearer token); "
                        "default: no key")
    p.add_argument("--timeout", type=checks.timeout, default=120.0, metavar="S",
                   help="seconds to wait for each HTTP reply (default 120)")
    p.add_argument("--temperature", type=checks.real(0.0, 2.0), default=0.0,
                   help="sampling temperature (default 0)")
    p.add_argument("--seed", type=checks.seed, default=None,
                   help="sampling seed sent to the server (recorded in each record)")
    p.add_argument("--no-json-mode", dest="json_mode", action="store_false",
                   help="do not send response_format {type: json_object} (for servers that "
                        "reject it)")
    p.add_argument("--time-limit", type=checks.timeout, default=10.0, metavar="S",
                   help="seconds per Prolog run (default 10)")
    p.add_argument("--planner-timeout", type=checks.timeout, default=60.0, metavar="S",
                   help="seconds per planner run for PDDL replies (default 60)")
    p.add_argument("--no-sandbox", dest="sandbox", action="store_false",
                   help="skip the sandbox pre-check of model-written Prolog (nsr.verify "
                        "workers: no shell, files, network, directives); trusted models only")
    p.add_argument("--no-progress", dest="progress", action="store_false",
                   help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handler: read, convert, write; one line per failed problem on stderr."""
    from nsr.prototypes.llm.client import ChatClient, ChatConfig, api_key_from_env
    from nsr.prototypes.llm.convert import LlmConvertConfig, convert_problems
    from nsr.prototypes.llm.inputs import read_problems
    from nsr.prototypes.record import write_records

    checks.check_output(args.out)
    config = LlmConvertConfig(retries=args.retries, kind=args.kind,
                              concurrency=args.concurrency, time_limit=args.time_limit,
                              planner_timeout=args.planner_timeout, sandbox=args.sandbox)
    chat = ChatConfig(args.llm_url, args.model, api_key=api_key_from_env(args.api_key_env),
                      timeout=args.timeout, temperature=args.temperature,
                      json_mode=args.json_mode, seed=args.seed)
    problems = read_problems(args.input)
    report = convert_problems(problems, ChatClient(chat), config,
                              progress=args.progress and sys.stderr.isatty())
    for failure in report.failures:
        print(f"{failure}", file=sys.stderr)
    for pid, rid in report.duplicates:
        print(f"{pid}: same prototype as {rid} (kept once)", file=sys.stderr)
    if args.out == "-":
        for record in report.records:
            sys.stdout.write(record.to_json() + "\n")
    else:
        write_records(args.out, report.records)
    print(f"{len(report.records)} of {len(problems)} problems converted "
          f"({len(report.failures)} failed, {len(report.duplicates)} duplicates, "
          f"{report.requests} requests, {report.seconds:.1f} s)"
          + ("" if args.out == "-" else f"; wrote {args.out}"), file=sys.stderr)
    return 0
