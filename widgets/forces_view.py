"""Two forces in one room: a console shows its own force first, the neighbour's on demand,
and asks why before a unit is sent across the border.

On a platform whose pack has several forces (`GET /v1/pack`), the incident and unit boards
keep the rows of the signed-in user's force (a unit of the other force working one of our
incidents stays: it is ours for now), and so does the map (incidents, units, heat and
warnings: `console.force_scope` says what is ours for both); View → "Show the neighbouring
force" (Ctrl+Shift+F) shows both. An assignment that crosses the border is not sent until
the operator says why (`CommandService.reason_needed`); the platform refuses one without a
reason anyway.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QInputDialog, QMenu, QWidget

from console import commands
from console.client import Command
from console.force_scope import ours
from console.models import ID_ROLE
from console.session import Session
from console.store import Store
from maps.feed import MapFeed
from platform_api.contract import ACTIVE_ASSIGNMENT_STATES
from widgets.link_state import STALE_SUFFIX
from widgets.table_panel import TablePanel


class ForceFilter(QSortFilterProxyModel):
    """Keeps one force's incidents or units (`kind`), or every row when showing all."""

    def __init__(self, store: Store, kind: str, own: str, parent: QObject | None = None):
        super().__init__(parent)
        self._store = store
        self._kind = kind
        self.own = own
        self.show_all = False

    def set_show_all(self, show: bool) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9 deprecated invalidateFilter()
            self.beginFilterChange()
            self.show_all = show
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.show_all = show
            self.invalidateFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self.show_all:
            return True
        entity_id = self.sourceModel().index(source_row, 0, source_parent).data(ID_ROLE)
        return self.ours(str(entity_id))

    def ours(self, entity_id: str) -> bool:
        return ours(self._store, self._kind, entity_id, self.own)


def _filter(panel: TablePanel, store: Store, kind: str, own: str) -> ForceFilter:
    """Put the force filter between the panel's model (or its value filter) and its search."""
    force_filter = ForceFilter(store, kind, own, panel)
    force_filter.setSourceModel(panel.proxy.sourceModel())
    panel.proxy.setSourceModel(force_filter)
    return force_filter


class BorderReasons(QObject):
    """Asks the operator why a unit goes across the border, then sends it with the answer."""

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self._session = session
        self._parent = parent
        self.dialog: QInputDialog | None = None
        session.commands.reason_needed.connect(self._on_commands_reason_needed)

    def _on_commands_reason_needed(self, command: Command, question: str) -> None:
        dialog = QInputDialog(self._parent)
        dialog.setWindowTitle("Across the force border")
        dialog.setLabelText(question)
        dialog.textValueSelected.connect(lambda text: self._send(command, text))
        dialog.open()
        self.dialog = dialog

    def _send(self, command: Command, reason: str) -> None:
        if not reason.strip():
            self._session.messages.warning(f"{command.label}: no reason given, nothing sent", 8000)
            return
        self._session.commands.send(commands.with_reason(command, reason.strip()))


class ForcesView(QObject):
    """The window's two-force behaviour: board and map filters, the View toggle, border
    reasons. The boards' docks say whose rows they show ("Incidents — Hampshire
    Constabulary")."""

    def __init__(
        self,
        window: QWidget,
        session: Session,
        panels: dict[str, TablePanel],
        own: str,
        view_menu: QMenu | None,
        names: dict[str, str] | None = None,  # force code -> name
        docks: dict[str, QDockWidget] | None = None,
        map_feed: MapFeed | None = None,
    ) -> None:
        super().__init__(window)
        self.names = names or {}
        self.own = own
        self._store = session.store
        self.map_feed = map_feed
        self.docks = {kind: docks[kind] for kind in panels if docks and kind in docks}
        self._titles = {kind: dock.windowTitle() for kind, dock in self.docks.items()}
        self.filters = [_filter(panel, session.store, kind, own) for kind, panel in panels.items()]
        self.reasons = BorderReasons(session, window)
        self.action = QAction("Show the neighbouring &force", self)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.action.toggled.connect(self.show_neighbour)
        if view_menu is not None:
            view_menu.addAction(self.action)
        window.addAction(self.action)
        self._name_docks(False)
        if map_feed is not None:
            map_feed.set_scope(self._on_map)

    def show_neighbour(self, show: bool) -> None:
        for force_filter in self.filters:
            force_filter.set_show_all(show)
        if self.map_feed is not None:
            self.map_feed.set_scope(None if show else self._on_map)
        self._name_docks(show)

    def _on_map(self, kind: str, entity_id: str) -> bool:
        return ours(self._store, kind, entity_id, self.own)

    def _name_docks(self, both: bool) -> None:
        own = self.names.get(self.own, self.own)
        whose = " and ".join(self.names.values()) if both else f"{own} (Ctrl+Shift+F: both forces)"
        for kind, dock in self.docks.items():
            base = self._titles[kind].split(" — ")[0]
            stale = dock.windowTitle().endswith(STALE_SUFFIX)
            dock.setWindowTitle(f"{base} — {whose}" + (STALE_SUFFIX if stale else ""))


def cross_border_count(store: Store) -> int:
    """Assignments in progress whose unit is across the border (flagged in both rooms)."""
    return sum(
        1
        for a in store.assignments.values()
        if a.cross_border_reason and a.state in ACTIVE_ASSIGNMENT_STATES
    )
