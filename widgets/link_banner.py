"""While the console is not connected, a full-width banner says so, for how long, and what
happens to the operator's work: the boards show the last known state and their clocks are
stopped; commands wait in the outbox (answering a call is refused); or, before the console
has signed in at all, nothing can be done. "Retry now" skips the backoff's wait.

It is hidden while connected and never shown in a replay (a replay has no link).
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from console.sync import Sync

COLOUR = {"reconnecting": "#b45309"}
DEFAULT_COLOUR = "#c62828"  # offline, faulty


def age(seconds: float) -> str:
    """0:42, 12:05, 1:02:03: how long the link has been down."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class LinkBanner(QWidget):
    def __init__(self, sync: Sync, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("link-banner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._sync = sync
        self.read_only = False  # started from the last known state, not yet signed in
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.setMinimumHeight(52)  # two lines at 15 px: a toolbar does not ask for more
        self.retry = QPushButton("Retry now", self)
        self.retry.setToolTip("Try the platform again at once instead of waiting")
        self.retry.clicked.connect(sync.retry_now)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.retry)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(1000)
        sync.link_changed.connect(lambda *_: self.refresh())
        self.refresh()

    def signed_in(self) -> None:
        self.read_only = False
        self.refresh()

    def refresh(self) -> None:
        state = self._sync.state
        if state in ("connected", "connecting"):  # the first try is not an outage
            return  # (the window hides the banner's bar; a widget in a toolbar is shown by it)
        now = datetime.now(UTC)
        lost = age((now - self._sync.since).total_seconds())
        since = self._sync.since.astimezone().strftime("%H:%M:%S")
        if state == "faulty":
            head = f"FAULT for {lost} (since {since}): this console hit an error; restart it."
            tail = "What you see may be stale."
        else:
            head = f"{state.upper()}: no contact with the platform for {lost} (since {since})."
            if self.read_only:
                tail = (
                    "Showing the last known state, READ-ONLY: not signed in yet; "
                    "nothing can be done until the platform answers."
                )
            else:
                tail = (
                    "Boards are STALE (last known state, clocks stopped). Commands wait in "
                    "the outbox and go when the link is back; answering a call is refused."
                )
        nxt = self._sync.next_try
        if nxt is not None and state != "faulty":
            tail += f" Next try in {max(0, round((nxt - now).total_seconds()))} s."
        self.retry.setVisible(state != "faulty")
        colour = COLOUR.get(state, DEFAULT_COLOUR)
        self.setStyleSheet(
            f"QWidget#link-banner {{ background: {colour}; }}"
            " QLabel { color: white; font-size: 15px; font-weight: bold; }"
        )
        self.text.setText(f"{head} {tail}")
