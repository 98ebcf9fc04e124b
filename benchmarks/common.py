"""Shared plumbing for benchmark scripts: machine facts, peak memory, result files.

Every benchmark writes its figures to ``benchmarks/results/<name>.json`` (atomically) and
replaces its own section of ``benchmarks/RESULTS.md``, delimited by HTML comments, so that
benchmarks can be re-run one at a time without clobbering each other's results.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nsr.atomic import atomic_write_text

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
RESULTS_MD = BENCH_DIR / "RESULTS.md"
_MD_HEADER = (
    "# Benchmark results\n\n"
    "Measured on the project's reference machine (2 CPU cores, no GPU, Debian 12, Python 3.11).\n"
    "Each section is written by the script named in it; re-run that script to refresh it.\n"
)


def machine_facts() -> dict[str, Any]:
    """Facts that make a figure interpretable later: cores, Python, platform, date."""
    return {
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def peak_rss_mb(include_children: bool = True) -> float:
    """Peak resident memory of this process (and its reaped children) in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if include_children else 0
    return max(own, kids) / 1024.0


def write_json(name: str, data: dict[str, Any]) -> Path:
    """Write ``results/<name>.json`` atomically, with machine facts added."""
    payload = {"benchmark": name, "machine": machine_facts(), **data}
    path = RESULTS_DIR / f"{name}.json"
    atomic_write_text(path, json.dumps(payload, indent=2, sort_keys=False) + "\n")
    return path


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table."""
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:,.3g}" if abs(v) < 100 else f"{v:,.0f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def update_results_md(name: str, body: str) -> Path:
    """Replace (or append) the section of RESULTS.md owned by benchmark ``name``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else _MD_HEADER
    section = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + section + after
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    atomic_write_text(RESULTS_MD, text)
    return RESULTS_MD
