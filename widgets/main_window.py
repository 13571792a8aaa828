"""The main window: docks around the live state, saved and restored per user.

Every dock can float onto a second screen; View shows any dock again and resets the layout.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QWidget,
)

from console.outbox import Outbox
from console.store import Store
from console.sync import Sync
from console.tables import CallQueueModel, EventLogModel, IncidentModel, UnitModel
from console.watchdog import LoopWatchdog
from widgets.incident_detail import IncidentDetail
from widgets.status_bar import StatusBar
from widgets.table_panel import TablePanel
from widgets.theme import apply_theme

LAYOUT_VERSION = 1


class MainWindow(QMainWindow):
    def __init__(
        self,
        store: Store,
        sync: Sync,
        outbox: Outbox,
        watchdog: LoopWatchdog,
        user: str,
        role: str,
        settings: QSettings,
        theme: str = "day",
        remember_layout: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Control room — {user} ({role.replace('_', '-')})")
        self.setObjectName("MainWindow")
        self._settings = settings
        self._store = store
        self.theme = theme
        self.setDockOptions(
            QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )

        self.calls = TablePanel(CallQueueModel(store, self), "Search calls (number, line, state)…")
        self.incidents = TablePanel(
            IncidentModel(store, self), "Search incidents (reference, type, borough)…", 1
        )
        self.units = TablePanel(UnitModel(store, self), "Search units (callsign, status, borough)…")
        self.detail = IncidentDetail(store)
        self.events = QTableView()
        self.events.setModel(EventLogModel(store, parent=self))
        self.events.verticalHeader().hide()
        self.events.verticalHeader().setDefaultSectionSize(22)
        self.events.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((60, 70, 110, 170)):
            self.events.setColumnWidth(column, width)
        self.events.model().rowsInserted.connect(lambda *_: self.events.scrollToBottom())
        self.incidents.selected.connect(self.detail.show_incident)

        self.docks: dict[str, QDockWidget] = {}
        self._add_dock(
            "calls", "Call queue", self.calls, Qt.DockWidgetArea.LeftDockWidgetArea, "Ctrl+1"
        )
        self._add_dock(
            "incidents",
            "Incidents",
            self.incidents,
            Qt.DockWidgetArea.RightDockWidgetArea,
            "Ctrl+2",
        )
        self._add_dock(
            "units", "Units", self.units, Qt.DockWidgetArea.RightDockWidgetArea, "Ctrl+3"
        )
        self._add_dock(
            "detail", "Incident detail", self.detail, Qt.DockWidgetArea.LeftDockWidgetArea, "Ctrl+4"
        )
        self._add_dock(
            "events", "Event log", self.events, Qt.DockWidgetArea.BottomDockWidgetArea, "Ctrl+5"
        )
        centre = QLabel("Map: see the Incidents and Units docks", self)
        centre.setAlignment(Qt.AlignmentFlag.AlignCenter)
        centre.setObjectName("centre")
        self.setCentralWidget(centre)
        centre.hide()  # until the map arrives, the docks share the whole window

        self.status = StatusBar(
            store, sync, outbox, watchdog, f"{user} · {role.replace('_', '-')}", self
        )
        self.setStatusBar(self.status)
        outbox.command_failed.connect(self._on_outbox_command_failed)
        # Waits, ages and countdowns change with time, not with events.
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._on_clock_timeout)
        self._clock.start(1000)
        self._build_menus()
        self.resize(1600, 900)
        self._remember = remember_layout
        self._sized = False
        self._default_state = self.saveState(LAYOUT_VERSION)
        if remember_layout:
            self.restore_layout()

    # ---------------------------------------------------------------- docks and layout

    def _add_dock(
        self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea, shortcut: str
    ) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        action = dock.toggleViewAction()
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"Show or hide {title} ({shortcut})")
        self.docks[name] = dock

    def _build_menus(self) -> None:
        view = self.menuBar().addMenu("&View")
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        reset = QAction("&Reset layout", self)
        reset.setShortcut(QKeySequence("Ctrl+Shift+R"))
        reset.triggered.connect(self.reset_layout)
        view.addAction(reset)
        theme = QAction("&Night theme", self)
        theme.setCheckable(True)
        theme.setChecked(self.theme == "night")
        theme.setShortcut(QKeySequence("Ctrl+Shift+N"))
        theme.toggled.connect(lambda night: self.set_theme("night" if night else "day"))
        view.addAction(theme)
        self.night_action = theme

    def set_theme(self, name: str) -> None:
        self.theme = name
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        self._settings.setValue("theme", name)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            if self._settings.value("state") is None or not self._remember:
                QTimer.singleShot(0, self.default_sizes)

    def default_sizes(self) -> None:
        """Queue and incidents get the room; the event log a strip at the bottom."""
        d = self.docks
        height = max(600, self.height())
        self.resizeDocks([d["events"]], [height // 5], Qt.Orientation.Vertical)
        self.resizeDocks(
            [d["calls"], d["detail"]], [height * 2 // 5, height // 3], Qt.Orientation.Vertical
        )
        self.resizeDocks(
            [d["incidents"], d["units"]], [height // 3, height * 2 // 5], Qt.Orientation.Vertical
        )
        self.resizeDocks(
            [d["calls"], d["incidents"]],
            [self.width() * 9 // 20, self.width() * 11 // 20],
            Qt.Orientation.Horizontal,
        )

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
        self.default_sizes()

    def restore_layout(self) -> None:
        geometry = self._settings.value("geometry")
        state = self._settings.value("state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        if not self._remember:
            return
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("state", self.saveState(LAYOUT_VERSION))
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        super().closeEvent(event)

    def _on_clock_timeout(self) -> None:
        self.calls.model.refresh_column(CallQueueModel.WAIT_COLUMN)
        for column in IncidentModel.AGE_COLUMNS:
            self.incidents.model.refresh_column(column)
        self.units.model.refresh_column(UnitModel.POSITION_COLUMN)

    # ---------------------------------------------------------------- messages

    def _on_outbox_command_failed(self, key: str, label: str, message: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "The platform refused a command",
            f"<b>{label}</b><br>{message}<br><br>Nothing was changed. "
            "Look at the current state and act again if still needed.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.status.showMessage(f"Refused: {label}: {message}", 15000)
