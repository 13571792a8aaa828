"""The one object the map page sees over QWebChannel, and the queue in front of it.

Anki's pattern (qt/aqt/webview.py): one JSON slot for everything the page says, a "ready"
handshake, and operations queued until the page is ready. Python sends a JSON list of
operations in one signal emission, never one `runJavaScript` per marker.

Signals:
    batch_sent(json): operations for the page (its live.js connects to this).
    message_received(message): a message from the page other than "ready" (a dict).
    became_ready(): the page has loaded and connected; queued operations follow.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class MapBridge(QObject):
    batch_sent = Signal(str)
    message_received = Signal(dict)
    became_ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.is_ready = False
        self._queue: list[dict[str, Any]] = []

    def post(self, *operations: dict[str, Any]) -> None:
        """Send operations now if the page is ready, else keep them until it is."""
        if not self.is_ready:
            self._queue.extend(operations)
            return
        self.batch_sent.emit(json.dumps(list(operations), separators=(",", ":")))

    def forget_page(self) -> None:
        """The page is gone (its renderer died): queue again until the next "ready"."""
        self.is_ready = False

    @Slot(str)
    def receive(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            log.warning("the map page sent something that is not JSON: %.200s", text)
            return
        if not isinstance(message, dict):
            log.warning("the map page sent an unexpected message: %.200s", text)
            return
        if message.get("type") == "ready":
            self.is_ready = True
            # Listeners send the full state first; commands queued meanwhile then find
            # their markers (a selection made before the page loaded pans to its target).
            self.became_ready.emit()
            queued, self._queue = self._queue, []
            if queued:
                self.post(*queued)
            return
        self.message_received.emit(message)
