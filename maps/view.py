"""MapView: the incident map as a widget, built around the Store it shows.

The page is rendered once (maps/page.py) and loaded with `setHtml` and a file:// base URL.
From then on the map is fed by `MapFeed` diffs through `MapBridge`, a few times a second;
the page is never reloaded, except to recover when its renderer process dies.

Signals:
    incident_clicked(incident_id): an incident marker was clicked.
    unit_clicked(unit_id): a unit marker was clicked.
    new_incident_requested(lat, lon): "New incident here" from the map's context menu.
    what_is_here_requested(lat, lon): "What is here?" from the map's context menu.
    assign_requested(unit_id, incident_id): a unit was dragged onto an incident.
    ready(): the page has loaded and holds the Store's current state.
    batch_applied(ms, count): the page applied one diff of `count` entries in `ms`
        (measured in the page with performance.now(), drawing included).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QFile, QIODevice, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QCursor
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMenu, QVBoxLayout, QWidget

from console.store import Store
from maps.basemap import DEFAULT_PACK, PackMap, served_map
from maps.bridge import MapBridge
from maps.engine import MapPage
from maps.feed import MapFeed
from maps.page import build_page
from platform_api.contract.area import PackMapPublic

log = logging.getLogger(__name__)

BACKGROUND = {"day": "#e4e7e2", "night": "#0e1013"}


def _webchannel_script() -> QWebEngineScript:
    """qwebchannel.js from Qt's resources, injected once before the page's own scripts."""
    source = QFile(":/qtwebchannel/qwebchannel.js")
    if not source.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("Qt's qwebchannel.js resource is missing")
    script = QWebEngineScript()
    script.setName("qwebchannel")
    script.setSourceCode(bytes(source.readAll().data()).decode("utf-8"))
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(False)
    return script


class MapView(QWidget):
    incident_clicked = Signal(str)
    unit_clicked = Signal(str)
    new_incident_requested = Signal(float, float)
    what_is_here_requested = Signal(float, float)
    assign_requested = Signal(str, str)
    ready = Signal()
    batch_applied = Signal(float, int)

    def __init__(
        self,
        store: Store,
        tile_url: str | None = None,
        parent: QWidget | None = None,
        *,
        tile_attribution: str | None = None,
        theme: str = "day",
        request_interceptor: QWebEngineUrlRequestInterceptor | None = None,
        pack: str | PackMap | PackMapPublic = DEFAULT_PACK,
    ) -> None:
        super().__init__(parent)
        self.theme = theme
        if isinstance(pack, PackMapPublic):  # what the platform serves
            pack = served_map(pack)
        self.pack = pack if isinstance(pack, str) else pack.pack  # the pack's id
        self._html, self._base_url = build_page(tile_url, tile_attribution, theme, pack)
        self.web = QWebEngineView(self)
        # Off the record: no cache or cookies on disk. An interceptor sees every request
        # (a test counts those leaving the machine; a site could refuse them).
        self.profile = QWebEngineProfile()
        if request_interceptor is not None:
            self.profile.setUrlRequestInterceptor(request_interceptor)
        self.page = MapPage(self.profile, self.web)
        self.page.setBackgroundColor(QColor(BACKGROUND.get(theme, BACKGROUND["day"])))
        self.page.scripts().insert(_webchannel_script())
        self.web.setPage(self.page)
        self.web.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        # A profile must outlive its pages: as a later child than the view (which owns the
        # page) it is deleted after it.
        self.profile.setParent(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.web)

        self.bridge = MapBridge(self)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.feed = MapFeed(store, parent=self)
        self.menu: QMenu | None = None

        self.bridge.became_ready.connect(self._on_bridge_became_ready)
        self.bridge.message_received.connect(self._on_bridge_message_received)
        self.feed.diff_ready.connect(self._on_feed_diff_ready)
        self.page.loadFinished.connect(self._on_page_load_finished)
        self.page.renderProcessTerminated.connect(self._on_page_render_process_terminated)
        self.page.setHtml(self._html, self._base_url)

    # ------------------------------------------------------------ panels to map

    def select_incident(self, incident_id: str) -> None:
        """Pan to the incident and ring it."""
        self.bridge.post({"op": "select", "kind": "incidents", "id": incident_id})

    def select_unit(self, unit_id: str) -> None:
        """Pan to the unit and ring it (the ring follows it as it moves)."""
        self.bridge.post({"op": "select", "kind": "units", "id": unit_id})

    def show_point(self, lat: float, lon: float, label: str = "") -> None:
        """Drop the map's one pin (a geocoded place, a "what is here" answer) and pan to it."""
        self.bridge.post({"op": "point", "lat": lat, "lon": lon, "label": label})

    def set_theme(self, name: str) -> None:
        self.theme = name
        self.page.setBackgroundColor(QColor(BACKGROUND.get(name, BACKGROUND["day"])))
        self.bridge.post({"op": "theme", "name": name})

    def run_js(self, script: str, callback: Any = None) -> None:
        """Run a script in the page (tests and the benchmark ask the page questions)."""
        if callback is None:
            self.page.runJavaScript(script, QWebEngineScript.ScriptWorldId.MainWorld)
        else:
            self.page.runJavaScript(script, QWebEngineScript.ScriptWorldId.MainWorld, callback)

    def context_menu(self, lat: float, lon: float) -> QMenu:
        """The right-click menu for a point of the map."""
        menu = QMenu(self)
        new = menu.addAction("New incident here")
        new.triggered.connect(lambda: self.new_incident_requested.emit(lat, lon))
        what = menu.addAction("What is here?")
        what.triggered.connect(lambda: self.what_is_here_requested.emit(lat, lon))
        return menu

    # ------------------------------------------------------------ handlers

    def _on_bridge_became_ready(self) -> None:
        self.feed.start()
        self.ready.emit()

    def _on_feed_diff_ready(self, diff: dict[str, Any]) -> None:
        self.bridge.post({"op": "diff", "diff": diff})

    def _on_bridge_message_received(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "clicked":
            if message.get("kind") == "incidents":
                self.incident_clicked.emit(str(message["id"]))
            elif message.get("kind") == "units":
                self.unit_clicked.emit(str(message["id"]))
        elif kind == "assign":
            self.assign_requested.emit(str(message["unit"]), str(message["incident"]))
        elif kind == "context":
            self._on_page_context_menu(float(message["lat"]), float(message["lon"]))
        elif kind == "applied":
            self.batch_applied.emit(float(message["ms"]), int(message["count"]))
        else:
            log.warning("unknown message from the map page: %r", message)

    def _on_page_context_menu(self, lat: float, lon: float) -> None:
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = self.context_menu(lat, lon)
        pos = QCursor.pos()
        if not self.rect().contains(self.mapFromGlobal(pos)):
            pos = self.mapToGlobal(QPoint(self.width() // 2, self.height() // 2))
        self.menu.popup(pos)

    def _on_page_load_finished(self, ok: bool) -> None:
        if not ok:
            log.warning("the map page failed to load")

    def _on_page_render_process_terminated(
        self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int
    ) -> None:
        # The one reload: the renderer died, so the page is blank. Load it again; it says
        # "ready" again and the feed resends everything.
        log.warning("the map's renderer stopped (%s, exit code %d); reloading", status, code)
        self.feed.stop()
        self.bridge.forget_page()
        self.page.setHtml(self._html, self._base_url)
