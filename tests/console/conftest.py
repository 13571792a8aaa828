"""Console fixtures: a qasync loop on pytest-qt's QApplication, and a live console core.

pytest-qt has no qasync support (pytest-dev/pytest-qt#448), so each test runs its body with
`aloop.run_until_complete(...)`; an exception left unhandled in any task fails the test
(the loop's exception handler collects it, after doing what the console does with one:
`console.message.on_loop_exception`). `console_core` is a whole console from the bootstrap,
for tests about its core (store, sync, outbox, command service).
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync

from console.bootstrap import bootstrap
from console.loop import close_event_loop, make_event_loop
from console.message import on_loop_exception
from console.session import Session
from console.settings import ConsoleSettings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

T = TypeVar("T")


@pytest.fixture
def aloop(qapp: Any) -> Iterator[qasync.QEventLoop]:
    # qasync stops the loop when the application quits; a test closing its last window
    # must not end the loop that its own coroutine runs on.
    qapp.setQuitOnLastWindowClosed(False)
    loop = make_event_loop(qapp)
    failures: list[dict[str, Any]] = []

    def handler(loop: Any, context: dict[str, Any]) -> None:
        failures.append(context)
        on_loop_exception(loop, context)  # as the console does: shown, the link faulty

    loop.set_exception_handler(handler)
    yield loop
    close_event_loop(loop)
    gc.collect()  # on this (main) thread, and before the check: finalisers may still report
    assert not failures, f"unhandled errors in tasks: {failures}"


async def until(
    predicate: Callable[[], Any], timeout_s: float = 20.0, what: str | Callable[[], str] = ""
) -> None:
    """Yield to the loop until `predicate()` holds; fail after `timeout_s`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        if loop.time() > deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"timed out waiting for {said or predicate}")
        await asyncio.sleep(0.02)


def run(loop: qasync.QEventLoop, coro: Awaitable[T]) -> T:
    return loop.run_until_complete(_then_finalise(coro))


async def _then_finalise(coro: Awaitable[T]) -> T:
    """`coro`, then the finalisers of the streams it closed, while the loop still runs.

    A closed stream's generators are finalised by tasks that need a running loop (anyio asks
    which one). qasync's `run_until_complete` processes Qt events once more after the loop
    stops, with no running loop: a finaliser scheduled at the very end would run there and fail.
    """
    try:
        return await coro
    finally:
        gc.collect()
        await asyncio.sleep(0.05)


def core_settings(url: str, tmp_path: Path, user: str = "calltaker") -> ConsoleSettings:
    return ConsoleSettings(
        platform_url=url, username=user, password="demo", data_folder=tmp_path, with_map=False
    )


@asynccontextmanager
async def console_core(url: str, tmp_path: Path, user: str = "calltaker") -> AsyncIterator[Session]:
    """A whole console from the bootstrap, for its core: store, sync, outbox, commands."""
    console = await bootstrap("live", core_settings(url, tmp_path, user))
    console.session.outbox.retry_s = 0.2
    try:
        yield console.session
    finally:
        await console.stop()
