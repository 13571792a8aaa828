"""The call-taker's work, driven by keyboard against a real platform, on two consoles."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import httpx
import qasync
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QSoundEffect
from PySide6.QtWidgets import QApplication

from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings
from tests.console.conftest import run, until
from tests.platform_api.helpers import make_call
from tests.widgets.conftest import Consoles, console_on
from widgets.call_queue import alert_sound_url
from widgets.main_window import MainWindow

# A caller outside Westminster Abbey; a second caller 60 m away.
ABBEY = {"lat": 51.4994, "lon": -0.1273, "accuracy_m": 30.0}
NEARBY = {"lat": 51.4999, "lon": -0.1280, "accuracy_m": 40.0}


def _press(
    qtbot: Any, widget: Any, key: Qt.Key, modifier: Any = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(widget, key, modifier)


def _focused() -> Any:
    return QApplication.focusWidget()


async def _at_the_desk(window: MainWindow) -> None:
    """Shown and active, as a real console is: window shortcuts need an active window.

    (Never qtbot.waitUntil inside a coroutine: its nested event loop re-enters qasync.)
    """
    window.show()
    window.activateWindow()
    await until(window.isActiveWindow, what="the window active")


async def _answer_by_keyboard(qtbot: Any, window: MainWindow, call_id: str) -> None:
    await _at_the_desk(window)
    await until(lambda: call_id in window.session.store.calls, what="the call on screen")
    _press(qtbot, window, Qt.Key.Key_F2)
    await until(lambda: window.form.call_id == call_id, what="the form open on the call")


async def _fill_by_keyboard(qtbot: Any, window: MainWindow, classification: str) -> None:
    form = window.form
    assert _focused() is form.classification
    qtbot.keyClicks(form.classification, classification)
    _press(qtbot, form.classification, Qt.Key.Key_Tab)
    _press(qtbot, form, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    assert _focused() is form.grade
    _press(qtbot, form.grade, Qt.Key.Key_I)  # keyboard search picks "Immediate"
    assert form.grade.currentData() == "immediate"


def test_a_999_call_becomes_a_graded_incident_at_a_geocoded_address_on_every_console(
    consoles: Consoles,
    gateway: Any,
    api_for: Any,
    qtbot: Any,
) -> None:
    dispatcher = api_for("dispatcher")

    async def body() -> None:
        async with (
            consoles.open("calltaker", "a") as taker,
            consoles.open("dispatcher", "b") as other,
        ):
            taker.show()
            call = make_call(gateway, "999", handset_location=ABBEY)
            await _answer_by_keyboard(qtbot, taker, call["id"])
            await _fill_by_keyboard(qtbot, taker, "Violence")
            form = taker.form
            # Two consoles in one process: closing the suggestions' popup hands activation
            # to whichever window the offscreen platform picks; the operator's is this one.
            taker.activateWindow()
            await until(taker.isActiveWindow, what="the call-taker's window active")
            _press(qtbot, form, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
            assert _focused() is form.location.address
            qtbot.keyClicks(form.location.address, "Westminster Abbey")
            _press(qtbot, form.location.address, Qt.Key.Key_Return)
            await until(
                lambda: form.location.results.count() > 0,
                what=lambda: f"address results: {form.location.summary.text()}",
            )
            assert _focused() is form.location.results
            _press(qtbot, form.location.results, Qt.Key.Key_Return)
            assert form.location.point is not None
            assert form.location.point["borough"] == "Westminster"
            _press(qtbot, form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            assert form.errors.text() == ""

            def raised(window: MainWindow) -> Any:
                return next(iter(window.session.store.incidents.values()), None)

            await until(lambda: raised(taker) is not None and raised(other) is not None)
            incident = raised(other)
            assert incident.opening_classification == "Violence"
            assert incident.grade.value == "immediate"
            assert incident.location.borough == "Westminster"
            assert incident.call_ids == [call["id"]]
            await until(lambda: other.incidents.proxy.rowCount() == 1, what="on the other board")

            # A second caller 60 m away: the first incident is offered, Ctrl+L links to it.
            second = make_call(gateway, "999", handset_location=NEARBY)
            await _answer_by_keyboard(qtbot, taker, second["id"])
            await _fill_by_keyboard(qtbot, taker, "Violence")
            _press(qtbot, form, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
            await until(
                lambda: form.duplicates.count() == 1,
                what=lambda: f"the duplicate offered: {form.duplicates_title.text()}",
            )
            assert incident.reference in form.duplicates.item(0).text()
            _press(qtbot, form, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
            await until(lambda: taker.session.outbox.pending_count() == 0)
            linked = dispatcher.get(f"/v1/calls/{second['id']}")
            assert linked["incident_id"] == incident.id
            assert len(dispatcher.get("/v1/state")["incidents"]) == 1

    consoles.run(body())


def test_two_call_takers_answering_one_call_get_one_winner_and_a_clear_message(
    consoles: Consoles,
    gateway: Any,
) -> None:
    async def body() -> None:
        async with (
            consoles.open("calltaker", "a") as a,
            consoles.open("sim-calltaker", "b") as b,
        ):
            call = make_call(gateway, "999")
            await until(
                lambda: call["id"] in a.session.store.calls and call["id"] in b.session.store.calls
            )
            outcomes: list[tuple[str, str]] = []
            for window in (a, b):
                name = window.session.username
                commands = window.session.commands
                commands.answered.connect(lambda _id, n=name: outcomes.append((n, "won")))
                commands.answer_refused.connect(
                    lambda _id, message, n=name: outcomes.append((n, message))
                )
            assert a.session.commands.answer(call["id"]) and b.session.commands.answer(call["id"])
            await until(lambda: len(outcomes) == 2, what="both answers settled")
            winners = [n for n, result in outcomes if result == "won"]
            losers = [(n, m) for n, m in outcomes if m != "won"]
            assert len(winners) == 1 and len(losers) == 1
            assert f"{winners[0]} has already answered this call" in losers[0][1]

    consoles.run(body())


def test_the_form_refuses_missing_fields_and_a_point_outside_the_force_area(
    consoles: Consoles,
    gateway: Any,
) -> None:
    async def body() -> None:
        async with consoles.open("calltaker") as window:
            form = window.form
            asked: list[tuple[Any, Any]] = []  # the form's intent; CallLinks sends it
            form.raise_requested.connect(lambda call_id, body: asked.append((call_id, body)))
            window.new_incident()
            form.submit()
            for message in ("Choose a classification", "Choose a grade", "Give a location"):
                assert message in form.errors.text()
            form.classification.setText("Violence")
            form.grade.setCurrentIndex(form.grade.findData("priority"))
            form.location.set_point(48.8566, 2.3522, "Paris", "map")
            await until(lambda: form.location.point and form.location.point["inside"] is False)
            form.submit()
            assert "outside the force area" in form.errors.text()
            assert window.session.outbox.pending_count() == 0 and asked == []
            form.location.set_point(51.5007, -0.1246, "Parliament Square", "map")
            await until(lambda: form.location.point and form.location.point["inside"] is True)
            form.submit()
            assert form.errors.text() == ""
            [(call_id, body)] = asked  # a walk-in: no call
            assert call_id is None and (body.opening_classification, body.grade) == (
                "Violence",
                "priority",
            )
            await until(lambda: len(window.session.store.incidents) == 1)

    consoles.run(body())


def test_a_form_closed_by_mistake_comes_back_from_its_draft(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, gateway: Any, tmp_path: Path, qtbot: Any
) -> None:
    call = make_call(gateway, "101")

    async def first() -> None:
        async with console_on(platform.url, tmp_path, qtbot, "calltaker") as window:
            await _answer_by_keyboard(qtbot, window, call["id"])
            qtbot.keyClicks(window.form.classification, "Burglary")
            qtbot.keyClicks(window.form.narrative, "Back door forced, caller hiding upstairs")
            window.form.save_draft()

    async def second() -> None:
        async with console_on(platform.url, tmp_path, qtbot, "calltaker") as window:
            await until(lambda: call["id"] in window.session.store.calls)
            window.session.commands.answer(call["id"])  # already ours: reopens the form
            await until(lambda: window.form.call_id == call["id"])
            assert window.form.classification.text() == "Burglary"
            assert "caller hiding upstairs" in window.form.narrative.toPlainText()

    run(aloop, first())
    run(aloop, second())


def test_an_incident_created_while_the_platform_is_down_is_created_once_when_it_returns(
    aloop: qasync.QEventLoop, tmp_path: Path, qtbot: Any
) -> None:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", demo_users=True, sse_ping_s=1)
    first = EmbeddedPlatform(settings).start()
    port = first.port
    gateway = httpx.Client(
        base_url=first.url, headers={"Authorization": f"Bearer {first.login('gateway')}"}
    )
    call = gateway.post(
        "/v1/calls",
        json={"line": "999", "caller_number": "07700 900999"},
        headers={"Idempotency-Key": "outage-call"},
    ).json()["changes"]["calls"][0]
    gateway.close()
    holder: dict[str, EmbeddedPlatform] = {}

    async def body() -> None:
        async with console_on(first.url, tmp_path, qtbot, "calltaker") as window:
            await _answer_by_keyboard(qtbot, window, call["id"])
            first.stop()
            await until(lambda: window.session.sync.state in ("reconnecting", "offline"))
            queued: list[str] = []
            window.session.commands.queued.connect(queued.append)
            form = window.form
            form.classification.setText("Domestic")
            form.grade.setCurrentIndex(form.grade.findData("immediate"))
            form.location.set_point(51.4613, -0.1156, "Brixton Road", "map")
            form.submit()
            assert form.errors.text() == ""
            assert window.session.outbox.pending_count() == 1
            assert "Waiting to send: 1" in window.outbox_panel.pending_title.text()
            # The outbox tries, fails, and the operator is told it waits (once).
            await until(lambda: bool(queued), what="told the incident waits in the outbox")
            assert queued == ["New incident from 07700 900999: Domestic (Immediate)"]
            holder["second"] = EmbeddedPlatform(settings, port=port).start()
            await until(lambda: window.session.outbox.pending_count() == 0, what="delivered")
            await until(lambda: len(window.session.store.incidents) == 1)
            assert window.session.outbox.failures() == []

    try:
        run(aloop, body())
        second = holder["second"]
        state = httpx.get(
            f"{second.url}/v1/state",
            headers={"Authorization": f"Bearer {second.login('dispatcher')}"},
        ).json()
        assert [i["opening_classification"] for i in state["incidents"]] == ["Domestic"]
    finally:
        holder.get("second", first).stop()


def test_a_new_999_call_sounds_the_alert_unless_muted(
    consoles: Consoles,
    gateway: Any,
    qtbot: Any,
) -> None:
    async def body() -> None:
        async with consoles.open("calltaker") as window:
            await until(lambda: window.session.sync.state == "connected")
            queue = window.calls
            await _at_the_desk(window)
            make_call(gateway, "101")
            make_call(gateway, "999")
            await until(lambda: len(window.session.store.calls) == 2)
            assert queue.alerts_played == 1  # the 101 call is silent
            if queue.has_sound_device:
                # The tone itself played: Qt loaded the file and started it.
                await until(lambda: queue.sound.status() == QSoundEffect.Status.Ready)
                assert queue.tones == ["tone"]
            else:
                # No output here: the operator is told, and the system beep stands in.
                assert queue.tones == ["beep"]
                assert "NO SOUND" in queue.sound_on.text()
            _press(qtbot, window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
            assert not queue.sound_on.isChecked()
            make_call(gateway, "999")
            await until(lambda: len(window.session.store.calls) == 3)
            assert queue.alerts_played == 1

    consoles.run(body())


def test_callers_who_hung_up_before_the_console_started_are_listed_to_ring_back(
    consoles: Consoles,
    gateway: Any,
) -> None:
    before = make_call(gateway, "999", caller_number="07700 900001")
    gateway.ok(f"/v1/calls/{before['id']}/abandon")

    async def body() -> None:
        async with consoles.open() as window:
            panel = window.calls
            await until(lambda: panel.abandoned.count() == 1, what="the earlier abandoned call")
            assert before["caller_number"] in panel.abandoned.item(0).text()
            later = make_call(gateway, "101", caller_number="07700 900002")
            gateway.ok(f"/v1/calls/{later['id']}/abandon")
            await until(lambda: panel.abandoned.count() == 2, what="the live abandoned call")
            assert later["caller_number"] in panel.abandoned.item(0).text()  # newest first
            assert panel.abandoned_title.text() == "Abandoned calls (ring back): 2"

    consoles.run(body())


def test_the_999_tone_is_a_format_every_qt_audio_back_end_plays() -> None:
    """16-bit PCM at 44.1 or 48 kHz: the 22.05 kHz file before it was refused by the
    FFmpeg back end ("playback of this format is not supported")."""
    path = alert_sound_url().toLocalFile()
    with wave.open(path) as tone:
        assert tone.getcomptype() == "NONE"
        assert tone.getsampwidth() == 2
        assert tone.getframerate() in (44100, 48000)
        assert tone.getnframes() > 0
