"""``nsr serve`` as a user runs it: help, bad options, and a real start + SIGTERM shutdown."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from nsr.cli import main

httpx = pytest.importorskip("httpx")


def test_help_teaches(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["serve", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "/get_reward" in text and "nsr serve --port 8000" in text and "--ray" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--port", "70000"], "argument --port: must be in 0..65535"),
        (["serve", "--port", "0", "--workers", "0"], "argument --workers: must be in 1..256"),
        (["serve"], "the following arguments are required: --port"),
    ],
)
def test_bad_options_are_one_line_errors(argv, message, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def _ray_or_skip() -> list[str]:
    pytest.importorskip("ray", reason="ray is not installed (pip install 'nsr[ray]')")
    return ["--ray", "local", "--actors", "1"]


@pytest.mark.prolog
@pytest.mark.parametrize("backend", ["workers", "ray-local"])
def test_serve_starts_answers_and_stops_on_sigterm(tmp_path, backend) -> None:
    extra = _ray_or_skip() if backend == "ray-local" else []
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nsr.cli", "serve", "--port", "0", "--workers", "1",
             "--time-limit", "1", *extra],
            stderr=log,
            stdout=subprocess.DEVNULL,
            env=env,
        )
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            for line in log_path.read_text().splitlines():
                if backend == "ray-local" and not line.startswith("{"):
                    continue  # Ray's own start-up lines
                entry = json.loads(line)  # every log line of ours is one JSON object
                if entry.get("msg") == "listening":
                    url = entry["url"]
            time.sleep(0.05)
        assert url is not None, log_path.read_text()
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{url}/health", timeout=10).json()["status"] == "ok"
        body = {"completions": ["1"], "ground_truths": [
            {"kind": "prolog", "program": "p(1).", "query": "p(Answer)"}]}
        assert httpx.post(f"{url}/score", json=body, timeout=30).json()["scores"] == [1.0]
    finally:
        proc.send_signal(signal.SIGTERM)
        status = proc.wait(timeout=60)
    # uvicorn drains and runs our shutdown; the process then exits normally (not by the signal).
    assert status == 0, log_path.read_text()
    assert "Traceback" not in log_path.read_text()
    events = [json.loads(line) for line in log_path.read_text().splitlines()
              if line.startswith("{")]
    assert any(e.get("event") == "shutdown" for e in events)
    assert any(e.get("path") == "/score" and e.get("status") == 200 for e in events)
