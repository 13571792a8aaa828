"""The call queue dock: waiting calls, answered from the keyboard, a sound for each new 999.

Enter answers the selected call, F2 the next one (999 first, longest wait); callers who hung
up leave the queue but stay listed under it with their number, to ring back.

The tone is 16-bit PCM WAV at 48 kHz stereo, the format every Qt audio back end plays. A
machine with no sound output cannot play it: the checkbox says so in red and the console
falls back to the system beep, so nobody believes a silent console is ringing.

Signals:
    answer_requested(call_id): the operator asked to answer ("" means the next call).
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QWidget,
)

from console.models import ID_ROLE, hhmmss
from console.store import Change, Store
from console.tables import CallQueueModel
from platform_api.contract import CallPublic, CallState, Line
from widgets.keys import shortcut
from widgets.table_panel import TablePanel

ABANDONED_KEPT = 50
LINE_COLUMN, STATE_COLUMN, WAIT_COLUMN, CALLER_COLUMN = 0, 1, 2, 3


def alert_sound_url() -> QUrl:
    path = resources.files("resources") / "sounds" / "alert-999.wav"
    return QUrl.fromLocalFile(str(path))


class CallQueuePanel(TablePanel):
    answer_requested = Signal(str)

    def set_read_only(self, read_only: bool) -> None:
        """A replay: nothing here may invite answering a call."""
        self.answer_next.setEnabled(not read_only)
        self.answer_selected.setEnabled(not read_only)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(CallQueueModel(store), "Search calls (number, line, state)…", 0, parent)
        self.model.setParent(self)
        # Who answered, and a number to ring back: never cut. Line and wait as narrow as
        # they can be, so both fit the queue's 450 px at 1280x720.
        self.keep_whole(LINE_COLUMN, STATE_COLUMN, WAIT_COLUMN, CALLER_COLUMN)
        self._store = store
        self._seen: set[str] = set(store.calls)
        self.alerts_played = 0
        self.answer_next = QPushButton("Answer next (F2)", self)
        self.answer_next.setToolTip("Answer the next call: 999 first, then longest wait (F2)")
        self.answer_next.clicked.connect(lambda: self.answer_requested.emit(""))
        self.answer_selected = QPushButton("Answer selected (Enter)", self)
        self.answer_selected.setToolTip("Answer the selected call (Enter in the queue)")
        self.answer_selected.clicked.connect(self.answer_current)
        self.sound_on = QCheckBox("999 alert sound (Ctrl+M)", self)
        self.sound_on.setChecked(True)
        self.sound_on.setToolTip("Play a tone for each new 999 call; Ctrl+M mutes or unmutes")
        bar = QHBoxLayout()
        bar.addWidget(self.answer_next)
        bar.addWidget(self.answer_selected)
        bar.addStretch(1)
        bar.addWidget(self.sound_on)
        layout = self.box
        layout.insertLayout(0, bar)
        self.abandoned_title = QLabel("Abandoned calls (ring back)", self)
        self.abandoned = QListWidget(self)
        self.abandoned.setMaximumHeight(64)
        self.abandoned.setToolTip("Callers who hung up before an answer, newest first")
        layout.addWidget(self.abandoned_title)
        layout.addWidget(self.abandoned)
        self._abandoned: dict[str, tuple[datetime, str]] = {}  # call id: (when, text)
        self._refresh_abandoned()
        for key in ("Return", "Enter"):
            shortcut(key, self.view, self.answer_current, Qt.ShortcutContext.WidgetShortcut)
        self.sound = QSoundEffect(self)
        self.has_sound_device = bool(QMediaDevices.audioOutputs())
        if self.has_sound_device:
            self.sound.setSource(alert_sound_url())
        else:
            self.sound_on.setText("999 alert: NO SOUND")
            self.sound_on.setToolTip(
                "This machine has no sound output: the 999 tone cannot play, only the system"
                " beep. Ctrl+M mutes or unmutes"
            )
            self.sound_on.setStyleSheet("color:#e5484d; font-weight:bold")
        self.tones: list[str] = []  # how each alert was given: "tone" or "beep"
        store.reset.connect(self._on_store_reset)
        store.changed.connect(self._on_store_changed)

    def answer_current(self) -> None:
        index = self.view.currentIndex()
        call_id = index.data(ID_ROLE) if index.isValid() else None
        self.answer_requested.emit(str(call_id or ""))

    def focus_queue(self) -> None:
        """Back to the queue, ready for the next call (Enter answers the selected one)."""
        self.view.setFocus()

    def toggle_sound(self) -> None:
        self.sound_on.setChecked(not self.sound_on.isChecked())

    def _on_store_reset(self) -> None:
        self._seen = set(self._store.calls)  # a bootstrap is not a new call

    def _on_store_changed(self, change: Change) -> None:
        if change.kind != "calls":
            return
        abandoned = [c for c in change.left if c.state == CallState.ABANDONED]
        for call in abandoned:
            at = call.ended_at or call.received_at
            self._note_abandoned(call.id, at, call.line.value, call.caller_number)
        if abandoned:
            self._refresh_abandoned()
        ring = False
        for call_id in change.upserted:
            if call_id in self._seen:
                continue
            self._seen.add(call_id)
            call = self._store.calls.get(call_id)
            ring = ring or (
                call is not None and call.line == Line.EMERGENCY and call.state == CallState.QUEUED
            )
        if ring and self.sound_on.isChecked():
            self.alerts_played += 1
            if self.has_sound_device:
                self.sound.play()
                self.tones.append("tone")
            else:
                QApplication.beep()
                self.tones.append("beep")

    def load_abandoned(self, calls: list[CallPublic]) -> None:
        """Calls abandoned before this console started (or while its link was down)."""
        for call in calls:
            at = call.ended_at or call.received_at
            self._note_abandoned(call.id, at, call.line.value, call.caller_number)
        self._refresh_abandoned()

    def _note_abandoned(self, call_id: str, at: datetime, line: str, number: str) -> None:
        self._abandoned[call_id] = (at, f"{hhmmss(at)}  {line}  {number}")

    def _refresh_abandoned(self) -> None:
        newest = sorted(self._abandoned.items(), key=lambda item: item[1][0], reverse=True)
        self._abandoned = dict(newest[:ABANDONED_KEPT])
        self.abandoned.clear()
        self.abandoned.addItems([text for _at, text in self._abandoned.values()])
        self.abandoned_title.setText(f"Abandoned calls (ring back): {len(self._abandoned)}")
        self.abandoned.setVisible(bool(self._abandoned))  # no empty box taking the room
