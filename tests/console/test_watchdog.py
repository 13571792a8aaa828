"""The watchdog sees the GUI thread being busy, and the status bar's reading leaves it be."""

from __future__ import annotations

import asyncio
import time

import qasync

from console.watchdog import LoopWatchdog
from tests.console.conftest import run


def test_a_busy_gui_thread_shows_as_lateness_and_reading_recent_keeps_the_worst(
    aloop: qasync.QEventLoop,
) -> None:
    watchdog = LoopWatchdog(interval_ms=20)

    async def body() -> None:
        watchdog.start()
        await asyncio.sleep(0.1)
        busy_until = time.perf_counter() + 0.15
        while time.perf_counter() < busy_until:
            pass  # the GUI thread blocked, as a slow slot would block it
        await asyncio.sleep(0.1)
        watchdog.stop()

    run(aloop, body())
    assert watchdog.worst_ms >= 100
    assert watchdog.take_recent_worst() >= 100
    assert watchdog.take_recent_worst() == 0.0  # taken: the next second starts afresh
    assert watchdog.worst_ms >= 100  # but the worst since reset() is kept for benchmarks
