"""A stream's subscription (platform_api.fanout): events in order, one wake-up per loop,
a bounded queue that turns into `lagging`, and a wait that ends on time when nothing comes."""

from __future__ import annotations

import asyncio
import threading

from platform_api.eventlog import WrittenEvent
from platform_api.fanout import Broadcaster


def _written(first: int, count: int) -> list[WrittenEvent]:
    return [
        WrittenEvent(seq, "unit.positions", "2026-11-24T00:00:00Z", f'{{"seq":{seq}}}')
        for seq in range(first, first + count)
    ]


def test_events_published_from_another_thread_reach_every_stream_in_order() -> None:
    async def main() -> list[list[int]]:
        broadcaster = Broadcaster(max_backlog=1000)
        subs = [broadcaster.subscribe() for _ in range(3)]

        def writer() -> None:
            for first in range(1, 100, 10):
                broadcaster.publish(_written(first, 10))

        thread = threading.Thread(target=writer)
        thread.start()
        got: list[list[int]] = [[] for _ in subs]
        for sub, seqs in zip(subs, got, strict=True):
            while len(seqs) < 100:
                assert await sub.wait(10)
                item = sub.get_nowait()
                assert item is not None
                seqs.append(item.seq)
        thread.join()
        return got

    got = asyncio.run(main())
    assert got == [list(range(1, 101))] * 3


def test_a_stream_too_far_behind_is_told_to_read_the_log_instead() -> None:
    async def main() -> tuple[bool, bool, object]:
        broadcaster = Broadcaster(max_backlog=5)
        sub = broadcaster.subscribe()
        broadcaster.publish(_written(1, 4))
        broadcaster.publish(_written(5, 4))  # 8 queued would pass the bound of 5
        assert await sub.wait(10)
        return sub.lagging, sub.empty(), sub.get_nowait()

    lagging, empty, item = asyncio.run(main())
    assert lagging and not empty and item is None  # the queue was dropped for one marker


def test_a_wait_with_nothing_published_ends_after_its_time() -> None:
    async def main() -> tuple[bool, bool]:
        broadcaster = Broadcaster()
        sub = broadcaster.subscribe()
        quiet = await sub.wait(0.05)
        broadcaster.close()
        closed = await sub.wait(10)
        return quiet, closed and sub.closed and sub.get_nowait() is None

    quiet, closed = asyncio.run(main())
    assert quiet is False
    assert closed
