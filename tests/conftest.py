"""Shared fixtures: a real platform on loopback (uvicorn in a thread, SQLite in tmp)."""

from __future__ import annotations

import gc
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from maps.engine import prepare_webengine
from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings

# QtWebEngine reads its set-up before the QApplication exists, and any test may build the
# console's main window (with its map), so prepare it before pytest-qt makes the app.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
prepare_webengine()

_keys = itertools.count()


@pytest.fixture(scope="session", autouse=True)
def _collect_garbage_on_the_gui_thread_only() -> Iterator[None]:
    """As the console does (console/gui_gc.py): a QObject left in a cycle by one test must
    not be destroyed later by the collector running in a platform's server thread, which
    crashes Qt. Collection happens here, on the main thread, after each test instead."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test() -> Iterator[None]:
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _no_window_left_behind() -> Iterator[None]:
    """A test that leaves a top-level widget alive fails (napari's leak check): a window
    left open keeps its models and timers, and signals reach it in later tests. Register
    windows with `qtbot.addWidget` (it closes and deletes them) or delete them yourself."""
    app = QApplication.instance()
    before = {id(w) for w in app.topLevelWidgets()} if isinstance(app, QApplication) else set()
    yield
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    left = [w for w in app.topLevelWidgets() if id(w) not in before and w.isVisible()]
    names = [f"{type(w).__name__} {w.windowTitle()!r}" for w in left]
    for widget in left:  # so that one leak does not fail every test after it
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not left, f"top-level widgets left behind: {names}"


class Api:
    """A thin test client: one user's token, helpers that send If-Match and keys."""

    def __init__(self, base_url: str, token: str) -> None:
        self.client = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def post(
        self,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        version: int | None = None,
        key: str | None = None,
    ) -> httpx.Response:
        headers = {"Idempotency-Key": key or f"test-{next(_keys)}"}
        if version is not None:
            headers["If-Match"] = str(version)
        return self.client.post(path, json=body if body is not None else {}, headers=headers)

    def ok(
        self, path: str, body: dict[str, Any] | None = None, *, version: int | None = None
    ) -> dict[str, Any]:
        response = self.post(path, body, version=version)
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def close(self) -> None:
        self.client.close()


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[EmbeddedPlatform]:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'platform.db'}", demo_users=True, sse_ping_s=1
    )
    with EmbeddedPlatform(settings) as running:
        yield running


@pytest.fixture
def api_for(platform: EmbeddedPlatform) -> Iterator[Any]:
    clients: list[Api] = []

    def make(username: str) -> Api:
        api = Api(platform.url, platform.login(username))
        clients.append(api)
        return api

    yield make
    for api in clients:
        api.close()


@pytest.fixture
def gateway(api_for: Any) -> Api:
    return api_for("gateway")


@pytest.fixture
def calltaker(api_for: Any) -> Api:
    return api_for("calltaker")


@pytest.fixture
def dispatcher(api_for: Any) -> Api:
    return api_for("dispatcher")


@pytest.fixture
def supervisor(api_for: Any) -> Api:
    return api_for("supervisor")
