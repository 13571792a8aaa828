"""One way to start background work: keep a reference, route every failure to one place.

asyncio keeps only weak references to tasks, so a fire-and-forget task can vanish
mid-flight; and an exception nobody awaits is only logged at garbage collection. `spawn`
fixes both.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

_running: set[asyncio.Task[Any]] = set()


def spawn(
    coro: Coroutine[Any, Any, Any], on_error: Callable[[BaseException], None] | None = None
) -> asyncio.Task[Any]:
    task = asyncio.ensure_future(coro)
    _running.add(task)

    def done(finished: asyncio.Task[Any]) -> None:
        _running.discard(finished)
        if finished.cancelled():
            return
        error = finished.exception()
        if error is None:
            return
        if on_error is not None:
            on_error(error)
        else:
            log.error("background task failed", exc_info=error)

    task.add_done_callback(done)
    return task
