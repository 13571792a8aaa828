"""A live console draws the area its platform serves, not the one it was started with:
every console of a room shows the same map whatever its own `--pack` says; a replay, and
a training sandbox taken over from it, are in the recording's own pack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync

from console.bootstrap import bootstrap
from platform_api.embedded import EmbeddedPlatform
from platform_api.imports import import_calls, load_mapping, shipped_mapping
from platform_api.packs import load_pack
from tests.console.conftest import run, until
from tests.databases import platform_on_pack
from tests.widgets.conftest import running, settings_for
from widgets.replay_bar import ReplayBar


@pytest.fixture
def sf_platform(tmp_path: Path) -> Iterator[EmbeddedPlatform]:
    with platform_on_pack(tmp_path / "db", "san-francisco") as running:
        yield running


def test_a_console_started_for_london_shows_the_san_francisco_its_platform_serves(
    aloop: qasync.QEventLoop, sf_platform: EmbeddedPlatform, tmp_path: Path, qtbot: Any
) -> None:
    settings = settings_for(
        tmp_path,
        with_map=True,
        platform_url=sf_platform.url,
        username="dispatcher",
        password="demo",
        pack="london",
    )

    async def body() -> None:
        async with running(await bootstrap("live", settings), qtbot) as console:
            view = console.window.map
            assert view is not None and view.pack == "san-francisco"
            assert "Neighborhoods" in view._html and "DataSF" in view._html
            assert "Tube lines" not in view._html

    run(aloop, body())


def test_taking_over_a_san_francisco_replay_trains_in_san_francisco(
    aloop: qasync.QEventLoop, tmp_path: Path, qtbot: Any
) -> None:
    sample = Path(__file__).resolve().parents[1] / "data" / "sf-fire-calls-sample.csv"
    path = tmp_path / "sf.jsonl"
    import_calls(
        sample, load_mapping(shipped_mapping("sf-fire-calls")), load_pack("san-francisco"), path
    )
    settings = settings_for(tmp_path, "replay", with_map=True, recording=path, pack="london")

    async def body() -> None:
        async with running(await bootstrap("replay", settings), qtbot) as replay:
            assert replay.player is not None and replay.take_over is not None
            await replay.player.checked()
            bar = replay.window.findChild(ReplayBar)
            assert bar is not None and bar.time_label.text().endswith(("PDT", "PST"))
            replay.take_over.start()
            await until(lambda: bool(replay.take_over and replay.take_over.consoles), 60)
            training = replay.take_over.consoles[0]
            view = training.window.map
            assert view is not None and view.pack == "san-francisco"
            assert "DataSF" in view._html

    run(aloop, body())
