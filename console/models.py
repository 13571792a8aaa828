"""Qt table models over the Store: rows inserted, changed and removed one by one.

A model keeps the ids of its rows in arrival order and an index from id to row; views sort
and filter through a QSortFilterProxyModel. No event ever causes a full model reset; only a
bootstrap does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from console.store import Change, Store

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    header: str
    display: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None


def hhmmss(value: datetime | None, zone: tzinfo | None = None) -> str:
    """The time of day in `zone` (the Store's: a replay's own; None, the machine's)."""
    return "" if value is None else value.astimezone(zone).strftime("%H:%M:%S")


def age(value: datetime | None, now: datetime) -> str:
    if value is None:
        return ""
    seconds = max(0, int((now - value).total_seconds()))
    return (
        f"{seconds // 60}:{seconds % 60:02d}"
        if seconds < 3600
        else f"{seconds // 3600}h{seconds % 3600 // 60:02d}"
    )


class EntityModel(QAbstractTableModel):
    """Rows are the Store's entities of one kind."""

    def __init__(
        self, store: Store, kind: str, columns: list[Column], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._kind = kind
        self._columns = columns
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        store.reset.connect(self._on_store_reset)
        store.changed.connect(self._on_store_changed)
        self._on_store_reset()

    # ---------------------------------------------------------------- Qt API

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._columns):
            return self._columns[section].header
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        entity = self.entity_at(index.row())
        if entity is None:
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(entity)
        if role == SORT_ROLE:
            return (column.sort or column.display)(entity)
        if role == ID_ROLE:
            return self._ids[index.row()]
        return self.extra_data(entity, index.column(), role)

    def rename_header(self, old: str, new: str) -> None:
        """Call a column what the area calls it ("Borough" is "District" in Hampshire)."""
        for section, column in enumerate(self._columns):
            if column.header == old and old != new:
                self._columns[section] = replace(column, header=new)
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, section, section)

    # ---------------------------------------------------------------- helpers

    def extra_data(self, entity: Any, column: int, role: int) -> Any:
        """Subclasses add colours, fonts and tooltips here."""
        return None

    def entity_at(self, row: int) -> Any:
        return self._store.table(self._kind).get(self._ids[row])

    def is_live(self, entity_id: str) -> bool:
        """Whether the entity is still in the Store (it may still have a row while it leaves)."""
        return entity_id in self._store.table(self._kind)

    def row_of(self, entity_id: str) -> int | None:
        return self._row.get(entity_id)

    def refresh_column(self, column: int) -> None:
        """Time-based cells (waits, ages) change without events; a timer calls this."""
        if self._ids:
            self.dataChanged.emit(
                self.index(0, column),
                self.index(len(self._ids) - 1, column),
                [Qt.ItemDataRole.DisplayRole],
            )

    def _reindex(self) -> None:
        self._row = {entity_id: i for i, entity_id in enumerate(self._ids)}

    def _on_store_reset(self) -> None:
        self.beginResetModel()
        self._ids = list(self._store.table(self._kind))
        self._reindex()
        self.endResetModel()

    def _on_store_changed(self, change: Change) -> None:
        if change.kind != self._kind:
            return
        for entity_id in change.removed:
            row = self._row.get(entity_id)
            if row is None:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            self._reindex()
            self.endRemoveRows()
        self._rows_upserted(change.upserted)

    def _rows_upserted(self, ids: Iterable[str]) -> None:
        last = len(self._columns) - 1
        for entity_id in ids:
            row = self._row.get(entity_id)
            if row is None:
                row = len(self._ids)
                self.beginInsertRows(QModelIndex(), row, row)
                self._ids.append(entity_id)
                self._row[entity_id] = row
                self.endInsertRows()
            else:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
