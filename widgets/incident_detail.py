"""The selected incident: what, where, grade and target, THRIVE, units, callers, narrative log.

Every call linked to the incident is listed (the first caller and each later one: number,
name, line, when it rang, who answered). Linked calls are closed, so they are no longer in
the live state: the detail keeps the ones it saw leave the Store and reads any other (a
console started after the link) from the platform once, through `fetch_call`.

An incident closed while shown (by anyone) stays shown, in its final form, headed "CLOSED
by …": the operator chose it, and needs to see that it went and who closed it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from html import escape

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from console import warnings
from console.grades import LABEL
from console.store import Change, Store
from console.tables import GRADE_COLOUR
from console.tasks import spawn
from platform_api.contract import CallPublic, IncidentPublic

FetchCall = Callable[[str], Awaitable[CallPublic]]


class IncidentDetail(QWidget):
    def __init__(
        self, store: Store, parent: QWidget | None = None, fetch_call: FetchCall | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._fetch_call = fetch_call
        self._calls: dict[str, CallPublic] = {}  # linked calls that left the live state
        self._asked: set[str] = set()  # calls read from the platform, or being read
        self.incident_id = ""
        self.closed: tuple[IncidentPublic, str] | None = None  # final form, and by whom
        self.text = QTextBrowser(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.text)
        store.changed.connect(self._on_store_changed)
        store.reset.connect(self.refresh)
        self.refresh()

    def show_incident(self, incident_id: str) -> None:
        self.incident_id = incident_id
        self.closed = None
        self.refresh()

    def _on_store_changed(self, change: Change) -> None:
        """Only when the incident shown changed, one of its assignments did, or a marker."""
        if change.kind == "incidents":
            shown = self.incident_id
            if shown in change.removed:
                final = [i for i in change.left if i.id == shown]
                if final:
                    self.closed = (final[0], change.initiator)
            if shown in change.upserted or shown in change.removed:
                self.refresh()
        elif change.kind == "assignments":
            table = self._store.assignments
            ids = set(change.upserted) | set(change.removed)
            if any(a.incident_id == self.incident_id for a in change.left) or any(
                table[i].incident_id == self.incident_id for i in ids if i in table
            ):
                self.refresh()
        elif change.kind == "calls":
            linked = [c for c in change.left if c.incident_id is not None]
            self._calls.update((c.id, c) for c in linked)
            if any(c.incident_id == self.incident_id for c in linked):
                self.refresh()
        elif change.kind == "markers":
            self.refresh()  # rare; the incident's markers may have changed

    def refresh(self) -> None:
        incident = self._store.incidents.get(self.incident_id)
        closed_note = ""
        if incident is None and self.closed is not None:
            incident, by = self.closed
            when = self._hm(incident.closed_at) if incident.closed_at else ""
            how = incident.closing_classification
            closed_note = (
                "<p style='background:#60646c; color:white; padding:4px'><b>CLOSED by "
                f"{escape(by or 'someone')}</b> at {when}"
                f"{' as ' + escape(how) if how else ''}. Nothing more can be sent to it.</p>"
            )
        if incident is None:
            self.text.setHtml("<p><i>Select an incident to see its details and log.</i></p>")
            return
        timeline = "".join(
            f"<tr><td><b>{escape(self._store.units[a.unit_id].callsign)}</b></td>"
            f"<td>{a.state.value.replace('_', ' ')}</td>"
            f"<td>sent {self._hm(a.dispatched_at)} by {escape(a.dispatched_by)}</td>"
            + (
                "<td><b style='color:#e5484d'>NOT ACKNOWLEDGED</b></td>"
                if a.unacknowledged_at(self._store.now())
                else f"<td>ack {self._hm(a.acknowledged_at)}</td>"
            )
            + f"<td>en route {self._hm(a.en_route_at)}</td>"
            + f"<td>at scene {self._hm(a.at_scene_at)}</td></tr>"
            for a in sorted(self._store.assignments.values(), key=lambda a: a.dispatched_at)
            if a.incident_id == incident.id and a.unit_id in self._store.units
        )
        thrive = "".join(
            f"<tr><td><b>{name.capitalize()}</b></td><td>{escape(value)}</td></tr>"
            for name, value in incident.thrive.model_dump().items()
            if value
        )
        callers = self._callers(incident)
        log = "".join(
            f"<tr><td>{self._hm(e.at)}</td><td>{escape(e.author)}</td>"
            f"<td>{escape(e.text)}</td></tr>"
            for e in incident.log
        )
        loc = incident.location
        target = (
            f"attend by {self._store.local(incident.target_at).strftime('%H:%M')}"
            if incident.target_at
            else "no attendance target"
        )
        found = warnings.for_incident(self._store, incident.id)
        markers = "".join(f"<li>{escape(warnings.describe(m))}</li>" for m in found)
        self.text.setHtml(
            closed_note
            + f"<h3>{escape(incident.reference)} — {escape(incident.opening_classification)}</h3>"
            + (
                "<table width='100%' bgcolor='#e5484d'><tr><td style='color:white'>"
                f"<b>⚠ WARNING MARKERS</b><ul>{markers}</ul></td></tr></table>"
                if markers
                else ""
            )
            + f"<p><span style='color:{GRADE_COLOUR[incident.grade]}'>■</span> "
            f"<b>{LABEL[incident.grade]}</b> · {target}</p>"
            f"<p>{escape(loc.address or '')} ({escape(loc.borough or 'outside force area')})"
            f" {loc.lat:.5f}, {loc.lon:.5f}</p>"
            + (
                f"<p><b>Units</b></p><table cellspacing=4>{timeline}</table>"
                if timeline
                else "<p><b style='color:#e5484d'>No unit assigned</b></p>"
            )
            + (f"<table cellspacing=4>{thrive}</table>" if thrive else "")
            + callers
            + f"<h4>Log</h4><table cellspacing=4>{log}</table>"
        )

    def _hm(self, value: datetime | None) -> str:
        return self._store.local(value).strftime("%H:%M:%S") if value else "-"

    def _callers(self, incident: IncidentPublic) -> str:
        """The incident's callers, first to last; any not known yet is read, then shown."""
        rows = []
        for n, call_id in enumerate(incident.call_ids):
            call = self._store.calls.get(call_id) or self._calls.get(call_id)
            if call is None:
                self._read(call_id)
                rows.append(f"<tr><td>{n + 1}.</td><td colspan=4><i>reading…</i></td></tr>")
                continue
            by = f", answered by {escape(call.answered_by)}" if call.answered_by else ""
            rows.append(
                f"<tr><td>{n + 1}.</td><td><b>{escape(call.caller_number)}</b></td>"
                f"<td>{escape(call.caller_name or 'name not given')}</td>"
                f"<td>{call.line.value}, rang {self._hm(call.received_at)}</td>"
                f"<td>{'first caller' if n == 0 else 'linked'}{by}</td></tr>"
            )
        if not rows:
            return ""
        return f"<p><b>Callers ({len(rows)})</b></p><table cellspacing=4>{''.join(rows)}</table>"

    def _read(self, call_id: str) -> None:
        if self._fetch_call is None or call_id in self._asked:
            return
        self._asked.add(call_id)
        fetch = self._fetch_call

        async def read() -> None:
            call = await fetch(call_id)
            self._calls[call.id] = call
            if call.incident_id == self.incident_id:
                self.refresh()

        spawn(read(), lambda _exc: self._asked.discard(call_id))
