"""The ``nsr`` command.

Each command group lives in its own module under ``nsr/commands`` and exposes
``register(subparsers)``; this module only wires them together and owns error handling:
a user mistake (any :class:`~nsr.errors.NsrError`, a bad argument) prints one line on stderr and
exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from nsr import __version__
from nsr.errors import NsrError

# Command modules, imported lazily so that `nsr --help` stays fast and a broken optional engine
# cannot stop unrelated commands from working.
COMMAND_MODULES: tuple[str, ...] = (
    "nsr.commands.demo",
    "nsr.commands.data",
    "nsr.commands.prolog",
    "nsr.commands.plan",
    "nsr.commands.verify",
    "nsr.commands.serve",
    "nsr.commands.proto",
    "nsr.commands.model",
)

EXIT_USAGE = 2


class UsageError(NsrError, ValueError):
    """A malformed command line."""


class _Parser(argparse.ArgumentParser):
    """argparse, but errors become a one-line :class:`UsageError` instead of usage + exit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nsr",
        description=(
            "nsr: a neuro-symbolic solver. Learns symbol programs from (input, output) pairs, "
            "runs them in SWI-Prolog, plans and validates PDDL, and verifies answers."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'nsr COMMAND --help' for the options of each command.",
    )
    parser.add_argument("--version", action="version", version=f"nsr {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def one_line(message: str, limit: int = 1000) -> str:
    """An error message as the single line the CLI promises: inner line breaks become ' | '
    (a Prolog or PDDL message may span lines) and a runaway message is cut at ``limit``."""
    text = " | ".join(line.strip() for line in message.splitlines() if line.strip())
    return text if len(text) <= limit else text[:limit] + " ..."


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit status."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        status = args.func(args)
        return int(status or 0)
    except NsrError as exc:
        print(f"nsr: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("nsr: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
