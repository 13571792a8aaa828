"""The map and the rest of the window, linked both ways.

Map to panels: a click selects the row; right-click offers a new incident at the point or
"what is here"; a unit dragged onto an incident asks to assign it, and the assignment goes
through the same `send` as every other dispatch command. Panels to map: a selected row pans
to and rings its marker.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from console import commands
from console.client import Command, PlatformClient
from console.errors import PlatformError
from console.message import MessageBridge
from console.store import Store
from console.tasks import spawn
from maps.view import MapView
from widgets.incident_board import IncidentBoard
from widgets.incident_form import IncidentForm
from widgets.location_picker import LocationPicker
from widgets.unit_board import UnitBoard


class MapLinks(QObject):
    def __init__(
        self,
        *,
        view: MapView,
        incidents: IncidentBoard,
        units: UnitBoard,
        form: IncidentForm,
        picker: LocationPicker,
        store: Store,
        client: PlatformClient,
        messages: MessageBridge,
        send: Callable[[Command], None],
        show_dock: Callable[[str], None],
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._window = window  # the parent of the assign question
        self.view = view
        self._incidents, self._units, self._form, self._picker = incidents, units, form, picker
        self._store, self._client, self._messages = store, client, messages
        self._send, self._show_dock = send, show_dock
        self.assign_question: QMessageBox | None = None
        view.incident_clicked.connect(self._on_map_incident_clicked)
        view.unit_clicked.connect(self._on_map_unit_clicked)
        view.new_incident_requested.connect(self._on_map_new_incident_requested)
        view.what_is_here_requested.connect(self._on_map_what_is_here_requested)
        view.assign_requested.connect(self._on_map_assign_requested)
        incidents.selected.connect(self._on_incidents_selected)
        units.selected.connect(self._on_units_selected)

    def _on_incidents_selected(self, incident_id: str) -> None:
        if incident_id:
            self.view.select_incident(incident_id)

    def _on_units_selected(self, unit_id: str) -> None:
        if unit_id:
            self.view.select_unit(unit_id)

    def _on_map_incident_clicked(self, incident_id: str) -> None:
        self._incidents.reveal(incident_id)
        self._show_dock("detail")

    def _on_map_unit_clicked(self, unit_id: str) -> None:
        self._units.reveal(unit_id)

    def _on_map_new_incident_requested(self, lat: float, lon: float) -> None:
        """The form keeps its call (if any) and takes the clicked point as the location."""
        self._show_dock("form")
        self._picker.set_point(lat, lon, "Point chosen on the map", "map")
        self._form.focus_classification()

    def _on_map_what_is_here_requested(self, lat: float, lon: float) -> None:
        spawn(self._what_is_here(lat, lon))

    async def _what_is_here(self, lat: float, lon: float) -> None:
        try:
            answer = await self._client.reverse_geocode(lat, lon)
        except PlatformError as exc:
            self._messages.warning(f"What is here: {exc}")
            return
        borough = answer.borough or "outside the force area"
        near = (
            f"{answer.place.name} ({answer.place.distance_m or 0:.0f} m)"
            if answer.place is not None
            else "no known place nearby"
        )
        label = f"{near} — {borough}"
        self.view.show_point(lat, lon, label)
        self._messages.info(f"Here: {label}", 15000)

    def _on_map_assign_requested(self, unit_id: str, incident_id: str) -> None:
        unit = self._store.units.get(unit_id)
        incident = self._store.incidents.get(incident_id)
        if unit is None or incident is None:
            self._messages.warning("That unit or incident has just gone", 8000)
            return
        target = f"Assign {unit.callsign} \u2192 {incident.reference}"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            target,
            f"Assign <b>{unit.callsign}</b> ({unit.status.value.replace('_', ' ')}) to "
            f"<b>{incident.reference}</b> {incident.opening_classification}?",
            QMessageBox.StandardButton.NoButton,
            self._window,
        )
        yes = box.addButton(target, QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.setEscapeButton(no)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self._assign(unit_id, incident_id) if button is yes else None
        )
        box.open()
        self.assign_question = box

    def _assign(self, unit_id: str, incident_id: str) -> None:
        unit = self._store.units.get(unit_id)
        incident = self._store.incidents.get(incident_id)
        if unit is None or incident is None:
            return
        self._send(commands.assign(unit, incident))
