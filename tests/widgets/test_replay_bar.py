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
    assert "not a clock time" in bar.jump.toolTip()


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
