"""The link's state on the window's edges: a full-width banner while not connected, and the
boards marked STALE with their clocks stopped (a wait that keeps counting over a dead link
is a lie). Live and training windows have one; a replay has no link.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QMainWindow, QSizePolicy, QToolBar, QWidget

from console.sync import Sync
from widgets.link_banner import LinkBanner

STALE_SUFFIX = " — STALE (link down)"
STALE_STYLE = "QTableView { background: #e8e8ec; color: #60646c; }"
# The docks whose contents go stale with the link (the form and the log do not).
STALE_DOCKS = ("calls", "incidents", "units", "recommend", "room")


class LinkState:
    """Puts the banner above the command line and marks the boards while the link is down."""

    def __init__(
        self,
        window: QMainWindow,
        sync: Sync,
        docks: dict[str, QDockWidget],
        before: QToolBar,
    ) -> None:
        self._sync = sync
        self._docks = docks
        self.banner = LinkBanner(sync, window)
        bar = QToolBar("Link", window)
        bar.setObjectName("toolbar-link")
        bar.setMovable(False)
        bar.addWidget(self.banner)
        self.banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        window.insertToolBar(before, bar)
        window.insertToolBarBreak(bar)
        window.insertToolBarBreak(before)
        self.bar = bar
        bar.setVisible(sync.state not in ("connected", "connecting"))
        sync.link_changed.connect(self._on_sync_link_changed)

    def stale(self) -> bool:
        """Not connected: what the boards show is the last known state, not a live one."""
        return self._sync.state != "connected"

    def _on_sync_link_changed(self, state: str, _since: object) -> None:
        stale = state != "connected"
        self.bar.setVisible(state not in ("connected", "connecting"))
        for name in STALE_DOCKS:
            dock = self._docks[name]
            title = dock.windowTitle().removesuffix(STALE_SUFFIX)
            dock.setWindowTitle(title + STALE_SUFFIX if stale else title)
            view = getattr(dock.widget(), "view", None)
            if isinstance(view, QWidget):
                view.setStyleSheet(STALE_STYLE if stale else "")
