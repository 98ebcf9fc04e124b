"""The shared core: one lazily started verifier reused by every call, cheap imports, env config."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nsr.errors import ConfigError
from nsr.reward import scoring

from .conftest import FAST


def test_importing_the_adapters_loads_no_engine_or_framework() -> None:
    code = (
        "import sys\n"
        "import nsr.reward, nsr.reward.verl, nsr.reward.trl, nsr.reward.openrlhf\n"
        "import nsr.reward.gym, nsr.reward.ray, nsr.reward.server, nsr.commands.serve\n"
        "heavy = ('torch', 'pyswip', 'unified_planning', 'ray', 'starlette', 'uvicorn')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.prolog
def test_shared_verifier_is_started_once_and_reused(lists_record) -> None:
    scoring.configure(**FAST)
    first = scoring.shared_verifier()
    scoring.score_batch([lists_record["answer"]] * 3, [lists_record] * 3, extract=False)
    assert scoring.shared_verifier() is first
    pids = first.worker_pids()
    assert pids  # workers are running...
    scoring.score_one(lists_record["answer"], lists_record, extract=False)
    assert first.worker_pids() == pids  # ...and no call spawned new ones
    scoring.close_shared()
    second = scoring.shared_verifier()
    assert second is not first
    assert scoring.score_one(lists_record["answer"], lists_record, extract=False).ok


def test_environment_options(monkeypatch) -> None:
    monkeypatch.setenv("NSR_REWARD_WORKERS", "3")
    monkeypatch.setenv("NSR_REWARD_TIME_LIMIT", "0.5")
    assert scoring._env_options() == {"workers": 3, "time_limit": 0.5}
    monkeypatch.setenv("NSR_REWARD_WORKERS", "many")
    with pytest.raises(ConfigError, match="NSR_REWARD_WORKERS='many'"):
        scoring._env_options()


def test_batch_lengths_must_match() -> None:
    with pytest.raises(ConfigError, match="2 completions but 1 ground truths"):
        scoring.score_batch(["a", "b"], [None])


def test_rows_without_records_never_start_a_verifier() -> None:
    class Refuse:
        def check_many(self, items):
            raise AssertionError("nothing to check")

    assert scoring.score_batch(["a", "b"], [None, "plain"], checker=Refuse()) == [None, None]


def test_each_option_set_gets_its_own_pool_and_the_oldest_makes_room() -> None:
    from nsr.reward import scoring

    first = scoring.shared_verifier(time_limit=0.5)
    assert scoring.shared_verifier(time_limit=0.5) is first  # same options, same pool
    others = [scoring.shared_verifier(time_limit=0.6 + i / 10) for i in range(scoring.MAX_ENGINES)]
    assert first not in others
    with pytest.raises(ValueError, match="closed"):
        first.check_prolog("p(1).", "p(X)", "1")
    assert len({id(v) for v in others}) == scoring.MAX_ENGINES


@pytest.mark.prolog
def test_a_forked_child_starts_its_own_shared_verifier(lists_record) -> None:
    """A trainer that forks (a DataLoader worker, multiprocessing with fork) after the shared
    verifier started: the child gets its own pool instead of waiting on the parent's."""
    code = (
        "import json, os, sys\n"
        "from nsr.reward import scoring\n"
        f"record = json.loads({json.dumps(json.dumps(lists_record))})\n"
        f"scoring.configure(**{FAST!r})\n"
        "parent = scoring.shared_verifier()\n"
        "assert scoring.score_one(record['answer'], record, extract=False).ok\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    ok = scoring.score_one(record['answer'], record, extract=False).ok\n"
        "    fresh = scoring.shared_verifier() is not parent\n"
        "    scoring.close_shared()\n"
        "    os._exit(0 if ok and fresh else 1)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "assert scoring.score_one(record['answer'], record, extract=False).ok\n"
        "print(os.waitstatus_to_exitcode(status))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "0", out.stderr
