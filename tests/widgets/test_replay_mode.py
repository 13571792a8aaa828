"""The console in replay mode: the same window, unmistakably a replay, and nothing sent;
"take over" opens a training window whose commands reach only its sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import qasync

from bench.shiftgen import build_shift
from console import commands
from console.client import PlatformClient
from console.replay import Player
from console.session import Session
from platform_api.embedded import EmbeddedPlatform
from platform_api.sandbox import TrainingSandbox
from tests.console.conftest import run, until
from tests.widgets.test_main_window import layout_settings
from widgets.main_window import MainWindow
from widgets.replay_bar import ReplayBar


def test_a_replay_shows_the_past_says_replay_and_sends_nothing(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, tmp_path: Path, qtbot: Any
) -> None:
    path = tmp_path / "shift.jsonl"
    build_shift(path, events=1500, hours=2, units=20, incidents_per_hour=30)
    live = httpx.Client(
        base_url=platform.url,
        headers={"Authorization": f"Bearer {platform.login('dispatcher')}"},
    )
    head_before = live.get("/v1/events", params={"after": 0, "limit": 1}).json()["head_seq"]

    async def body() -> None:
        session = Session.build_replay(tmp_path / "replay")
        window = MainWindow(session, layout_settings(tmp_path, "r"), with_map=False)
        qtbot.addWidget(window)
        player = Player(session.store)
        window.add_replay_bar(ReplayBar(player))
        window.show()
        session.start()
        try:
            await player.open(path)
            player.seek_seq(player.recording.last_seq if player.recording else 0)
            store = session.store
            assert store.incidents and store.units
            await until(lambda: window.incidents.proxy.rowCount() == len(store.incidents))
            assert window.units.proxy.rowCount() == len(store.units)
            # Unmistakable: banner, frame and title.
            assert window.training.banner is not None and "REPLAY" in window.training.banner.text()
            assert window.windowTitle().startswith("REPLAY")
            assert "border: 6px solid" in window.styleSheet()
            assert "REPLAY" in window.status.link.text()
            # Nothing invites a command, and nothing would leave if asked.
            assert not window.form.isEnabled() and not window.command_bar.isEnabled()
            refused: list[str] = []
            session.dispatching.refused.connect(lambda _label, message: refused.append(message))
            incident = next(iter(store.incidents.values()))
            unit = next(iter(store.units.values()))
            session.dispatching.send(commands.assign(unit, incident))
            assert refused and "replay" in refused[0].lower()
            assert session.outbox.pending_count() == 0
        finally:
            window.close()
            await session.stop()

    run(aloop, body())
    head_after = live.get("/v1/events", params={"after": 0, "limit": 1}).json()["head_seq"]
    live.close()
    assert head_after == head_before


def test_taking_over_opens_a_training_window_whose_commands_reach_only_the_sandbox(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, tmp_path: Path, qtbot: Any
) -> None:
    path = tmp_path / "shift.jsonl"
    build_shift(path, events=800, hours=1, units=12, incidents_per_hour=30)
    live_token = platform.login("dispatcher")
    head = httpx.get(
        f"{platform.url}/v1/events",
        params={"after": 0, "limit": 1},
        headers={"Authorization": f"Bearer {live_token}"},
    ).json()["head_seq"]

    async def body() -> None:
        replay = Session.build_replay(tmp_path / "replay")
        player = Player(replay.store)
        await player.open(path)
        player.seek_seq(player.recording.last_seq if player.recording else 0)
        sandbox = TrainingSandbox.start(player.state_now(), player.moment)
        try:
            client = PlatformClient(sandbox.url)
            await client.login("supervisor", "demo")
            session = Session.build(client, "supervisor", "supervisor", tmp_path / "t", "training")
            window = MainWindow(session, layout_settings(tmp_path, "t"), with_map=False)
            window.training.sandbox = sandbox
            qtbot.addWidget(window)
            session.start()
            await until(lambda: len(session.store.units) == len(replay.store.units))
            banner = window.training.banner
            assert banner is not None and "TRAINING" in banner.text()
            assert window.windowTitle().startswith("TRAINING")
            sandbox.inject_call(line="999", caller_number="07700 900777", lat=51.5, lon=-0.12)
            await until(
                lambda: any(c.caller_number == "07700 900777" for c in session.store.calls.values())
            )
            call = next(
                c for c in session.store.calls.values() if c.caller_number == "07700 900777"
            )
            assert window.handling.answer(call.id)
            await until(lambda: window.form.call_id == call.id, what="answered in the sandbox")
            window.close()
            await session.stop()
        finally:
            sandbox.stop()

    run(aloop, body())
    after = httpx.get(
        f"{platform.url}/v1/events",
        params={"after": 0, "limit": 1},
        headers={"Authorization": f"Bearer {live_token}"},
    ).json()["head_seq"]
    assert after == head  # the live platform saw nothing of the training
