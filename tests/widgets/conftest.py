"""Widget fixtures: whole consoles built by the composition root, as the command line does.

`console_on` signs a demo user in to a real platform through `console.bootstrap`, with its
outbox, drafts and layout in the test's own folder; the map (a Chromium process per window)
is built only where a test is about it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from console.bootstrap import Console, bootstrap
from console.settings import ConsoleSettings
from tests.console.conftest import aloop
from widgets.main_window import MainWindow

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
