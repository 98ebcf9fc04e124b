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
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nsr.atomic import atomic_write_text

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
RESULTS_MD = BENCH_DIR / "RESULTS.md"
PRETRAINED_DIR = BENCH_DIR.parent / "nsr" / "learning" / "pretrained"
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


def train_and_score(task_name: str, split: str, seed: int, out: Path) -> dict[str, Any]:
    """Train the NSR learner on a task's official split as the CLI would, then score its test
    file with trees executed by SWI-Prolog (and say how often Python's evaluator agrees)."""
    import torch

    torch.set_num_threads(1)
    from nsr.learning.config import config_for_task
    from nsr.learning.loop import train
    from nsr.model.prolog_export import predict_prolog
    from nsr.tasks import exact_match, get_task

    task = get_task(task_name)
    train_set, test_set = task.load(split, "train"), task.load(split, "test")
    t0 = time.perf_counter()
    result = train(train_set, config_for_task(task, split), seed=seed, out=out, progress=False)
    seconds = time.perf_counter() - t0
    parses = result.model.run([ex.source for ex in test_set])
    t1 = time.perf_counter()
    prolog = predict_prolog(result.model, parses)
    prolog_seconds = time.perf_counter() - t1
    score = exact_match(prolog, test_set)
    python_agrees = sum(p == q.output for p, q in zip(prolog, parses, strict=True)) / len(parses)
    return {
        "split": split, "seed": seed, "accuracy": score.accuracy, "n": score.n,
        "correct": score.correct, "train_seconds": round(seconds, 2),
        "test_prolog_seconds": round(prolog_seconds, 2),
        "python_prolog_agreement": python_agrees, "peak_rss_mb": round(peak_rss_mb(False), 1),
        "train_examples": len(train_set), "programs": {
            result.model.symbol_names[s]: result.model.program_text(s)
            for s in sorted(result.model.programs)},
        "stages": len(result.metrics),
    }


def run_child(script: str, split: str, seed: int, out: Path) -> dict[str, Any]:
    """Run ``script --one SPLIT SEED OUT`` in a fresh process (its own peak memory) and return
    the JSON it prints last, or an ``error`` row with the child's last stderr line."""
    import subprocess

    cmd = [sys.executable, script, "--one", split, str(seed), str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"split": split, "seed": seed, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_seeds(script: str, task_name: str, split: str, seeds: Sequence[int], tmp: Path, *,
              ship: bool, jobs: int = 1) -> list[dict[str, Any]]:
    """Every seed of one split, each in its own child (:func:`run_child`, ``jobs`` at a time),
    printed as it lands; with ``ship``, seed 0's checkpoint becomes the package's
    ``<task>-<split>.json``."""
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    rows = []
    outs = {seed: tmp / f"{task_name}-{split}-seed{seed}" for seed in seeds}
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        futures = [pool.submit(run_child, script, split, seed, outs[seed]) for seed in seeds]
        for seed, future in zip(seeds, futures, strict=True):
            row = future.result()
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "programs"}), flush=True)
            if ship and seed == 0 and "error" not in row:
                shutil.copy2(outs[seed] / "checkpoint.json",
                             PRETRAINED_DIR / f"{task_name}-{split}.json")
    return rows


def wait_for_url(log_path: Path, proc: Any, timeout: float = 60.0) -> str:
    """The URL an ``nsr serve`` child announces in its JSON log (``"msg": "listening"``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        for line in log_path.read_text().splitlines():
            if line.startswith("{") and json.loads(line).get("msg") == "listening":
                return json.loads(line)["url"]
        time.sleep(0.05)
    raise RuntimeError(f"nsr serve did not start: {log_path.read_text()[-2000:]}")


def stop_child(proc: Any, timeout: float = 120.0) -> int | None:
    """SIGTERM a server child and wait for it; its exit status, or None if it had to be
    killed after ``timeout`` seconds."""
    import signal
    import subprocess

    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return None


def start_serve(log_path: Path, workers: int, time_limit: float) -> Any:
    """``nsr serve`` on an ephemeral local port in a child process, logging to ``log_path``
    (read its URL with :func:`wait_for_url`, stop it with :func:`stop_child`)."""
    import subprocess

    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "nsr.cli", "serve", "--port", "0", "--workers",
             str(workers), "--time-limit", str(time_limit)],
            stderr=log, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


def code_commit() -> str:
    """The commit whose code a run measures (short id; ``+changes`` when nsr/ differs from it),
    so rows measured at different commits are told apart in one table."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              check=False)

    head = git("rev-parse", "--short", "HEAD")
    if head.returncode != 0:
        return ""
    changed = git("diff", "--quiet", "HEAD", "--", "nsr").returncode != 0
    return head.stdout.strip() + ("+changes" if changed else "")
