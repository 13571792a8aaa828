"""Widget fixtures: whole consoles built by the composition root, as the command line does.

`console_on` signs a demo user in to a real platform through `console.bootstrap`, with its
outbox, drafts and layout in the test's own folder; the map (a Chromium process per window)
is built only where a test is about it. The `consoles` fixture is the set-up nearly every
widget test repeats, in one place: the real platform on loopback, the qasync loop that runs
the test's body, and consoles opened on it (shown and active when keys are pressed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync

from console.bootstrap import Console, bootstrap
from console.settings import ConsoleSettings
from platform_api.embedded import EmbeddedPlatform
from platform_api.imports import import_calls, load_mapping, shipped_mapping
from platform_api.packs import load_pack
from tests.console.conftest import aloop, run, until
from widgets.main_window import MainWindow

T = TypeVar("T")

__all__ = ["aloop"]


def settings_for(
    tmp_path: Path, folder: str = "console", *, with_map: bool = False, **fields: Any
) -> ConsoleSettings:
    """A console's settings with every file it keeps under `tmp_path / folder`."""
    return ConsoleSettings(data_folder=tmp_path / folder, with_map=with_map, **fields)


@asynccontextmanager
async def running(console: Console, qtbot: Any) -> AsyncIterator[Console]:
    """Stop the console however the test ends (`Console.stop` closes and deletes its window,
    so it is not also given to qtbot, which would close it a second time)."""
    try:
        yield console
    finally:
        await console.stop()


@asynccontextmanager
async def console_on(
    url: str,
    tmp_path: Path,
    qtbot: Any,
    user: str = "dispatcher",
    folder: str = "console",
    with_map: bool = False,
) -> AsyncIterator[MainWindow]:
    """A whole live console signed in as demo `user` on the platform at `url`."""
    settings = settings_for(
        tmp_path, folder, with_map=with_map, platform_url=url, username=user, password="demo"
    )
    async with running(await bootstrap("live", settings), qtbot) as console:
        yield console.window


def sf_recording(tmp_path: Path) -> Path:
    """A recording of the San Francisco sample (tests/data), imported with its pack."""
    sample = Path(__file__).resolve().parents[1] / "data" / "sf-fire-calls-sample.csv"
    path = tmp_path / "sf.jsonl"
    mapping = load_mapping(shipped_mapping("sf-fire-calls"))
    import_calls(sample, mapping, load_pack("san-francisco"), path)
    return path


@dataclass
class Consoles:
    """Whole consoles on the test's real platform; `run` drives the test's body."""

    loop: qasync.QEventLoop
    platform: EmbeddedPlatform
    tmp_path: Path
    qtbot: Any

    def run(self, body: Awaitable[T]) -> T:
        return run(self.loop, body)

    @asynccontextmanager
    async def open(
        self,
        user: str = "dispatcher",
        folder: str = "console",
        *,
        with_map: bool = False,
        active: bool = False,
    ) -> AsyncIterator[MainWindow]:
        """A console signed in as demo `user`; `active`: shown and the active window, as
        keys need it to be."""
        async with console_on(
            self.platform.url, self.tmp_path, self.qtbot, user, folder, with_map
        ) as window:
            if active:
                window.show()
                window.activateWindow()
                await until(window.isActiveWindow, what="the window active (keys need it)")
            yield window


@pytest.fixture
def consoles(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, tmp_path: Path, qtbot: Any
) -> Consoles:
    return Consoles(aloop, platform, tmp_path, qtbot)
