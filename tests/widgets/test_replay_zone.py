"""A replay speaks one time: the status bar and the event log in the recording's own zone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import qasync
from PySide6.QtCore import Qt

from console.bootstrap import bootstrap
from tests.console.conftest import run, until
from tests.widgets.conftest import running, settings_for, sf_recording

PACIFIC = ZoneInfo("America/Los_Angeles")


def test_a_san_francisco_replay_shows_pacific_time_in_the_status_bar_and_the_event_log(
    aloop: qasync.QEventLoop, tmp_path: Path, qtbot: Any
) -> None:
    settings = settings_for(tmp_path, "replay", recording=sf_recording(tmp_path))

    async def body() -> None:
        async with running(await bootstrap("replay", settings), qtbot) as console:
            player, window = console.player, console.window
            assert player is not None
            await player.checked()
            for _ in range(5):
                player.step()
            model = window.events.model()
            await until(lambda: model.rowCount() >= 5, what="events in the log")
            # The event log: each time is the event's own, in Pacific time.
            row = model.rowCount() - 1
            seq = int(model.index(row, 0).data(Qt.ItemDataRole.DisplayRole))
            shown = model.index(row, 1).data(Qt.ItemDataRole.DisplayRole)
            event = player.recording.event(player.recording.index_of_seq(seq))
            when = datetime.fromisoformat(event["ts"]).astimezone(PACIFIC)
            assert shown == when.strftime("%H:%M:%S")
            # The status bar's clock names the zone (April 2020: daylight time).
            await until(lambda: "PDT" in window.status.clock.text(), what="the zone shown")
            assert window.status.clock.text().endswith("PDT (replay)")
            assert console.session.store.zone == PACIFIC

    run(aloop, body())
