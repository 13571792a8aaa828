"""Replay and training in the window: the mode banner and frame, export, injected calls.

A replay window must never invite a command (CallHandling and Dispatching refuse them too);
a training window says TRAINING on every screen and lets the trainer inject a scripted call
into its own sandbox, which is the only platform it knows.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QSizePolicy, QToolBar, QWidget

from console.tasks import spawn
from widgets.export_dialog import ExportDialog
from widgets.inject_call import InjectCallDialog
from widgets.mode_banner import MODE_COLOUR, ModeBanner, frame_window

if TYPE_CHECKING:
    from widgets.main_window import MainWindow


class TrainingLinks(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.banner: ModeBanner | None = None
        self.sandbox: Any = None  # set by the composition root for a sandbox window
        self.export_dialog: ExportDialog | None = None
        self.inject_dialog: InjectCallDialog | None = None
        if window.session.mode != "live":
            self._show_mode(window.session.mode)

    def _show_mode(self, mode: str) -> None:
        w = self.w
        detail = "" if mode == "replay" else f"({w.session.client.base_url})"
        self.banner = ModeBanner(mode, detail, w)
        bar = QToolBar("Mode", w)
        bar.setObjectName(f"toolbar-{mode}")
        bar.setMovable(False)
        bar.addWidget(self.banner)
        self.banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        w.insertToolBar(w.command_toolbar, bar)
        frame_window(w, mode)
        if mode == "replay":
            # The backstop is in CallHandling and Dispatching; here nothing even invites it.
            for widget in (w.form, w.command_bar, w.calls.answer_next):
                widget.setEnabled(False)
            w.calls.answer_selected.setEnabled(False)
            w.recommendations.assign_button.setEnabled(False)
            colour = MODE_COLOUR["replay"]
            w.status.link.setText(f"<b style='color:{colour}'>● REPLAY</b> (no platform)")

    def inject_call(self) -> None:
        """Trainer: a scripted call into this window's sandbox (only a sandbox has one)."""
        w, sandbox = self.w, self.sandbox
        if w.session.mode != "training" or sandbox is None:
            return
        selected = w.session.store.incidents.get(w.detail.incident_id)
        lat, lon = (
            (selected.location.lat, selected.location.lon) if selected else (51.5074, -0.1278)
        )
        dialog = InjectCallDialog(lat, lon, w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def send() -> None:
            fields = {
                "line": dialog.line.currentText(),
                "caller_number": dialog.number.text().strip() or "07700 900555",
                "caller_name": dialog.name.text().strip() or None,
                "lat": dialog.lat.value(),
                "lon": dialog.lon.value(),
            }

            async def inject() -> None:
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, lambda: sandbox.inject_call(**fields))
                w.status.showMessage(f"Injected a {fields['line']} call", 8000)

            spawn(inject(), lambda exc: w.status.showMessage(f"Not injected: {exc}", 15000))

        dialog.accepted.connect(send)
        dialog.open()
        self.inject_dialog = dialog

    def export_recording(self) -> None:
        """Trainers and supervisors: a window of the log to a file, for replay and training."""
        w = self.w
        dialog = ExportDialog(w.session.store.now(), w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def run() -> None:
            since, until = dialog.time_window()
            path = Path(dialog.path.text().strip()).expanduser()
            w.status.showMessage(f"Exporting to {path}…")

            async def export() -> None:
                size = await w.session.client.export_recording(path, since, until)
                w.status.showMessage(f"Recording saved: {path} ({size / 1e6:.1f} MB)", 15000)

            spawn(export(), lambda exc: w.status.showMessage(f"Export failed: {exc}", 15000))

        dialog.accepted.connect(run)
        dialog.open()
        self.export_dialog = dialog

    def add_replay_bar(self, bar: QWidget) -> None:
        """The trainer's transport controls, along the bottom of the window."""
        w = self.w
        holder = QToolBar("Replay", w)
        holder.setObjectName("toolbar-replay")
        holder.setMovable(False)
        holder.addWidget(bar)
        bar.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        w.addToolBar(Qt.ToolBarArea.BottomToolBarArea, holder)
