"""widgets/link_banner.py with console/sync.py: a dead link is never hidden."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import Qt

from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings
from tests.conftest import Api
from tests.console.conftest import run, until
from tests.platform_api.helpers import make_call
from tests.widgets.conftest import console_on


def test_a_dead_link_shows_a_banner_with_its_age_stale_boards_and_a_retry_now(
    aloop: qasync.QEventLoop, tmp_path: Path, qtbot: Any
) -> None:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", demo_users=True, sse_ping_s=1)
    first = EmbeddedPlatform(settings).start()
    holder: dict[str, EmbeddedPlatform] = {}

    async def body() -> None:
        async with console_on(first.url, tmp_path, qtbot, "dispatcher") as window:
            sync = window.session.sync
            await until(lambda: sync.state == "connected")
            banner = window.link_banner
            assert banner is not None and not banner.isVisible()
            first.stop()
            await until(lambda: banner.isVisible(), what="the banner once the link drops")
            assert "no contact with the platform for 0:" in banner.text.text()
            assert "STALE" in banner.text.text()
            assert "outbox" in banner.text.text()
            assert window.docks["incidents"].windowTitle().endswith("STALE (link down)")
            # A 10-second message in the status bar does not cover the link's state.
            window.status.showMessage("Abandoned calls not loaded", 10000)
            assert window.status.link.isVisible()
            assert "Connected" not in window.status.link.text()
            # "Retry now" tries at once instead of waiting out the backoff.
            tried = sync.attempts
            qtbot.mouseClick(banner.retry, Qt.MouseButton.LeftButton)
            await until(lambda: sync.attempts > tried, what="another attempt after Retry now")
            holder["second"] = EmbeddedPlatform(settings, port=first.port).start()
            banner.retry.click()
            await until(lambda: sync.state == "connected", what="connected again")
            assert not banner.isVisible()
            assert window.docks["incidents"].windowTitle() == "Incidents"

    try:
        run(aloop, body())
    finally:
        holder.get("second", first).stop()


def test_a_console_started_while_its_platform_is_down_shows_the_last_state_read_only(
    aloop: qasync.QEventLoop, tmp_path: Path, qtbot: Any
) -> None:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", demo_users=True, sse_ping_s=1)
    first = EmbeddedPlatform(settings).start()
    gateway = Api(first.url, first.login("gateway"))
    make_call(gateway, "999", caller_number="07700 900123")
    gateway.close()
    holder: dict[str, EmbeddedPlatform] = {}

    async def before() -> None:
        async with console_on(first.url, tmp_path, qtbot, "calltaker") as window:
            await until(lambda: len(window.session.store.calls) == 1)

    async def during() -> None:
        async with console_on(first.url, tmp_path, qtbot, "calltaker") as window:
            session = window.session
            assert [c.caller_number for c in session.store.calls.values()] == ["07700 900123"]
            banner = window.link_banner
            assert banner is not None
            await until(lambda: banner.isVisible(), what="the banner after the first try")
            assert "READ-ONLY" in banner.text.text()
            refused: list[str] = []
            session.commands.answer_refused.connect(lambda _id, text: refused.append(text))
            qtbot.keyClick(window, Qt.Key.Key_F2)
            await until(lambda: bool(refused), what="F2 refused while not signed in")
            assert refused[0].startswith("Not signed in")
            holder["second"] = EmbeddedPlatform(settings, port=first.port).start()
            banner.retry.click()
            await until(lambda: session.sync.state == "connected", what="signed in and synced")
            assert not session.commands.read_only
            assert not banner.isVisible()

    try:
        run(aloop, before())
        first.stop()
        run(aloop, during())
    finally:
        holder.get("second", first).stop()
