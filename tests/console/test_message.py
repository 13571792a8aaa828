"""Background failures cannot vanish: an unexpected one is shown on every console, marks its
link faulty, and (through the loop fixture) fails the test in which it happens."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import qasync

from console.client import PlatformClient
from console.errors import Unreachable
from console.loop import close_event_loop, make_event_loop
from console.message import MessageBridge
from console.store import Store
from console.sync import Sync
from console.tasks import spawn
from platform_api.embedded import EmbeddedPlatform
from tests.console.conftest import run, until


class BreaksOnFirstEvent(Store):
    """A Store with a bug: applying any event raises, as a malformed payload would."""

    def apply(self, event: dict[str, Any]) -> bool:
        raise RuntimeError("the Store could not apply an event")


def test_an_error_in_the_store_stops_the_sync_visibly_not_silently(
    qapp: Any, platform: EmbeddedPlatform, gateway: Any, tmp_path: Path
) -> None:
    # A loop of its own, with the console's own exception handler: the aloop fixture would
    # (rightly) fail this test for the very failure it provokes.
    loop = make_event_loop(qapp)
    bridge = MessageBridge()
    shown: list[str] = []
    bridge.failed.connect(shown.append)
    client = PlatformClient(platform.url)
    sync = Sync(client, BreaksOnFirstEvent())
    bridge.failed.connect(sync.mark_faulty)

    async def body() -> None:
        await client.login("dispatcher", "demo")
        sync.start()
        await until(lambda: sync.state == "connected", what="connected")
        gateway.ok("/v1/calls", {"line": "999", "caller_number": "07700 900222"})
        await until(lambda: bool(shown), what="the failure shown")
        await sync.stop()
        await client.aclose()

    try:
        loop.run_until_complete(body())
    finally:
        bridge.close()
        close_event_loop(loop)
    assert "could not apply an event" in shown[0]
    assert sync.state == "faulty"  # the status bar no longer says Connected


def test_an_unexpected_failure_goes_to_the_loop_handler_and_an_expected_one_to_the_caller(
    aloop: qasync.QEventLoop,
) -> None:
    handled: list[dict[str, Any]] = []
    expected: list[BaseException] = []
    aloop.set_exception_handler(lambda _loop, context: handled.append(context))

    async def unreachable() -> None:
        raise Unreachable("the platform is down")

    async def bug() -> None:
        raise KeyError("a bug")

    async def body() -> None:
        await asyncio.gather(
            spawn(unreachable(), expected.append),
            spawn(bug(), expected.append),
            return_exceptions=True,
        )
        await asyncio.sleep(0)  # done-callbacks run on the next turn of the loop

    run(aloop, body())
    assert [type(e) for e in expected] == [Unreachable]
    assert [type(c["exception"]) for c in handled] == [KeyError]


@pytest.mark.parametrize("level", ["info", "warning", "error"])
def test_a_message_reaches_the_window_of_its_own_console_only(qapp: Any, level: str) -> None:
    mine, other = MessageBridge(), MessageBridge()
    seen: list[tuple[str, str, str]] = []
    mine.shown.connect(lambda lvl, text, _ms: seen.append(("mine", lvl, text)))
    other.shown.connect(lambda lvl, text, _ms: seen.append(("other", lvl, text)))
    getattr(mine, level)("Call answered")
    assert seen == [("mine", level, "Call answered")]
    mine.close()
    other.close()
