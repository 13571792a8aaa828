"""One way to start background work: keep a reference, route every failure to one place.

asyncio keeps only weak references to tasks, so a fire-and-forget task can vanish
mid-flight; and an exception nobody awaits is only logged at garbage collection. `spawn`
fixes both: it holds each task until it ends, hands the failures its caller expects
(`expected`, by default the platform's own errors) to `on_error`, and every other failure
to the event loop's exception handler (`console.message.on_loop_exception`: shown to the
operator, the link marked faulty; in tests, the test fails).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from console.errors import PlatformError

_running: set[asyncio.Task[Any]] = set()


def spawn(
    coro: Coroutine[Any, Any, Any],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    expected: tuple[type[BaseException], ...] = (PlatformError,),
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
        if on_error is not None and isinstance(error, expected):
            on_error(error)
            return
        finished.get_loop().call_exception_handler(
            {"message": "background task failed", "exception": error, "task": finished}
        )

    task.add_done_callback(done)
    return task


async def cancel_all() -> None:
    """End the background work in flight (a console stopping: its client is about to close).

    One process runs one console, or a replay and the training consoles it started, which
    stop together; so "all" is this console's work.
    """
    current = asyncio.current_task()
    tasks = [t for t in _running if t is not current and not t.done()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
