"""Where the incident is: an address search, the caller's handset fix, or a map click.

Whatever the source, the point goes through the platform's reverse geocoder, so the form
shows the borough it falls in (or that it is outside the force area) before anyone submits.

Signals:
    location_changed(): a point was chosen or cleared.
    search_failed(message): the platform could not search (shown in the picker too).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.drafts import PickedPoint
from console.errors import PlatformError
from console.tasks import spawn
from widgets.keys import shortcut

PLACE_ROLE = Qt.ItemDataRole.UserRole + 1
SOURCE_WORDS = {"address": "address search", "handset": "handset fix", "map": "map click"}

Search = Callable[[str], Awaitable[list[Any]]]
Reverse = Callable[[float, float], Awaitable[Any]]


class LocationPicker(QWidget):
    location_changed = Signal()
    search_failed = Signal(str)

    def __init__(self, search: Search, reverse: Reverse, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._reverse = reverse
        self._handset: tuple[float, float, float] | None = None
        self.point: PickedPoint | None = None

        self.address = QLineEdit(self)
        self.address.setPlaceholderText("Address or place, Enter searches (Alt+A)")
        self.address.returnPressed.connect(self.search_address)
        self.results = QListWidget(self)
        self.results.setMaximumHeight(110)
        self.results.hide()
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.handset = QPushButton("Use handset location (Alt+H)", self)
        self.handset.setToolTip("Place the incident at the caller's handset fix (Alt+H)")
        self.handset.clicked.connect(self.use_handset)
        self.handset.setEnabled(False)
        self.summary = QLabel(
            "No location yet: search an address, use the handset fix, or right-click the map", self
        )
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shortcut("Alt+A", self, self.address.setFocus)
        shortcut("Alt+H", self, self.use_handset)

        row = QHBoxLayout()
        row.addWidget(self.address, 1)
        row.addWidget(self.handset)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(self.summary)

    # ---------------------------------------------------------------- sources

    def set_handset(self, fix: tuple[float, float, float] | None) -> None:
        """The call's AML fix (lat, lon, accuracy in metres), or None for no fix."""
        self._handset = fix
        self.handset.setEnabled(fix is not None)
        self.handset.setText("No handset fix" if fix is None else f"Handset ±{fix[2]:.0f} m")

    def use_handset(self) -> None:
        if self._handset is None:
            return
        lat, lon, accuracy = self._handset
        self.set_point(lat, lon, f"Handset location ±{accuracy:.0f} m", "handset")

    def search_address(self) -> None:
        text = self.address.text().strip()
        if not text:
            return
        self.summary.setText(f"Searching for “{text}”…")
        spawn(self._search_address(text))

    async def _search_address(self, text: str) -> None:
        try:
            places = await self._search(text)
        except PlatformError as exc:
            message = f"Address search failed: {exc}. Use the handset fix or the map."
            self.summary.setText(f"<span style='color:#e5484d'>{message}</span>")
            self.search_failed.emit(message)
            return
        self.results.clear()
        for place in places:
            borough = place.borough or "outside force area"
            approx = "" if place.precision == "exact" else f" (approximate: {place.precision})"
            item = QListWidgetItem(f"{place.name} — {borough}{approx}")
            item.setData(PLACE_ROLE, place)
            self.results.addItem(item)
        if not places:
            self.summary.setText(f"Nothing found for “{text}”. Try a street, station or borough.")
            self.results.hide()
            return
        self.results.show()
        self.results.setCurrentRow(0)
        self.results.setFocus()
        self.summary.setText(f"{len(places)} found: Enter chooses, arrows move.")

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        place = item.data(PLACE_ROLE)
        self.results.hide()
        self._set(place.lat, place.lon, place.name, place.borough, "address")

    def set_point(self, lat: float, lon: float, address: str, source: str) -> None:
        """A point from the handset or the map: ask the platform which borough it is in."""
        self._set(lat, lon, address, None, source)
        spawn(self._reverse_borough(lat, lon))

    async def _reverse_borough(self, lat: float, lon: float) -> None:
        try:
            answer = await self._reverse(lat, lon)
        except PlatformError:
            return  # the platform sets the borough on create anyway
        if self.point is not None and (self.point["lat"], self.point["lon"]) == (lat, lon):
            self.point["borough"] = answer.borough
            self.point["inside"] = bool(answer.inside_force_area)
            if answer.place is not None and self.point["source"] == "map":
                self.point["address"] = f"Near {answer.place.name}"
            self._show()

    def _set(self, lat: float, lon: float, address: str, borough: str | None, source: str) -> None:
        self.point = PickedPoint(
            lat=lat,
            lon=lon,
            address=address,
            borough=borough,
            inside=borough is not None if source == "address" else None,
            source=source,
        )
        self._show()

    def _show(self) -> None:
        p = self.point
        if p is None:
            self.summary.setText("No location yet")
        else:
            where = (
                f"<b>{p['borough']}</b>"
                if p["borough"]
                else "<b style='color:#e5484d'>outside the force area</b>"
                if p["inside"] is False
                else "<i>finding borough…</i>"
            )
            source = SOURCE_WORDS.get(p["source"], p["source"])
            self.summary.setText(
                f"<b>{p['address']}</b> — {where}<br>{p['lat']:.5f}, {p['lon']:.5f} (from {source})"
            )
        self.location_changed.emit()

    def clear(self) -> None:
        self.point = None
        self.address.clear()
        self.results.clear()
        self.results.hide()
        self.set_handset(None)
        self.summary.setText("No location yet")

    def restore(self, point: PickedPoint | None) -> None:
        self.point = point.copy() if point else None
        if point is not None:
            self._show()
