"""The dispatcher: concurrent callers' items coalesce into shared batches, each caller gets
exactly its own verdicts in order, a failing batch fails only its callers, close is clean."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from nsr.reward.dispatch import Dispatcher
from nsr.verify import Item, PrologItem, Verdict


class EchoChecker:
    """Answers each item with its own expected text as the verdict's answer; records batches."""

    def __init__(self) -> None:
        self.batches: list[int] = []
        self.gate = threading.Event()
        self.gate.set()

    def check_many(self, items: Sequence[Item]) -> list[Verdict]:
        self.gate.wait(10)
        self.batches.append(len(items))
        if any(item.expected == "boom" for item in items):  # type: ignore[union-attr]
            raise RuntimeError("engine failure")
        return [Verdict(1.0, "ok", answer=item.expected) for item in items]  # type: ignore[union-attr]


def item(text: str) -> PrologItem:
    return PrologItem("", "X = 1", text)


def test_concurrent_async_callers_share_batches_and_get_their_own_verdicts() -> None:
    checker = EchoChecker()
    checker.gate.clear()  # hold the first batch so the others queue up behind it
    dispatcher = Dispatcher(checker, lanes=1, max_batch=1000)

    async def caller(i: int) -> list[str]:
        future = dispatcher.submit([item(f"{i}.{k}") for k in range(i % 3 + 1)])
        return [v.answer for v in await asyncio.wrap_future(future)]

    async def main() -> list[list[str]]:
        tasks = [asyncio.ensure_future(caller(i)) for i in range(64)]
        await asyncio.sleep(0.05)
        checker.gate.set()
        return await asyncio.gather(*tasks)

    results = asyncio.run(main())
    dispatcher.close()
    assert results == [[f"{i}.{k}" for k in range(i % 3 + 1)] for i in range(64)]
    assert sum(checker.batches) == sum(i % 3 + 1 for i in range(64))
    assert len(checker.batches) < 64  # coalesced, not one batch per caller


def test_a_failing_batch_fails_its_callers_and_the_lane_keeps_serving() -> None:
    dispatcher = Dispatcher(EchoChecker(), lanes=1)
    with pytest.raises(RuntimeError, match="engine failure"):
        dispatcher.check_many([item("boom")])
    assert [v.answer for v in dispatcher.check_many([item("a"), item("b")])] == ["a", "b"]
    assert dispatcher.check_many([]) == []
    dispatcher.close()
    with pytest.raises(ValueError, match="closed"):
        dispatcher.submit([item("late")])


def test_max_batch_splits_the_queue() -> None:
    checker = EchoChecker()
    checker.gate.clear()
    dispatcher = Dispatcher(checker, lanes=1, max_batch=4)
    futures = [dispatcher.submit([item(str(i)), item(str(i))]) for i in range(6)]
    checker.gate.set()
    assert [f.result(10)[0].answer for f in futures] == [str(i) for i in range(6)]
    dispatcher.close()
    assert max(checker.batches) <= 4


class StreamingChecker:
    """Streams verdicts; the item "slow" finishes only when ``release`` is set."""

    streams_verdicts = True

    def __init__(self) -> None:
        self.release = threading.Event()

    def check_many(self, items, on_verdict=None):
        verdicts = [Verdict(1.0, "ok", answer=item.expected) for item in items]
        for index, item in enumerate(items):
            if item.expected != "slow" and on_verdict is not None:
                on_verdict(index, verdicts[index])
        if any(item.expected == "slow" for item in items):
            self.release.wait(10)
        for index, item in enumerate(items):
            if item.expected == "slow" and on_verdict is not None:
                on_verdict(index, verdicts[index])
        return verdicts


def test_a_request_is_answered_when_its_own_items_are_done_not_the_whole_batch() -> None:
    checker = StreamingChecker()
    dispatcher = Dispatcher(checker, lanes=1, max_batch=100)
    gate, entered = threading.Event(), threading.Event()
    original = checker.check_many

    def held(items, on_verdict=None):  # the "gate" batch holds the only lane...
        if any(i.expected == "gate" for i in items):
            entered.set()
            gate.wait(10)
        return original(items, on_verdict)

    checker.check_many = held  # type: ignore[method-assign]
    first = dispatcher.submit([item("gate")])
    assert entered.wait(10)
    slow = dispatcher.submit([item("slow"), item("a")])  # ...so these two queue up
    fast = dispatcher.submit([item("b")])
    gate.set()  # and the lane takes both into ONE batch
    assert first.result(10)[0].answer == "gate"
    assert [v.answer for v in fast.result(10)] == ["b"]  # while "slow" is still running
    assert not slow.done()
    checker.release.set()
    assert [v.answer for v in slow.result(10)] == ["slow", "a"]
    dispatcher.close()


class QueueChecker:
    """A checker with ``submit_many`` (like the Verifier): verdicts come from a background
    thread; the item "never" gets none; "bad" is refused when submitted."""

    def __init__(self) -> None:
        self.submitted = 0

    def check_many(self, items):  # pragma: no cover - the direct path never calls it
        raise AssertionError("check_many should not be used when submit_many exists")

    def submit_many(self, items, on_verdict, on_error):
        if any(i.expected == "bad" for i in items):
            raise ValueError("bad item")
        self.submitted += 1

        def run() -> None:
            for index, it in enumerate(items):
                if it.expected != "never":
                    on_verdict(index, Verdict(1.0, "ok", answer=it.expected))

        threading.Thread(target=run).start()


def test_a_queue_checker_is_called_directly_and_each_async_caller_gets_its_verdicts() -> None:
    checker = QueueChecker()
    dispatcher = Dispatcher(checker)
    assert dispatcher._lanes == []  # no thread sits between callers and the pool queue

    async def caller(i: int) -> list[str]:
        return [v.answer for v in await dispatcher.check_async(
            [item(f"{i}.{k}") for k in range(i % 3 + 1)])]

    async def main() -> list[list[str]]:
        return await asyncio.gather(*(caller(i) for i in range(64)))

    results = asyncio.run(main())
    assert results == [[f"{i}.{k}" for k in range(i % 3 + 1)] for i in range(64)]
    assert checker.submitted == 64
    assert [v.answer for v in dispatcher.check_many([item("sync")])] == ["sync"]
    with pytest.raises(ValueError, match="bad item"):
        dispatcher.check_many([item("bad")])
    dispatcher.close()
    with pytest.raises(ValueError, match="closed"):
        dispatcher.submit([item("late")])


def test_check_async_times_out_and_the_loop_keeps_serving() -> None:
    dispatcher = Dispatcher(QueueChecker())

    async def main() -> list[str]:
        with pytest.raises(TimeoutError):
            await dispatcher.check_async([item("never")], timeout=0.1)
        return [v.answer for v in await dispatcher.check_async([item("a")], timeout=10)]

    assert asyncio.run(main()) == ["a"]
    dispatcher.close()
