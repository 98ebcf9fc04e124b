"""``nsr serve``: the HTTP reward server (OpenRLHF's ``/get_reward`` and our ``/score``)."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from nsr.commands import checks
from nsr.errors import MissingDependency


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve RL rewards over HTTP (OpenRLHF /get_reward, /score, /health, /metrics)",
        description=(
            "Start an HTTP reward server. It checks model answers against prototype records "
            "(ground truth = the record as JSON) by running them in isolated SWI-Prolog / plan "
            "validator workers. POST /get_reward takes OpenRLHF's {\"query\", \"prompts\", "
            "\"labels\"}; POST /score takes {\"completions\", \"ground_truths\"}; GET /health "
            "and GET /metrics report state. Logs are JSON lines on stderr. Ctrl-C (or SIGTERM) "
            "stops accepting, lets in-flight requests finish, then stops the workers."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  nsr serve --port 8000 --workers 2\n"
            "  nsr serve --port 8000 --ray auto --actors 4      # verify on a Ray cluster\n"
            "  nsr proto export kin.jsonl --format openrlhf --out kin-openrlhf.jsonl\n"
            "  python -m openrlhf.cli.train_ppo_ray --data.prompt_dataset kin-openrlhf.jsonl "
            "--data.input_key prompt --data.label_key record --data.apply_chat_template "
            "--reward.remote_url http://127.0.0.1:8000/get_reward ..."
        ),
    )
    parser.add_argument("--port", type=checks.integer(0, 65535), required=True, metavar="P", help="TCP port (0: any)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="H",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    parser.add_argument(
        "--workers",
        type=checks.workers,
        default=2,
        metavar="N",
        help="verifier worker processes (per Ray actor with --ray; default: 2)",
    )
    parser.add_argument(
        "--time-limit",
        type=checks.timeout,
        default=2.0,
        metavar="S",
        help="seconds one sample may run before it scores 0 (default: 2)",
    )
    parser.add_argument(
        "--deadline",
        type=checks.timeout,
        default=60.0,
        metavar="S",
        help="seconds one request may take before the server answers 504 (default: 60)",
    )
    parser.add_argument(
        "--max-body-mb",
        type=checks.real(1e-3, 1024.0),
        default=16.0,
        metavar="MB",
        help="largest request body accepted; larger ones get 413 (default: 16)",
    )
    parser.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="verify on a Ray cluster ('auto', 'ray://host:10001', or 'local' for a new one)",
    )
    parser.add_argument(
        "--actors", type=checks.workers, default=2, metavar="K", help="Ray verifier actors (default: 2)"
    )
    parser.add_argument(
        "--partial", action="store_true", help="give partial credit to wrong answers and plans"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        raise MissingDependency("nsr serve needs uvicorn: pip install uvicorn") from None
    from nsr.reward.server import (
        RewardServer,
        ServerConfig,
        configure_json_logging,
        create_app,
    )

    configure_json_logging()
    options = {"workers": args.workers, "time_limit": args.time_limit, "partial": args.partial}
    checker: Any
    if args.ray:
        from nsr.reward.ray import RayChecker

        address = None if args.ray == "local" else args.ray
        checker = RayChecker(address, actors=args.actors, **options)
    else:
        from nsr.verify import Verifier

        checker = Verifier(**options).start()
    config = ServerConfig(
        max_body_bytes=int(args.max_body_mb * 1024 * 1024), deadline=args.deadline
    )
    try:
        server = RewardServer(
            create_app(checker, config, on_shutdown=checker.close), args.host, args.port
        )
    except BaseException:
        checker.close()
        raise
    logging.getLogger("nsr.reward.server").info(
        "listening", extra={"fields": {"url": server.url, "ray": args.ray or None}}
    )
    server.run()
    return 0
