"""The room at a glance (supervisors): open incidents by grade against available units, per
borough, the incidents past or near their response target, and the warning markers past
their review date (to renew or retire).

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
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console import warnings
from console.store import Store
from platform_api.contract import ACTIVE_ASSIGNMENT_STATES, Grade, UnitStatus

NEAR_TARGET_S = 300
HEADERS = ("Borough", "Immediate", "Priority", "Scheduled", "No unit yet", "Units free")


class RoomView(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
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
        layout.addWidget(self.table, 3)
        layout.addWidget(self.late_title)
        layout.addWidget(self.late, 1)
        layout.addWidget(self.review_title)
        layout.addWidget(self.review, 1)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(2000)
        self.refresh()

    def refresh(self) -> None:
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
        late = sorted(
            (
                ((i.target_at - now).total_seconds(), i)
                for i in self._store.incidents.values()
                if i.target_at is not None
            ),
            key=lambda pair: pair[0],
        )
        late = [(left, i) for left, i in late if left < NEAR_TARGET_S]
        self.late.clear()
        for left, incident in late:
            when = f"{-left / 60:.0f} min past" if left < 0 else f"{left / 60:.0f} min left"
            self.late.addItem(
                f"{incident.reference}  {incident.opening_classification}  "
                f"({incident.location.borough or 'outside'}): {when}"
            )
        self.late_title.setText(
            f"<b>Past or within {NEAR_TARGET_S // 60} min of the response target: {len(late)}</b>"
        )
