"""The replay transport bar: play/pause, speed, step, a seek bar with incident density, a
clock-time jump, the replay time, and "Take over from here (training)".

Built around a `console.replay.Player` (the model): it calls the player and follows its
signals, nothing else. Times show in the recording's own zone (London or San Francisco),
since a trainer talks about "the 02:15 call", not UTC. The seek bar paints incidents
created per time bin under its groove, so a trainer sees where the shift was busy; a drag
previews the time and seeks on release (a seek rebuilds the state: once, not per pixel).

Signals:
    take_over_requested(time, seq): the trainer asked for a training sandbox from here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QWidget,
)

from console.replay import PLAYING, SPEEDS, Player, zone_of
from widgets.keys import shortcut

STEPS = 1000


class DensitySlider(QSlider):
    """A horizontal slider with a histogram of incidents drawn under its groove.

    Signals:
        clicked_to(value): a click on the groove put the slider at `value`.
    """

    clicked_to = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.counts: list[int] = []
        self.setRange(0, STEPS)
        self.setMinimumHeight(34)

    def set_counts(self, counts: list[int]) -> None:
        self.counts = counts
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click on the groove seeks to where it lands (Qt's default pages a step)."""
        if event.button() == Qt.MouseButton.LeftButton:
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            handle = self.style().subControlRect(
                QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self
            )
            if not handle.contains(event.position().toPoint()):
                span = max(1, self.width() - handle.width())
                x = round(event.position().x()) - handle.width() // 2
                value = QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), x, span)
                self.setValue(value)
                self.clicked_to.emit(value)
                event.accept()
                return
        super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.counts and max(self.counts) > 0:
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            groove = self.style().subControlRect(
                QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, self
            )
            painter = QPainter(self)
            colour = QColor(self.palette().highlight().color())
            colour.setAlpha(110)
            top, peak, n = 2, max(self.counts), len(self.counts)
            height = self.height() - 4
            for i, count in enumerate(self.counts):
                if not count:
                    continue
                x0 = groove.left() + groove.width() * i // n
                x1 = groove.left() + groove.width() * (i + 1) // n
                h = max(1, height * count // peak)
                painter.fillRect(QRect(x0, top + height - h, max(1, x1 - x0), h), colour)
            painter.end()
        super().paintEvent(event)


class ReplayBar(QWidget):
    take_over_requested = Signal(float, int)

    def __init__(self, player: Player, parent: QWidget | None = None, bins: int = 240) -> None:
        super().__init__(parent)
        self.setObjectName("replayBar")
        self.player = player
        self._bins = bins
        self._zone: ZoneInfo | None = None
        self.play_button = QToolButton(self)
        self.play_button.setToolTip("Play / pause (Space)")
        self.play_button.clicked.connect(player.toggle)
        self.step_button = QToolButton(self)
        self.step_button.setText("Step ▸|")
        self.step_button.setToolTip("Step to the next event (→)")
        self.step_button.clicked.connect(self._on_step_clicked)
        self.speed = QComboBox(self)
        for value in SPEEDS:
            self.speed.addItem(f"{value:g}x", value)
        self.speed.setToolTip("Replay speed, 1x to 120x (+ faster, - slower)")
        self.speed.currentIndexChanged.connect(self._on_speed_changed)
        self.slider = DensitySlider(self)
        self.slider.setToolTip("Seek: drag or click (Home: start, End: end); shading = incidents")
        self.slider.sliderMoved.connect(self._on_slider_moved)
        self.slider.sliderReleased.connect(self._on_slider_released)
        self.slider.actionTriggered.connect(self._on_slider_action)
        self.slider.clicked_to.connect(lambda value: self.player.seek_time(self._time_of(value)))
        self.checking = QLabel(self)
        self.checking.setObjectName("replayChecking")
        self.checking.hide()
        player.check_progressed.connect(self._on_player_check_progressed)
        player.check_failed.connect(self._on_player_check_failed)
        self.jump = QLineEdit(self)
        self.jump.setPlaceholderText("dd/mm hh:mm")
        self.jump.setMaximumWidth(110)
        self.jump.setToolTip(
            "Jump to a date and time in the recording's zone, e.g. 15/04 02:15, "
            "2026-04-15 02:15:30, or 02:15 (the first after the start) (Ctrl+J), then Enter"
        )
        self.jump.returnPressed.connect(self._on_jump_entered)
        self.time_label = QLabel(self)
        self.time_label.setObjectName("replayTime")
        self.take_over = QPushButton("Take over from here (training)", self)
        self.take_over.setToolTip("Start a training sandbox seeded with this moment (Ctrl+T)")
        self.take_over.clicked.connect(self._on_take_over_clicked)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        left: tuple[QWidget, ...] = (self.play_button, self.step_button, self.speed)
        right: tuple[QWidget, ...] = (
            self.checking,
            self.time_label,
            self.jump,
            self.take_over,
        )
        for widget in left:
            layout.addWidget(widget)
        layout.addWidget(self.slider, 1)
        for widget in right:
            layout.addWidget(widget)

        shortcut("Space", self, player.toggle)
        shortcut("Right", self, self._on_step_clicked)
        shortcut("+", self, lambda: self._nudge_speed(1))
        shortcut("-", self, lambda: self._nudge_speed(-1))
        shortcut("Ctrl+J", self, self.jump.setFocus)
        shortcut("Ctrl+T", self, self._on_take_over_clicked)

        player.loaded.connect(self._on_player_loaded)
        player.position_changed.connect(self._on_player_position_changed)
        player.state_changed.connect(self._on_player_state_changed)
        self._on_player_state_changed(player.state)
        self.setEnabled(player.recording is not None)
        if player.recording is not None:
            rec = player.recording
            self._on_player_loaded(len(rec), rec.start_time, rec.end_time)

    # ---------------------------------------------------------------- helpers

    def _span(self) -> tuple[float, float]:
        rec = self.player.recording
        return (0.0, 1.0) if rec is None else (rec.start_time, rec.end_time)

    def _time_of(self, value: int) -> float:
        start, end = self._span()
        return start + (end - start) * value / STEPS

    def _local(self, t: float) -> datetime:
        moment = datetime.fromtimestamp(t, UTC)
        return moment.astimezone(self._zone) if self._zone else moment

    def _show_time(self, t: float) -> None:
        self.time_label.setText(self._local(t).strftime("%a %d %b %H:%M:%S %Z"))

    def _nudge_speed(self, step: int) -> None:
        index = min(max(self.speed.currentIndex() + step, 0), self.speed.count() - 1)
        self.speed.setCurrentIndex(index)

    # ---------------------------------------------------------------- handlers

    def _on_player_loaded(self, count: int, start: float, end: float) -> None:
        rec = self.player.recording
        # the recording's own time: its pack's zone (Pacific for San Francisco)
        self._zone = zone_of(rec.header.pack if rec is not None else "london")
        self.slider.set_counts(self.player.density(self._bins))
        self.setEnabled(True)
        self._on_player_position_changed(start, self.player.store.seq)

    def _on_player_position_changed(self, t: float, seq: int) -> None:
        start, end = self._span()
        if not self.slider.isSliderDown():
            value = 0 if end <= start else round((t - start) / (end - start) * STEPS)
            self.slider.blockSignals(True)
            self.slider.setValue(value)
            self.slider.blockSignals(False)
        self._show_time(t)

    def _on_player_state_changed(self, state: str) -> None:
        self.play_button.setText("❚❚ Pause" if state == PLAYING else "▶ Play")

    def _on_speed_changed(self, index: int) -> None:
        self.player.set_speed(float(self.speed.itemData(index)))

    def _on_step_clicked(self) -> None:
        if self.player.recording is not None:
            self.player.step()

    def _on_slider_moved(self, value: int) -> None:
        self._show_time(self._time_of(value))

    def _on_slider_released(self) -> None:
        self.player.seek_time(self._time_of(self.slider.value()))

    def _on_slider_action(self, action: int) -> None:
        if action == QSlider.SliderAction.SliderMove.value:
            return  # a drag: seek on release
        self.player.seek_time(self._time_of(self.slider.sliderPosition()))

    def _on_player_check_progressed(self, share: float) -> None:
        done = share >= 1.0
        self.checking.setVisible(not done)
        self.checking.setText(f"Checking the recording… {share * 100:.0f}%")

    def _on_player_check_failed(self, message: str) -> None:
        self.checking.show()
        self.checking.setText("<b style='color:#e5484d'>RECORDING ALTERED: stopped</b>")
        self.checking.setToolTip(message)

    def jump_target(self, text: str) -> datetime:
        """The moment `text` names, in the recording's zone: "15/04 02:15", "2026-04-15
        02:15[:30]", or a time alone ("02:15": the first such time after the start)."""
        start = self._local(self._span()[0])
        date_part, _, time_part = text.strip().rpartition(" ")
        parts = [int(p) for p in time_part.split(":")]
        if not 2 <= len(parts) <= 3:
            raise ValueError(text)
        hour, minute, second = [*parts, 0][:3]
        day = start
        if date_part:
            if "-" in date_part:
                year, month, mday = (int(p) for p in date_part.split("-"))
            else:
                mday, month = (int(p) for p in date_part.split("/")[:2])
                year = start.year
            day = start.replace(year=year, month=month, day=mday)
        target = day.replace(hour=hour, minute=minute, second=second, microsecond=0)
        if not date_part and target < start:
            target += timedelta(days=1)
        return target

    def _on_jump_entered(self) -> None:
        text = self.jump.text().strip()
        try:
            target = self.jump_target(text)
        except ValueError:
            self.jump.setToolTip(f"not a date and time: {text!r}; write e.g. 15/04 02:15")
            self.jump.selectAll()
            return
        self.player.seek_time(target.timestamp())
        self.jump.clear()
        self.play_button.setFocus()  # Space plays again, not types

    def _on_take_over_clicked(self) -> None:
        if self.player.recording is not None:
            self.player.pause()
            self.take_over_requested.emit(self.player.time, self.player.store.seq)
