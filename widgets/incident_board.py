"""The incident board: every open incident, filterable by grade as well as by search text."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from console import grades
from console.store import Store
from console.tables import IncidentModel
from platform_api.contract import Grade
from widgets.table_panel import TablePanel

GRADE_COLUMN = 1


class IncidentBoard(TablePanel):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(
            IncidentModel(store), "Search incidents (reference, type, borough)…", 1, parent
        )
        self.model.setParent(self)
        self.keep_whole(0, GRADE_COLUMN)  # the reference and the grade, never cut
        grade_filter = self.add_value_filter(GRADE_COLUMN)
        self.grades = QComboBox(self)
        self.grades.addItem("All grades", None)
        for grade in Grade:
            self.grades.addItem(grades.WORD[grade], grades.RANK[grade])
        self.grades.setToolTip("Show one grade only")
        self.grades.currentIndexChanged.connect(
            lambda _: grade_filter.set_value(self.grades.currentData())
        )
        row = QHBoxLayout()
        row.addWidget(self.grades)
        self.box.insertLayout(0, row)
        self.box.removeWidget(self.search)
        row.insertWidget(0, self.search, 1)

    def filter_by(self, text: str) -> None:
        """Filter the board by `text` (reference, classification, borough); "" clears it."""
        self.search.setText(text)

    def reveal(self, incident_id: str) -> bool:
        """Clear the search and the grade filter, then select the incident's row."""
        self.search.clear()
        self.grades.setCurrentIndex(0)
        return self.select_id(incident_id)
