"""The main window: docks around the live state, saved and restored per user.

Every dock can float onto a second screen; View shows any dock again and resets the layout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QTableView,
    QToolBar,
    QWidget,
)

from console.allocation import load_config
from console.command_line import Parsed
from console.session import Session
from console.tables import CallQueueModel, EventLogModel, IncidentModel, UnitModel
from console.tasks import spawn
from maps.view import MapView
from widgets.call_queue import CallQueuePanel
from widgets.command_bar import CommandBar
from widgets.dispatch_links import DispatchLinks
from widgets.export_dialog import ExportDialog
from widgets.help_panel import HelpPanel
from widgets.incident_board import IncidentBoard
from widgets.incident_detail import IncidentDetail
from widgets.incident_form import IncidentForm
from widgets.inject_call import InjectCallDialog
from widgets.location_picker import LocationPicker
from widgets.map_links import MapLinks
from widgets.mode_banner import ModeBanner, frame_window
from widgets.outbox_panel import OutboxPanel
from widgets.recommendations import RecommendationPanel
from widgets.room_view import RoomView
from widgets.status_bar import StatusBar
from widgets.theme import apply_theme
from widgets.unit_board import UnitBoard

LAYOUT_VERSION = 1


class MainWindow(QMainWindow):
    def __init__(
        self,
        session: Session,
        settings: QSettings,
        theme: str = "day",
        remember_layout: bool = True,
        parent: QWidget | None = None,
        *,
        with_map: bool = True,
        tile_url: str | None = None,
    ) -> None:
        super().__init__(parent)
        user, role = session.username, session.role
        store = session.store
        self.setWindowTitle(f"Control room — {user} ({role.replace('_', '-')})")
        self.setObjectName("MainWindow")
        self._settings = settings
        self._store = store
        self.session = session
        self.handling = session.handling
        self.theme = theme
        self.setDockOptions(
            QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )

        self.calls = CallQueuePanel(store, self)
        self.incidents = IncidentBoard(store, self)
        self.units = UnitBoard(store, self)
        supervisor = role in ("supervisor", "admin")
        allocation = load_config()
        self.recommendations = RecommendationPanel(store, allocation, supervisor)
        self.room = RoomView(store)
        self.detail = IncidentDetail(store)
        self.picker = LocationPicker(session.client.geocode, session.client.reverse_geocode)
        self.form = IncidentForm(store, session.handling, session.drafts, self.picker)
        self.outbox_panel = OutboxPanel(session.outbox)
        self.events = QTableView()
        self.events.setModel(EventLogModel(store, parent=self))
        self.events.verticalHeader().hide()
        self.events.verticalHeader().setDefaultSectionSize(22)
        self.events.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((60, 70, 110, 170)):
            self.events.setColumnWidth(column, width)
        self.events.model().rowsInserted.connect(lambda *_: self.events.scrollToBottom())
        self.incidents.selected.connect(self.detail.show_incident)
        self.calls.answer_requested.connect(self._on_calls_answer_requested)
        self.handling.answered.connect(self._on_handling_answered)
        self.handling.answer_refused.connect(self._on_handling_answer_refused)
        self.form.finished.connect(self._on_form_finished)
        self.picker.search_failed.connect(self._on_picker_search_failed)

        self.docks: dict[str, QDockWidget] = {}
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self._add_dock("calls", "Call queue", self.calls, left, "Ctrl+1")
        self._add_dock("incidents", "Incidents", self.incidents, right, "Ctrl+2")
        self._add_dock("recommend", "Recommended units", self.recommendations, right, "Ctrl+8")
        self._add_dock("units", "Units", self.units, right, "Ctrl+3")
        self._add_dock("detail", "Incident detail", self.detail, left, "Ctrl+4")
        self._add_dock("events", "Event log", self.events, bottom, "Ctrl+5")
        self._add_dock("form", "Incident form", self.form, left, "Ctrl+6")
        self._add_dock("outbox", "Outbox", self.outbox_panel, bottom, "Ctrl+7")
        self._add_dock("room", "Room", self.room, bottom, "Ctrl+9")
        self.tabifyDockWidget(self.docks["detail"], self.docks["form"])
        self.tabifyDockWidget(self.docks["events"], self.docks["outbox"])
        self.tabifyDockWidget(self.docks["events"], self.docks["room"])
        self.docks["detail"].raise_()
        self.docks["events"].raise_()
        # The side columns run the full height; the event log sits under the map only.
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setCorner(Qt.Corner.BottomRightCorner, right)

        self.command_bar = CommandBar(store, self)
        self.command_bar.command_entered.connect(self._on_command_bar_command_entered)
        self.command_bar.command_rejected.connect(self._on_command_bar_command_rejected)
        bar = QToolBar("Command line", self)
        bar.setObjectName("toolbar-command")
        bar.setMovable(False)
        bar.addWidget(self.command_bar)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.command_toolbar = bar
        self.map: MapView | None = None
        if with_map:
            self.map = MapView(store, tile_url, self, theme=theme)
            self.setCentralWidget(self.map)
            self.map_links = MapLinks(self, self.map)
        else:
            centre = QLabel("Map off (started without it)", self)
            centre.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.setCentralWidget(centre)
            centre.hide()

        self.status = StatusBar(
            store,
            session.sync,
            session.outbox,
            session.watchdog,
            f"{user} · {role.replace('_', '-')}",
            self,
            replay=session.mode == "replay",
        )
        self.setStatusBar(self.status)
        session.outbox.command_failed.connect(self._on_outbox_command_failed)
        # Waits, ages and countdowns change with time, not with events.
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._on_clock_timeout)
        self._clock.start(1000)
        self.shortcuts: list[tuple[str, str]] = []
        self.banner: ModeBanner | None = None
        self.training_sandbox: Any = None  # set by the composition root for a sandbox window
        if session.mode != "live":
            self._show_mode(session.mode)
        self.dispatch = DispatchLinks(self, allocation)
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

    def _action(self, menu: QMenu, text: str, keys: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setToolTip(f"{text.replace('&', '')} ({keys})")
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)  # shortcuts work wherever the focus is, menu bar or not
        self.shortcuts.append((keys, text.replace("&", "")))
        return action

    def _build_menus(self) -> None:
        calls = self.menuBar().addMenu("Call&s")
        self._action(calls, "&Answer next call", "F2", lambda: self.answer(""))
        self._action(calls, "&New incident (walk-in)", "Ctrl+N", self.new_incident)
        self._action(calls, "&Mute 999 alert", "Ctrl+M", self.calls.toggle_sound)
        self._action(calls, "&Command line", "Ctrl+K", self.command_bar.setFocus)
        inject = self._action(
            calls, "&Inject a call (training)", "Ctrl+Shift+I", self.inject_training_call
        )
        inject.setEnabled(self.session.mode == "training")
        self.shortcuts += [
            ("Enter", "Answer the selected call (in the call queue)"),
            ("Ctrl+Enter", "Create the incident (in the form)"),
            ("Ctrl+L", "Link the call to the selected possible duplicate (in the form)"),
            ("Alt+C / Alt+G / Alt+A / Alt+H", "Form: classification / grade / address / handset"),
            ("Ctrl+Shift+Del", "Discard the form's draft"),
            ("Del", "Dismiss a refused command (in the outbox)"),
        ]
        dispatch = self.menuBar().addMenu("&Dispatch")
        self._action(
            dispatch,
            "Recommended &units",
            "Ctrl+R",
            self.focus_recommendations,
        )
        rebalance = self._action(
            dispatch, "Propose a &rebalance", "Ctrl+Shift+B", self.dispatch.propose_rebalance
        )
        rebalance.setEnabled(self.session.role in ("supervisor", "admin"))
        self.shortcuts += [
            ("Enter / Ctrl+D", "Assign the selected recommendation (in Recommended units)"),
            ("F5 / F6 / F7", "Unit board: available / committed / unavailable"),
            ("F8", "Unit board: stand the selected unit down from its incident"),
            ("A / R", "Rebalance proposal: accept / reject the line"),
        ]
        view = self.menuBar().addMenu("&View")
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
            self.shortcuts.append(
                (dock.toggleViewAction().shortcut().toString(), f"Show {dock.windowTitle()}")
            )
        view.addSeparator()
        self._action(view, "&Reset layout", "Ctrl+Shift+R", self.reset_layout)
        theme = self._action(view, "&Night theme", "Ctrl+Shift+N", lambda: None)
        theme.setCheckable(True)
        theme.setChecked(self.theme == "night")
        theme.toggled.connect(lambda night: self.set_theme("night" if night else "day"))
        self.night_action = theme
        export = self._action(view, "&Export a recording…", "Ctrl+Shift+E", self.export_recording)
        export.setEnabled(
            self.session.mode == "live" and self.session.role in ("trainer", "supervisor", "admin")
        )
        help_menu = self.menuBar().addMenu("Hel&p")
        self._action(help_menu, "&Keyboard help", "F1", self.show_help)

    def set_theme(self, name: str) -> None:
        self.theme = name
        if self.map is not None:
            self.map.set_theme(name)
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
        """Calls and the form on the left, the map in the middle, incidents and units on the
        right, and the event log a strip under the map."""
        d = self.docks
        height = max(600, self.height())
        width = max(1000, self.width())
        with_map = self.map is not None
        self.resizeDocks([d["events"]], [height // 6], Qt.Orientation.Vertical)
        self.resizeDocks(
            [d["calls"], d["form"]], [height * 2 // 5, height * 3 // 5], Qt.Orientation.Vertical
        )
        self.resizeDocks(
            [d["incidents"], d["recommend"], d["units"]],
            [height * 3 // 10, height // 4, height * 9 // 20],
            Qt.Orientation.Vertical,
        )
        left, right = (width * 3 // 10, width * 3 // 10) if with_map else (width // 2, width // 2)
        self.resizeDocks([d["calls"], d["incidents"]], [left, right], Qt.Orientation.Horizontal)

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
        for column in UnitModel.TIME_COLUMNS:
            self.units.model.refresh_column(column)

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

    # ---------------------------------------------------------------- replay and training

    def _show_mode(self, mode: str) -> None:
        detail = "" if mode == "replay" else f"({self.session.client.base_url})"
        self.banner = ModeBanner(mode, detail, self)
        bar = QToolBar("Mode", self)
        bar.setObjectName(f"toolbar-{mode}")
        bar.setMovable(False)
        bar.addWidget(self.banner)
        self.banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.insertToolBar(self.command_toolbar, bar)
        frame_window(self, mode)
        if mode == "replay":
            # The backstop is in CallHandling and Dispatching; here nothing even invites it.
            for widget in (self.form, self.command_bar, self.calls.answer_next):
                widget.setEnabled(False)
            self.calls.answer_selected.setEnabled(False)
            self.recommendations.assign_button.setEnabled(False)
            self.status.link.setText("<b style='color:#8e4ec6'>● REPLAY</b> (no platform)")

    def inject_training_call(self) -> None:
        """Trainer: a scripted call into this window's sandbox (only a sandbox has one)."""
        sandbox = self.training_sandbox
        if self.session.mode != "training" or sandbox is None:
            return
        selected = self._store.incidents.get(self.detail.incident_id)
        lat, lon = (
            (selected.location.lat, selected.location.lon) if selected else (51.5074, -0.1278)
        )
        dialog = InjectCallDialog(lat, lon, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def send() -> None:
            fields = {
                "line": dialog.line.currentText(),
                "caller_number": dialog.number.text().strip() or "07700 900555",
                "caller_name": dialog.name.text().strip() or None,
                "lat": dialog.lat.value(),
                "lon": dialog.lon.value(),
            }

            async def inject() -> None:
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, lambda: sandbox.inject_call(**fields))
                self.status.showMessage(f"Injected a {fields['line']} call", 8000)

            spawn(inject(), lambda exc: self.status.showMessage(f"Not injected: {exc}", 15000))

        dialog.accepted.connect(send)
        dialog.open()
        self.inject_dialog = dialog

    def export_recording(self) -> None:
        """Trainers and supervisors: a window of the log to a file, for replay and training."""
        dialog = ExportDialog(self._store.now(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def run() -> None:
            since, until = dialog.time_window()
            path = Path(dialog.path.text().strip()).expanduser()
            self.status.showMessage(f"Exporting to {path}…")

            async def export() -> None:
                size = await self.session.client.export_recording(path, since, until)
                self.status.showMessage(f"Recording saved: {path} ({size / 1e6:.1f} MB)", 15000)

            spawn(export(), lambda exc: self.status.showMessage(f"Export failed: {exc}", 15000))

        dialog.accepted.connect(run)
        dialog.open()
        self.export_dialog = dialog

    def add_replay_bar(self, bar: QWidget) -> None:
        """The trainer's transport controls, along the bottom of the window."""
        holder = QToolBar("Replay", self)
        holder.setObjectName("toolbar-replay")
        holder.setMovable(False)
        holder.addWidget(bar)
        bar.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, holder)

    # ---------------------------------------------------------------- call handling

    def show_help(self) -> None:
        panel = HelpPanel(self.shortcuts, self)
        panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        panel.open()
        self.help_panel = panel

    def answer(self, call_id: str) -> None:
        if not self.handling.answer(call_id or None):
            self.status.showMessage("No call waiting to answer", 5000)

    def new_incident(self) -> None:
        self.form.open_walk_in()
        self.show_dock("form")
        self.form.classification.setFocus()

    def focus_recommendations(self) -> None:
        self.show_dock("recommend")
        self.recommendations.table.setFocus()

    def show_dock(self, name: str) -> None:
        dock = self.docks[name]
        dock.show()
        dock.raise_()

    def _on_calls_answer_requested(self, call_id: str) -> None:
        self.answer(call_id)

    def _on_handling_answered(self, call_id: str) -> None:
        self.show_dock("form")
        self.form.open_call(call_id)
        self.status.showMessage("Call answered: the incident form is open", 5000)

    def _on_handling_answer_refused(self, _call_id: str, message: str) -> None:
        self.status.showMessage(f"Not answered: {message}", 15000)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Call not answered",
            message,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.answer_refusal = box

    def _on_picker_search_failed(self, message: str) -> None:
        self.status.showMessage(message, 10000)

    def _on_command_bar_command_rejected(self, message: str) -> None:
        self.status.showMessage(f"Command: {message}", 10000)

    def _on_form_finished(self, message: str) -> None:
        self.status.showMessage(message, 8000)
        self.calls.view.setFocus()

    def _on_command_bar_command_entered(self, parsed: Parsed) -> None:
        incident = parsed.incident or self._store.incidents.get(self.detail.incident_id)
        verb = parsed.verb
        if verb == "answer":
            self.answer("")
        elif verb == "new":
            self.new_incident()
        elif verb == "mute":
            self.calls.toggle_sound()
        elif verb == "help":
            self.show_help()
        elif verb == "find":
            self.incidents.search.setText(parsed.text)
        elif verb == "open" and parsed.incident is not None:
            self.incidents.search.clear()
            self.incidents.grades.setCurrentIndex(0)
            self.incidents.select_id(parsed.incident.id)
            self.show_dock("detail")
        elif verb == "link" and parsed.incident is not None:
            if self.form.call_id is None:
                self.status.showMessage("Command: link needs a call open in the form", 10000)
                return
            self.handling.link(self.form.call_id, parsed.incident)
            self.form.discard()
            self.form.open_walk_in(keep_current=False)
            self.status.showMessage(f"Call linked to {parsed.incident.reference}", 8000)
        elif incident is None:
            self.status.showMessage("Command: select an incident first, or give #N", 10000)
        elif verb == "grade" and parsed.grade is not None:
            self.handling.grade(incident, parsed.grade)
            self.status.showMessage(f"Grading {incident.reference}", 5000)
        elif verb == "log":
            self.handling.add_log(incident, parsed.text)
            self.status.showMessage(f"Logged on {incident.reference}", 5000)
