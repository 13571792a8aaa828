"""The console in replay mode: the same window, unmistakably a replay, and nothing sent;
"take over" opens a training window whose commands reach only its sandbox.

Both consoles are given a live platform's address and a user that could sign in to it (as
a trainer's console would have), so a replay or training console that used them would
change the live log, and these tests would see it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import qasync

from console import commands
from console.bootstrap import bootstrap
from console.settings import ConsoleSettings
from platform_api.contract import Grade
from platform_api.embedded import EmbeddedPlatform
from tests.console.conftest import run, until
from tests.shiftgen import build_shift
from tests.widgets.conftest import running, settings_for, sf_recording


def _replay_of_a_shift(
    tmp_path: Path, live_url: str, user: str, *, events: int, hours: int
) -> ConsoleSettings:
    """A replay console's settings for a generated shift, holding a live platform's address
    and a user that could sign in to it, as a trainer's console would."""
    path = tmp_path / "shift.jsonl"
    build_shift(path, events=events, hours=hours, units=20, incidents_per_hour=30)
    return settings_for(
        tmp_path, "replay", recording=path, platform_url=live_url, username=user, password="demo"
    )


def _head(url: str, token: str) -> int:
    response = httpx.get(
        f"{url}/v1/events",
        params={"after": 0, "limit": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    head: int = response.json()["head_seq"]
    return head


def test_a_replay_shows_the_past_says_replay_and_sends_nothing(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, tmp_path: Path, qtbot: Any
) -> None:
    settings = _replay_of_a_shift(tmp_path, platform.url, "dispatcher", events=1500, hours=2)
    token = platform.login("dispatcher")
    head_before = _head(platform.url, token)

    async def body() -> None:
        async with running(await bootstrap("replay", settings), qtbot) as console:
            window, session, player = console.window, console.session, console.player
            assert player is not None and player.recording is not None
            await player.checked()  # the start shows at once; the rest is checked after
            player.seek_seq(player.recording.last_seq)
            store = session.store
            assert store.incidents and store.units
            await until(lambda: window.incidents.proxy.rowCount() == len(store.incidents))
            assert window.units.proxy.rowCount() == len(store.units)
            # Unmistakable: banner, frame and title.
            assert window.banner is not None and "REPLAY" in window.banner.text()
            assert window.windowTitle().startswith("REPLAY")
            assert "border: 6px solid" in window.styleSheet()
            assert "REPLAY" in window.status.link.text()
            # Nothing invites a command, and nothing would leave if asked, by any path.
            assert not window.form.isEnabled() and not window.command_bar.isEnabled()
            refused: list[str] = []
            session.commands.refused.connect(lambda _label, message: refused.append(message))
            incident = next(iter(store.incidents.values()))
            unit = next(iter(store.units.values()))
            session.commands.send(commands.assign(unit, incident))
            assert refused and "replay" in refused[0].lower()
            answers: list[str] = []
            session.commands.answer_refused.connect(lambda _id, message: answers.append(message))
            session.commands.answer()
            assert answers and "replay" in answers[0].lower()
            assert session.outbox.pending_count() == 0
            assert not session.client.base_url.startswith(platform.url)

    run(aloop, body())
    assert _head(platform.url, token) == head_before


def test_taking_over_opens_a_training_window_whose_commands_reach_only_the_sandbox(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, tmp_path: Path, qtbot: Any
) -> None:
    settings = _replay_of_a_shift(tmp_path, platform.url, "supervisor", events=800, hours=1)
    # A site's street map (never fetched: these windows have no map), to see it carried over.
    settings = replace(settings, tile_url="http://127.0.0.1:9/{z}/{x}/{y}.png")
    token = platform.login("supervisor")
    head = _head(platform.url, token)

    async def body() -> None:
        async with running(await bootstrap("replay", settings), qtbot) as replay:
            assert replay.player is not None and replay.player.recording is not None
            await replay.player.checked()
            replay.player.seek_seq(replay.player.recording.last_seq)
            assert replay.take_over is not None
            replay.take_over.start()
            await until(lambda: bool(replay.take_over and replay.take_over.consoles), 60)
            training = replay.take_over.consoles[0]
            window, session, sandbox = training.window, training.session, training.sandbox
            assert sandbox is not None and session.client.base_url == sandbox.url
            await until(lambda: len(session.store.units) == len(replay.session.store.units))
            banner = window.banner
            assert banner is not None and "TRAINING" in banner.text()
            assert window.windowTitle().startswith("TRAINING")
            # The same settings as the replay: the map's street tiles too.
            assert training.settings.tile_url == "http://127.0.0.1:9/{z}/{x}/{y}.png"
            sandbox.inject_call(line="999", caller_number="07700 900777", lat=51.5, lon=-0.12)
            await until(
                lambda: any(c.caller_number == "07700 900777" for c in session.store.calls.values())
            )
            call = next(
                c for c in session.store.calls.values() if c.caller_number == "07700 900777"
            )
            assert window.session.commands.answer(call.id)
            await until(lambda: window.form.call_id == call.id, what="answered in the sandbox")
            incident = next(iter(session.store.incidents.values()))
            new = Grade.SCHEDULED if incident.grade != Grade.SCHEDULED else Grade.PRIORITY
            window.session.commands.grade(incident, new, "trainee re-grades")

            def graded() -> bool:
                now = session.store.incidents.get(incident.id)
                return now is not None and now.grade == new

            await until(graded, what="graded in the sandbox")

    run(aloop, body())
    assert _head(platform.url, token) == head  # the live platform saw nothing of the training


def test_a_san_francisco_recording_replays_on_the_san_francisco_map(
    aloop: qasync.QEventLoop, tmp_path: Path, qtbot: Any
) -> None:
    settings = settings_for(tmp_path, "replay", with_map=True, recording=sf_recording(tmp_path))

    async def body() -> None:
        async with running(await bootstrap("replay", settings), qtbot) as console:
            view = console.window.map
            assert view is not None and view.pack == "san-francisco"
            assert console.player is not None
            await console.player.checked()
            store = console.session.store
            assert all(37.6 < u.position.lat < 37.9 for u in store.units.values() if u.position)

    run(aloop, body())
