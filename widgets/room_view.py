"""The room at a glance (supervisors): the room's figures on top (999 answer times, longest
wait, abandoned rate, open incidents by grade against free units, past target; see
console/room_figures.py), then open incidents by grade against available units per borough,
the incidents past or near their response target, and the warning markers past their review
date (to renew or retire).

Redrawn every two seconds from the Store; a borough with Immediate incidents and no free
unit comes first.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console import grades, warnings
from console.attendance import awaiting_left_s
from console.commands import force_name
from console.force_load import ForceLoad, force_loads
from console.room_figures import Figures, RoomFigures
from console.store import Store
from platform_api.contract import ACTIVE_ASSIGNMENT_STATES, Grade, UnitStatus

NEAR_TARGET_S = 300
SIMULATED_TIP = (
    "999 answer times are the people's. In a demo, simulated colleagues answer too, but only "
    "after leaving each 999 to people for a while (20 s by default): their answer times "
    "measure that wait, not the room, so they are counted apart."
)
HEADERS = ("Borough", "Immediate", "Priority", "Scheduled", "No unit yet", "Units free")


class RoomView(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._figures = RoomFigures(store)
        self.figures = QLabel(self)
        self.figures.setWordWrap(True)
        self.figures.setObjectName("room-figures")
        self.figures.setToolTip(SIMULATED_TIP)
        # Never squeezed below its text: the figures matter more than the borough rows.
        self.figures.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        # each force's load, in a room two forces share (hidden with one force)
        self.forces = QLabel(self)
        self.forces.setObjectName("room-forces")
        self.forces.setWordWrap(True)
        self.forces.hide()
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.late_title = QLabel(self)
        self.late = QListWidget(self)
        self.review_title = QLabel(self)
        self.review = QListWidget(self)
        self.review.setToolTip("Warning markers at or past their review date: renew or retire")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.figures)
        layout.addWidget(self.forces)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.late_title)
        layout.addWidget(self.late, 1)
        layout.addWidget(self.review_title)
        layout.addWidget(self.review, 1)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(2000)
        self.refresh()

    def name_districts(self, word: str) -> None:
        """Head the table with what the area calls its districts ("District", "Neighborhood")."""
        self.table.setHorizontalHeaderItem(0, QTableWidgetItem(word.capitalize()))

    def refresh(self) -> None:
        self.last = self._figures.figures()
        self.figures.setText(figures_text(self.last))
        loads = [load for load in force_loads(self._store) if load.force]
        self.forces.setVisible(len(loads) > 1)
        self.forces.setText("<br>".join(force_text(load) for load in loads))
        store = self._store
        resourced = {
            a.incident_id for a in store.assignments.values() if a.state in ACTIVE_ASSIGNMENT_STATES
        }
        by_grade: Counter[tuple[str, Grade]] = Counter()
        unresourced: Counter[str] = Counter()
        for incident in store.incidents.values():
            borough = incident.location.borough or "Outside"
            by_grade[(borough, incident.grade)] += 1
            if incident.id not in resourced and incident.grade != Grade.RESOLVED_WITHOUT_DEPLOYMENT:
                unresourced[borough] += 1
        free = Counter(
            u.borough or "Outside" for u in store.units.values() if u.status == UnitStatus.AVAILABLE
        )
        boroughs = sorted(
            {b for b, _ in by_grade} | set(free),
            key=lambda b: (-by_grade[(b, Grade.IMMEDIATE)] * (free[b] == 0), -unresourced[b], b),
        )
        self.table.setRowCount(len(boroughs))
        for row, borough in enumerate(boroughs):
            values = (
                borough,
                by_grade[(borough, Grade.IMMEDIATE)],
                by_grade[(borough, Grade.PRIORITY)],
                by_grade[(borough, Grade.SCHEDULED)],
                unresourced[borough],
                free[borough],
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                short = column == 5 and free[borough] == 0 and unresourced[borough]
                if short or (column == 4 and unresourced[borough]):
                    item.setForeground(QColor("#e5484d"))
                self.table.setItem(row, column, item)
        self._refresh_late()
        self._refresh_review()

    def _refresh_review(self) -> None:
        due = warnings.due_for_review(self._store, self._store.now().date())
        self.review.clear()
        for marker in due:
            where = (
                marker.location.address or f"{marker.location.lat:.5f}, {marker.location.lon:.5f}"
            )
            self.review.addItem(
                f"{marker.review_date.isoformat()}  {where}: {warnings.describe(marker)}"
            )
        self.review_title.setText(f"<b>Warning markers due for review: {len(due)}</b>")

    def _refresh_late(self) -> None:
        now = self._store.now()
        incidents = self._store.incidents.values()
        awaiting = ((awaiting_left_s(self._store, i, now), i) for i in incidents)
        late = sorted(
            ((left, i) for left, i in awaiting if left is not None and left < NEAR_TARGET_S),
            key=lambda pair: pair[0],
        )
        self.late.clear()
        for left, incident in late:
            when = f"{-left / 60:.0f} min past" if left < 0 else f"{left / 60:.0f} min left"
            self.late.addItem(
                f"{incident.reference}  {incident.opening_classification}  "
                f"({incident.location.borough or 'outside'}): {when}"
            )
        self.late_title.setText(
            f"<b>No unit yet, past or within {NEAR_TARGET_S // 60} min of the response target: "
            f"{len(late)}</b>"
        )


def force_text(load: ForceLoad) -> str:
    lent = f", {load.lent} across the border" if load.lent else ""
    return (
        f"<b>{force_name(load.force)}</b>: {load.open} open ({load.immediate} Immediate, "
        f"{load.no_unit} with no unit), {load.free_units} units free{lent}"
    )


def figures_text(f: Figures) -> str:
    """One block a supervisor reads at a glance; bad figures in red."""
    red = "color:#e5484d; font-weight:bold"

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value * 100:.0f}%"

    within = pct(f.within_target)
    p90 = "-" if f.p90_s is None else f"{f.p90_s:.0f} s"
    since = f.since.astimezone().strftime("%H:%M")
    low = f.within_target is not None and f.within_target < 0.9
    grades_line = " · ".join(
        f"{grades.LETTER[g]} {n}" for g, n in f.open_by_grade.items() if g in grades.LETTER
    )
    simulated = ""  # (the label's tooltip says why: SIMULATED_TIP)
    if f.simulated_answered:
        simulated = f" ({f.simulated_answered} by simulated colleagues, not counted)"
    return (
        f"<b>999 answered since {since}:</b> {f.answered}, "
        f"<span style='{red if low else ''}'>{within} within 10 s</span>, p90 {p90}"
        f"{simulated} · "
        f"<b>longest wait now</b> {f.longest_wait_s:.0f} s · "
        f"<b>abandoned</b> {pct(f.abandoned_rate)}<br>"
        f"<b>Open incidents</b> {grades_line} against <b>{f.free_units} free units</b> · "
        f"<span style='{red if f.past_target else ''}'>{f.past_target} past target</span>"
    )
