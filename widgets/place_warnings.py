"""What the call-taker must see about a place and a caller before anyone is sent: the
warning markers covering the location (from the Store, at once) and the history of the
place and the number (from the platform, when the call is answered or the place changes).

The incident form embeds one. A late answer for a place no longer shown is dropped.

Signals:
    history_shown(count): the platform's history for the current place and caller arrived
        (incidents plus calls listed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console import warnings
from console.errors import PlatformError
from console.store import Change, Store
from console.tasks import spawn
from platform_api.contract import HistoryPublic

HistoryFetch = Callable[
    [float | None, float | None, str | None, str | None], Awaitable[HistoryPublic | None]
]
SHOWN = 8  # lines of each list; the rest are counted


class PlaceWarnings(QWidget):
    history_shown = Signal(int)

    def __init__(
        self, store: Store, fetch: HistoryFetch | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._fetch = fetch
        self._point: tuple[float, float] | None = None
        self._caller: str | None = None
        self._call_id: str | None = None
        self._asked: tuple[object, ...] | None = None
        self.markers = QLabel(self)
        self.markers.setWordWrap(True)
        self.markers.setTextFormat(Qt.TextFormat.RichText)
        self.markers.setAccessibleName("Warning markers at this place")
        self.history = QLabel(self)
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.RichText)
        self.history.setAccessibleName("History of this place and caller")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.markers)
        layout.addWidget(self.history)
        store.changed.connect(self._on_store_changed)
        store.reset.connect(self._show_markers)
        self._show_markers()

    def show_for(
        self, point: tuple[float, float] | None, caller_number: str | None, call_id: str | None
    ) -> None:
        """The form's place and caller changed: markers now, history when it comes."""
        self._point, self._caller, self._call_id = point, caller_number, call_id
        self._show_markers()
        asked = (point, caller_number, call_id)
        if asked == self._asked:
            return
        self._asked = asked
        if self._fetch is None or (point is None and not caller_number):
            self.history.setText("")
            return
        self.history.setText("<i>History: asking the platform…</i>")
        spawn(self._load_history(asked))

    def _on_store_changed(self, change: Change) -> None:
        if change.kind == "markers":
            self._show_markers()

    def _show_markers(self) -> None:
        if self._point is None:
            self.markers.setText("")
            return
        found = warnings.covering(self._store, *self._point)
        if not found:
            self.markers.setText("")
            return
        lines = "".join(f"<li>{escape(warnings.describe(m))}</li>" for m in found)
        self.markers.setText(
            "<div style='background:#e5484d;color:white;padding:4px'>"
            f"<b>⚠ {len(found)} WARNING MARKER{'S' if len(found) > 1 else ''} HERE</b>"
            f"<ul style='margin:0'>{lines}</ul></div>"
        )

    async def _load_history(self, asked: tuple[object, ...]) -> None:
        assert self._fetch is not None
        lat, lon = self._point if self._point else (None, None)
        try:
            found = await self._fetch(lat, lon, self._caller, self._call_id)
        except PlatformError as exc:
            if asked == self._asked:
                self.history.setText(f"<i>History unavailable: {escape(str(exc))}</i>")
            return
        if asked != self._asked:
            return  # the form has moved on
        if found is None:
            self.history.setText("<i>History is not shown in a replay.</i>")
            return
        self.history.setText(render(found))
        self.history_shown.emit(len(found.incidents) + len(found.calls))


def render(found: HistoryPublic) -> str:
    parts = []
    if found.incidents:
        rows = "".join(
            f"<li>{i.created_at.astimezone().strftime('%d %b %Y')} "
            f"<b>{escape(i.reference)}</b> {escape(i.opening_classification)}"
            f" → {escape(i.closing_classification or 'still open')}"
            f" ({int(i.distance_m)} m)</li>"
            for i in found.incidents[:SHOWN]
        )
        more = len(found.incidents) - SHOWN
        parts.append(
            f"<b>{len(found.incidents)} incident{'s' if len(found.incidents) > 1 else ''} "
            f"within {int(found.radius_m)} m in the last 12 months</b><ul style='margin:0'>"
            f"{rows}</ul>" + (f"<i>and {more} more</i>" if more > 0 else "")
        )
    if found.calls:
        rows = "".join(
            f"<li>{c.received_at.astimezone().strftime('%d %b %Y %H:%M')} {c.line.value}: "
            f"{escape(c.result)}</li>"
            for c in found.calls[:SHOWN]
        )
        parts.append(
            f"<b>{len(found.calls)} earlier call{'s' if len(found.calls) > 1 else ''} "
            f"from this number</b><ul style='margin:0'>{rows}</ul>"
        )
    return "".join(parts) or "<i>No history here or from this number in the last 12 months.</i>"
