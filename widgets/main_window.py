"""The main window: docks around the live state, saved and restored per user.

Every dock can float onto a second screen; View shows any dock again and resets the layout.
The window builds its panels and hands each link object exactly the panels and services it
coordinates (the links never see the window). It is also where the console's message bridge
is shown: lines in the status bar, alerts in a box (`alert_box`, the latest), and unexpected
failures in both. A replay or training window says so on every edge (`mode_banner`).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QToolBar,
    QWidget,
)

from console.allocation import AllocationConfig
from console.classifications import Classifications
from console.session import LIVE, REPLAY, Session
from console.tables import CallQueueModel, IncidentModel, UnitModel
from maps.view import MapView
from platform_api.contract.area import PackMapPublic
from widgets.call_links import CallLinks
from widgets.call_queue import CallQueuePanel
from widgets.command_bar import CommandBar
from widgets.dispatch_links import DispatchLinks
from widgets.docks import add_dock, default_sizes, scrolled
from widgets.event_log import EventLogView
from widgets.forces_view import ForcesView
from widgets.help_panel import HelpPanel
from widgets.incident_board import IncidentBoard
from widgets.incident_detail import IncidentDetail
from widgets.incident_form import IncidentForm
from widgets.link_state import LinkState
from widgets.location_picker import LocationPicker
from widgets.map_links import MapLinks
from widgets.message_view import MessageView
from widgets.mode_banner import ModeBanner, show_mode
from widgets.outbox_panel import OutboxPanel
from widgets.recommendations import RecommendationPanel
from widgets.role_layouts import layout_for
from widgets.room_view import RoomView
from widgets.status_bar import StatusBar
from widgets.theme import apply_theme
from widgets.training_links import TrainingLinks
from widgets.unit_board import UnitBoard
from widgets.window_menus import build_menus

LAYOUT_VERSION = 1


def fitted_size(width: int, height: int) -> tuple[int, int]:
    """The default size, no larger than the screen (at 1280x720 a 1600x900 window put the
    status bar, the link's state and the form's Create button off the screen)."""
    screen = QApplication.primaryScreen()
    if screen is None:
        return width, height
    room = screen.availableGeometry()
    return min(width, room.width()), min(height, room.height())


class MainWindow(QMainWindow):
    def __init__(
        self,
        session: Session,
        settings: QSettings,
        theme: str = "day",
        remember_layout: bool = True,
        parent: QWidget | None = None,
        *,
        allocation: AllocationConfig,
        classifications: Classifications,
        with_map: bool = True,
        tile_url: str | None = None,
        pack: str | PackMapPublic = "london",  # what the platform serves; a replay: a name
    ) -> None:
        super().__init__(parent)
        user, role = session.username, session.role
        store = session.store
        self.setWindowTitle(f"Control room — {user} ({role.replace('_', '-')})")
        self.setObjectName("MainWindow")
        self._settings = settings
        self.session = session
        self.theme = theme
        self.banner: ModeBanner | None = None
        self.setDockOptions(
            QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )

        self.calls = CallQueuePanel(store, self)
        self.incidents = IncidentBoard(store, self)
        self.units = UnitBoard(store, self)
        supervisor = role in ("supervisor", "admin")
        self.recommendations = RecommendationPanel(store, allocation, supervisor)
        self.room = RoomView(store)
        # A replay has no platform to read a caller from: it shows those its events carried.
        fetch_call = None if session.mode == REPLAY else session.client.call
        self.detail = IncidentDetail(store, fetch_call=fetch_call)
        self.picker = LocationPicker(session.client.geocode, session.client.reverse_geocode)
        self.form = IncidentForm(
            store,
            session.commands.history,
            session.drafts,
            self.picker,
            classifications=classifications,
        )
        self.outbox_panel = OutboxPanel(session.outbox)
        self.events = EventLogView(store, self)
        self.incidents.selected.connect(self.detail.show_incident)

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
        self._add_dock("room", "Room", scrolled(self.room), bottom, "Ctrl+9")
        self.tabifyDockWidget(self.docks["detail"], self.docks["form"])
        self.tabifyDockWidget(self.docks["events"], self.docks["outbox"])
        self.tabifyDockWidget(self.docks["events"], self.docks["room"])
        self.docks["detail"].raise_()
        self.docks["events"].raise_()
        # The side columns run the full height; the event log sits under the map only.
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setCorner(Qt.Corner.BottomRightCorner, right)

        self.command_bar = CommandBar(store, self)
        bar = QToolBar("Command line", self)
        bar.setObjectName("toolbar-command")
        bar.setMovable(False)
        bar.addWidget(self.command_bar)
        bar.addWidget(self.command_bar.preview)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.command_toolbar = bar
        self.map: MapView | None = None
        if with_map:
            self.map = MapView(store, tile_url, self, theme=theme, pack=pack)
            self.setCentralWidget(self.map)
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
            replay=session.mode == REPLAY,
            chain_guard=session.chain_guard,
        )
        self.setStatusBar(self.status)
        self.message_view = MessageView(session.messages, self.status, self)
        # Waits, ages and countdowns change with time, not with events.
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._on_clock_timeout)
        self._clock.start(1000)
        self.shortcuts: list[tuple[str, str]] = []
        self._link(session, allocation)
        if session.mode != LIVE:
            self._show_mode(session.mode)
        self.link_state: LinkState | None = None
        # a room of two forces: its boards' filters and border reasons (set by the bootstrap)
        self.forces_view: ForcesView | None = None
        if session.mode != REPLAY:
            self.link_state = LinkState(self, session.sync, self.docks, self.command_toolbar)
        self.link_banner = None if self.link_state is None else self.link_state.banner
        actions = build_menus(self)
        self.answer_action = actions.answer
        self.new_incident_action = actions.new_incident
        self.focus_recommendations_action = actions.focus_recommendations
        self.night_action = actions.night
        self._apply_role(session.role)
        # The minimum size was last worked out with every dock shown; worked out again for
        # the role's own docks, a call-taker's window fits 1280x720 with its status bar
        # (the link's state) on the screen instead of 116 px below it.
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.resize(*fitted_size(1600, 900))
        self._remember = remember_layout
        self._sized = False
        self._default_state = self.saveState(LAYOUT_VERSION)
        if remember_layout:
            self.restore_layout()

    def _link(self, session: Session, allocation: AllocationConfig) -> None:
        """The coordination between panels: each link gets what it needs, nothing more."""
        store, client, messages = session.store, session.client, session.messages
        self.call_links = CallLinks(
            calls=self.calls,
            form=self.form,
            picker=self.picker,
            command_bar=self.command_bar,
            incidents=self.incidents,
            detail=self.detail,
            commands=session.commands,
            store=store,
            client=client,
            sync=None if session.mode == REPLAY else session.sync,
            messages=messages,
            show_dock=self.show_dock,
            show_help=self.show_help,
            parent=self,
        )
        self.dispatch = DispatchLinks(
            incidents=self.incidents,
            recommendations=self.recommendations,
            units=self.units,
            commands=session.commands,
            store=store,
            role=session.role,
            config=allocation,
            messages=messages,
            window=self,
        )
        if self.map is not None:
            self.map_links = MapLinks(
                view=self.map,
                incidents=self.incidents,
                units=self.units,
                form=self.form,
                picker=self.picker,
                store=store,
                client=client,
                messages=messages,
                send=self.dispatch.send,
                show_dock=self.show_dock,
                window=self,
            )
        self.training = TrainingLinks(
            store=store, client=client, detail=self.detail, messages=messages, window=self
        )

    def _apply_role(self, role: str) -> None:
        """The role's docks and the actions it may take (widgets/role_layouts.py)."""
        layout = layout_for(role)
        self.role_layout = layout
        for name in layout.hidden:
            self.docks[name].hide()
        for name in layout.raised:
            self.docks[name].raise_()
        if not layout.may_dispatch:
            self.recommendations.set_read_only(True)
            self.units.set_read_only(True)
            self.focus_recommendations_action.setEnabled(False)
        if not layout.may_take_calls:
            self.calls.set_read_only(True)
            self.form.setEnabled(False)
            self.answer_action.setEnabled(False)
            self.new_incident_action.setEnabled(False)

    def _show_mode(self, mode: str) -> None:
        """REPLAY or TRAINING on every edge; a replay invites no command at all (the
        command service refuses them too: this is so that nothing even looks possible)."""
        detail = "" if mode == REPLAY else f"({self.session.client.base_url})"
        self.banner = show_mode(self, mode, detail, before=self.command_toolbar)
        if mode == REPLAY:
            self.form.setEnabled(False)
            self.command_bar.setEnabled(False)
            self.calls.set_read_only(True)
            self.recommendations.set_read_only(True)

    # ---------------------------------------------------------------- docks and layout

    def _add_dock(
        self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea, shortcut: str
    ) -> None:
        self.docks[name] = add_dock(self, name, title, widget, area, shortcut)

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
        default_sizes(
            self,
            self.docks,
            with_map=self.map is not None,
            room_raised="room" in self.role_layout.raised,
        )

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        hidden = self.role_layout.hidden
        for name, dock in self.docks.items():
            dock.setFloating(False)
            dock.setVisible(name not in hidden)
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
        if self.link_state is not None and self.link_state.stale():
            return  # the clocks stop with the link: the last known state, not a live one
        self.calls.model.refresh_column(CallQueueModel.WAIT_COLUMN)
        for column in IncidentModel.AGE_COLUMNS:
            self.incidents.model.refresh_column(column)
        for column in UnitModel.TIME_COLUMNS:
            self.units.model.refresh_column(column)

    # ---------------------------------------------------------------- actions

    def show_help(self) -> None:
        panel = HelpPanel(self.shortcuts, self)
        panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        panel.open()
        self.help_panel = panel

    def answer(self, call_id: str) -> None:
        self.call_links.answer(call_id)

    def new_incident(self) -> None:
        self.call_links.new_incident()

    def focus_recommendations(self) -> None:
        self.show_dock("recommend")
        self.recommendations.table.setFocus()

    def show_dock(self, name: str) -> None:
        dock = self.docks[name]
        dock.show()
        dock.raise_()

    def prepare_screenshot(self) -> None:
        """Columns fitted and the first incident selected, as an operator would have it."""
        for panel in (self.calls, self.incidents, self.units):
            panel.fit_columns()
        if self.incidents.proxy.rowCount():
            self.incidents.view.selectRow(0)

    def add_replay_bar(self, bar: QWidget) -> None:
        """The trainer's transport controls, along the bottom of the window."""
        holder = QToolBar("Replay", self)
        holder.setObjectName("toolbar-replay")
        holder.setMovable(False)
        holder.addWidget(bar)
        bar.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, holder)
