"""Map fixtures: QtWebEngine prepared before the QApplication, a live map on a real platform.

`prepare_webengine()` must run before pytest-qt creates the QApplication, so it runs here
at import (conftest files are imported at collection, before any test). A warning from the
page's JS console (forwarded to logging by maps.engine.MapPage) fails the test.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from console.client import PlatformClient
from console.store import Store
from console.sync import Sync
from maps.engine import prepare_webengine
from maps.view import MapView
from tests.console.conftest import aloop, until

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
prepare_webengine()

__all__ = ["aloop"]

LOCAL_SCHEMES = frozenset({"file", "qrc", "data", "blob", "about"})


class RequestCounter(QWebEngineUrlRequestInterceptor):
    """Counts every request the page makes; `outside` keeps those leaving the machine."""

    def __init__(self) -> None:
        super().__init__()
        self.local: list[str] = []
        self.outside: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        (self.local if url.scheme() in LOCAL_SCHEMES else self.outside).append(url.toString())


@pytest.fixture(autouse=True)
def js_errors_fail(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG, logger="maps")
    yield
    noisy = [
        r.getMessage()
        for r in caplog.get_records("call")
        if r.name.startswith("maps") and r.levelno >= logging.WARNING
    ]
    assert not noisy, f"the map logged warnings: {noisy}"


async def js(view: MapView, expression: str) -> Any:
    """The value of a JS expression in the page (through JSON: QtWebEngine's own conversion
    turns arrays into empty strings, and gives no answer for objects it cannot convert)."""
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def done(value: Any) -> None:
        if not future.done():
            future.set_result(value)

    view.run_js(f"JSON.stringify(({expression}) ?? null)", done)
    text = await asyncio.wait_for(future, 20)
    return json.loads(text) if isinstance(text, str) else None


async def js_until(view: MapView, script: str, what: str = "", timeout_s: float = 20) -> Any:
    """Ask the page until the expression is truthy; return its value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        value = await js(view, script)
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or script}")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def live_map(url: str, qtbot: Any, **kwargs: Any) -> AsyncIterator[MapView]:
    """A MapView on a signed-in dispatcher's Store, shown, loaded and holding the state."""
    client = PlatformClient(url)
    await client.login("dispatcher", "demo")
    store = Store()
    sync = Sync(client, store)
    view = MapView(store, **kwargs)
    view.resize(900, 700)
    ready: list[bool] = []
    view.ready.connect(lambda: ready.append(True))
    view.show()
    sync.start()
    try:
        await until(lambda: bool(ready) and sync.state == "connected", what="map ready")
        yield view
    finally:
        await sync.stop()
        await client.aclose()
        view.close()
        view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
