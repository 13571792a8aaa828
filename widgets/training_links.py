"""Training tools in the window: exporting a recording, and a trainer's injected calls.

A training window lets the trainer inject a scripted call into its own sandbox, which is the
only platform it knows; exporting a window of the log is for trainers and supervisors on a
live platform. (The REPLAY/TRAINING banner and frame are the window's own: `MainWindow`.)
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from console.client import PlatformClient
from console.errors import PlatformError
from console.message import MessageBridge
from console.store import Store
from console.tasks import spawn
from widgets.export_dialog import ExportDialog
from widgets.incident_detail import IncidentDetail
from widgets.inject_call import InjectCallDialog

LONDON = (51.5074, -0.1278)


class TrainingLinks(QObject):
    def __init__(
        self,
        *,
        store: Store,
        client: PlatformClient,
        detail: IncidentDetail,
        messages: MessageBridge,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._window = window  # the parent of the dialogs
        self._store, self._client, self._detail, self._messages = store, client, detail, messages
        self.sandbox: Any = None  # set by the composition root for a sandbox window
        self.export_dialog: ExportDialog | None = None
        self.inject_dialog: InjectCallDialog | None = None

    def inject_call(self) -> None:
        """Trainer: a scripted call into this window's sandbox (only a sandbox has one)."""
        sandbox = self.sandbox
        if sandbox is None:
            return
        selected = self._store.incidents.get(self._detail.incident_id)
        lat, lon = (selected.location.lat, selected.location.lon) if selected else LONDON
        dialog = InjectCallDialog(lat, lon, self._window)
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
                self._messages.info(f"Injected a {fields['line']} call", 8000)

            # The sandbox speaks plain httpx (its own errors): any refusal is said, not a fault.
            spawn(
                inject(),
                lambda exc: self._messages.error(f"Not injected: {exc}"),
                expected=(Exception,),
            )

        dialog.accepted.connect(send)
        dialog.open()
        self.inject_dialog = dialog

    def export_recording(self) -> None:
        """Trainers and supervisors: a window of the log to a file, for replay and training.
        The dialog opens once the platform has said when its log begins (or could not)."""

        async def open_dialog() -> None:
            try:
                log_start = await self._client.first_event_at()
            except PlatformError:
                log_start = None  # the last hour, as the dialog offers without it
            self._open_export(log_start)

        spawn(open_dialog())

    def _open_export(self, log_start: datetime | None) -> None:
        dialog = ExportDialog(self._store.now(), self._window, log_start)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def run() -> None:
            since, until = dialog.time_window()
            path = Path(dialog.path.text().strip()).expanduser()
            self._messages.info(f"Exporting to {path}…", 0)

            async def export() -> None:
                size = await self._client.export_recording(path, since, until)
                self._messages.info(f"Recording saved: {path} ({size / 1e6:.1f} MB)", 15000)

            spawn(
                export(),
                lambda exc: self._messages.error(f"Export failed: {exc}"),
                expected=(Exception,),  # a full disk, a refused window: said, not a fault
            )

        dialog.accepted.connect(run)
        dialog.open()
        self.export_dialog = dialog
