"""The replay bar drives the player: play, step, speed, jump to a clock time, take over."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from console.recording import load_recording
from console.replay import PLAYING, Player
from console.store import Store
from tests.shiftgen import build_shift
from widgets.replay_bar import ReplayBar


@pytest.fixture
def bar(qtbot: Any, tmp_path: Path) -> ReplayBar:
    path = tmp_path / "shift.jsonl"
    build_shift(path, events=800, hours=2, units=10, incidents_per_hour=30)
    player = Player(Store())
    player.install(load_recording(path))
    widget = ReplayBar(player)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_space_plays_and_pauses_and_right_steps(qtbot: Any, bar: ReplayBar) -> None:
    player = bar.player
    qtbot.keyClick(bar, Qt.Key.Key_Space)
    assert player.state == PLAYING and "Pause" in bar.play_button.text()
    qtbot.keyClick(bar, Qt.Key.Key_Space)
    assert player.state != PLAYING
    seq = player.store.seq
    qtbot.keyClick(bar, Qt.Key.Key_Right)
    assert player.store.seq == seq + 1


def test_the_speed_selector_sets_1x_to_120x(bar: ReplayBar) -> None:
    bar.speed.setCurrentIndex(bar.speed.count() - 1)
    assert bar.player.speed == 120.0
    assert [bar.speed.itemText(i) for i in (0, bar.speed.count() - 1)] == ["1x", "120x"]


def test_a_clock_time_jumps_to_that_moment_in_london_time(qtbot: Any, bar: ReplayBar) -> None:
    bar.jump.setText("07:30")  # the shift starts 06:00 UTC in November: London is UTC
    qtbot.keyClick(bar.jump, Qt.Key.Key_Return)
    assert bar.player.moment == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert "07:30:00" in bar.time_label.text()
    bar.jump.setText("nonsense")
    qtbot.keyClick(bar.jump, Qt.Key.Key_Return)
    assert "not a date and time" in bar.jump.toolTip()


def test_ctrl_j_takes_a_date_and_a_time(qtbot: Any, bar: ReplayBar) -> None:
    bar.jump.setText("20/11 07:45")
    qtbot.keyClick(bar.jump, Qt.Key.Key_Return)
    assert bar.player.moment == datetime(2026, 11, 20, 7, 45, tzinfo=UTC)
    bar.jump.setText("2026-11-20 06:30:15")
    qtbot.keyClick(bar.jump, Qt.Key.Key_Return)
    assert bar.player.moment == datetime(2026, 11, 20, 6, 30, 15, tzinfo=UTC)
    assert bar.play_button.hasFocus()  # back to the bar: Space plays, not types


def test_a_click_on_the_seek_bar_seeks_to_where_it_lands(qtbot: Any, bar: ReplayBar) -> None:
    bar.resize(1200, 40)
    slider = bar.slider
    assert slider.width() > 300
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=slider.rect().center())
    start, end = bar.player.recording.start_time, bar.player.recording.end_time  # type: ignore[union-attr]
    middle = (start + end) / 2
    assert abs(bar.player.time - middle) < (end - start) * 0.1  # not one page step (1/10)
    assert abs(slider.value() - 500) < 60


def test_the_check_s_progress_and_failure_show_in_the_bar(bar: ReplayBar) -> None:
    bar.player.check_progressed.emit(0.43)
    assert bar.checking.isVisible()
    assert bar.checking.text() == "Checking the recording… 43%"
    bar.player.check_progressed.emit(1.0)
    assert not bar.checking.isVisible()
    bar.player.check_failed.emit("line 1234: prev_hash does not match")
    assert "ALTERED" in bar.checking.text() and "line 1234" in bar.checking.toolTip()


def test_the_seek_bar_has_the_incident_density_and_seeks(qtbot: Any, bar: ReplayBar) -> None:
    assert sum(bar.slider.counts) == len(bar.player.recording.incident_times)  # type: ignore[union-attr]
    bar.slider.triggerAction(bar.slider.SliderAction.SliderPageStepAdd)
    assert bar.player.store.seq > 0
    bar.grab()  # paints the histogram without a warning


def test_take_over_pauses_and_says_where(qtbot: Any, bar: ReplayBar) -> None:
    bar.player.seek_seq(300)
    with qtbot.waitSignal(bar.take_over_requested) as blocker:
        bar.take_over.click()
    assert blocker.args == [bar.player.time, 300]
