"""Exporting a recording from the console: trainers may, the file replays, others may not."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from console.errors import Forbidden
from console.recording import load_recording
from platform_api.embedded import EmbeddedPlatform
from tests.console.conftest import until
from tests.platform_api.helpers import make_incident
from tests.widgets.conftest import Consoles


def test_a_trainer_exports_the_last_hour_and_the_file_verifies(
    consoles: Consoles,
    gateway: Any,
    calltaker: Any,
    dispatcher: Any,
    tmp_path: Path,
) -> None:
    incident = make_incident(gateway, calltaker)
    target = tmp_path / "shift.jsonl"

    async def body() -> None:
        async with consoles.open("trainer") as window:
            await until(lambda: incident["id"] in window.session.store.incidents)
            window.training.export_recording()
            await until(lambda: window.training.export_dialog is not None, what="the dialog")
            dialog = window.training.export_dialog
            assert dialog is not None
            # The platform is minutes old: the range offered starts where its log does.
            since, _ = dialog.time_window()
            log_start = datetime.fromisoformat(
                dispatcher.get("/v1/events", limit=1)["events"][0]["ts"]
            )
            assert since >= log_start.replace(microsecond=0)
            assert since - log_start < timedelta(seconds=1)
            dialog.path.setText(str(target))
            dialog._on_buttons_accepted()
            await until(
                lambda: "Recording saved" in window.status.currentMessage(), what="exported"
            )

    consoles.run(body())
    recording = load_recording(target)
    kinds = {recording.event(i)["type"] for i in range(len(recording))}
    assert {"call.received", "call.answered", "incident.created"} <= kinds
    assert not Path(str(target) + ".part").exists()


def test_a_dispatcher_may_not_export(
    consoles: Consoles,
    platform: EmbeddedPlatform,
    tmp_path: Path,
) -> None:
    async def body() -> None:
        async with consoles.open() as window:
            actions = [a for a in window.actions() if a.text().startswith("&Export")]
            assert actions and not actions[0].isEnabled()
            try:
                await window.session.client.export_recording(target)
            except Forbidden:
                pass
            else:
                raise AssertionError("the platform let a dispatcher export")

    target = tmp_path / "nope.jsonl"
    consoles.run(body())
    assert not target.exists() and not Path(str(target) + ".part").exists()
