"""The map and the rest of the window, linked both ways.

Map to panels: a click selects the row; right-click offers a new incident at the point or
"what is here"; a unit dragged onto an incident asks to assign it. Panels to map: a selected
row pans to and rings its marker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from console import commands
from console.errors import PlatformError
from console.tasks import spawn
from maps.view import MapView

if TYPE_CHECKING:
    from widgets.main_window import MainWindow


class MapLinks(QObject):
    def __init__(self, window: MainWindow, view: MapView) -> None:
        super().__init__(window)
        self.w = window
        self.view = view
        view.incident_clicked.connect(self._on_map_incident_clicked)
        view.unit_clicked.connect(self._on_map_unit_clicked)
        view.new_incident_requested.connect(self._on_map_new_incident_requested)
        view.what_is_here_requested.connect(self._on_map_what_is_here_requested)
        view.assign_requested.connect(self._on_map_assign_requested)
        window.incidents.selected.connect(self._on_incidents_selected)
        window.units.selected.connect(self._on_units_selected)

    def _on_incidents_selected(self, incident_id: str) -> None:
        if incident_id:
            self.view.select_incident(incident_id)

    def _on_units_selected(self, unit_id: str) -> None:
        if unit_id:
            self.view.select_unit(unit_id)

    def _on_map_incident_clicked(self, incident_id: str) -> None:
        self.w.incidents.search.clear()
        self.w.incidents.grades.setCurrentIndex(0)
        self.w.incidents.select_id(incident_id)
        self.w.show_dock("detail")

    def _on_map_unit_clicked(self, unit_id: str) -> None:
        self.w.units.search.clear()
        self.w.units.select_id(unit_id)

    def _on_map_new_incident_requested(self, lat: float, lon: float) -> None:
        """The form keeps its call (if any) and takes the clicked point as the location."""
        self.w.show_dock("form")
        self.w.picker.set_point(lat, lon, "Point chosen on the map", "map")
        self.w.form.classification.setFocus()

    def _on_map_what_is_here_requested(self, lat: float, lon: float) -> None:
        spawn(self._what_is_here(lat, lon))

    async def _what_is_here(self, lat: float, lon: float) -> None:
        try:
            answer = await self.w.session.client.reverse_geocode(lat, lon)
        except PlatformError as exc:
            self.w.status.showMessage(f"What is here: {exc}", 10000)
            return
        borough = answer.borough or "outside the force area"
        near = (
            f"{answer.place.name} ({answer.place.distance_m or 0:.0f} m)"
            if answer.place is not None
            else "no known place nearby"
        )
        label = f"{near} — {borough}"
        self.view.show_point(lat, lon, label)
        self.w.status.showMessage(f"Here: {label}", 15000)

    def _on_map_assign_requested(self, unit_id: str, incident_id: str) -> None:
        unit = self.w.session.store.units.get(unit_id)
        incident = self.w.session.store.incidents.get(incident_id)
        if unit is None or incident is None:
            self.w.status.showMessage("That unit or incident has just gone", 8000)
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Assign unit",
            f"Assign <b>{unit.callsign}</b> ({unit.status.value.replace('_', ' ')}) to "
            f"<b>{incident.reference}</b> {incident.opening_classification}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.w,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(
            lambda button: self._assign(unit_id, incident_id) if button is yes else None
        )
        box.open()
        self.assign_question = box

    def _assign(self, unit_id: str, incident_id: str) -> None:
        unit = self.w.session.store.units.get(unit_id)
        incident = self.w.session.store.incidents.get(incident_id)
        if unit is None or incident is None:
            return
        self.w.session.dispatching.send(commands.assign(unit, incident))
