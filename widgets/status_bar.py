"""The status bar: always the truth about the link, the user, the log and the outbox.

Everything here is a permanent widget, the link first: a message shown in the status bar
(`showMessage`) covers only its normal area, never the link's state.
"""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from console.chain_guard import ChainGuard
from console.outbox import Outbox
from console.store import Store
from console.sync import Sync
from console.watchdog import LoopWatchdog
from widgets.mode_banner import MODE_COLOUR

LINK_STYLE = {
    "connected": ("Connected", "#30a46c"),
    "connecting": ("Connecting…", "#f5a524"),
    "reconnecting": ("Reconnecting…", "#f5a524"),
    "offline": ("OFFLINE", "#e5484d"),
    "faulty": ("FAULT: the console hit an error (see the message); restart it", "#e5484d"),
}


class StatusBar(QStatusBar):
    def __init__(
        self,
        store: Store,
        sync: Sync,
        outbox: Outbox,
        watchdog: LoopWatchdog,
        user: str,
        parent: QWidget | None = None,
        *,
        replay: bool = False,
        chain_guard: ChainGuard | None = None,
    ) -> None:
        super().__init__(parent)
        self.replay = replay
        self._store, self._sync, self._outbox, self._watchdog = store, sync, outbox, watchdog
        self._delays: deque[float] = deque(maxlen=200)
        self.link = QLabel(self)
        self.user = QLabel(user, self)
        self.seq = QLabel(self)
        self.delay = QLabel(self)
        self.delay.setToolTip(
            "delay from an event being written to it being on screen (median of the last 200)"
        )
        self.outbox = QLabel(self)
        self.outbox.setToolTip(
            "commands waiting to reach the platform; they are sent in order when the link is back"
        )
        self.lateness = QLabel(self)
        self.lateness.setToolTip(
            "how late the screen ran its timers in the last second (0 is ideal)"
        )
        self.clock = QLabel(self)
        # Hidden until the event log's hash chain breaks (console/chain_guard.py).
        self.chain_alarm = QLabel(self)
        self.chain_alarm.hide()
        if chain_guard is not None:
            chain_guard.chain_broken.connect(self._on_chain_guard_chain_broken)
        self.addPermanentWidget(self.chain_alarm)
        labels = (self.link, self.user, self.seq, self.delay, self.outbox, self.lateness)
        for label in (*labels, self.clock):
            self.addPermanentWidget(label)
        sync.link_changed.connect(lambda *_: self.refresh())
        outbox.pending_changed.connect(lambda *_: self.refresh())
        store.event_applied.connect(self._on_store_event_applied)
        self._pending = outbox.pending_count()
        outbox.pending_changed.connect(self._on_outbox_pending_changed)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(1000)
        self.refresh()

    def _on_chain_guard_chain_broken(self, seq: int, reason: str) -> None:
        self.chain_alarm.setText(
            f"<b style='color:#ffffff; background:#e5484d'>&nbsp;LOG TAMPERED at seq {seq}"
            "&nbsp;</b>"
        )
        self.chain_alarm.setToolTip(
            f"The event log's hash chain is broken at seq {seq}: {reason}. "
            "What this console shows may have been altered; tell a supervisor."
        )
        self.chain_alarm.show()

    def _on_outbox_pending_changed(self, count: int) -> None:
        self._pending = count
        self.refresh()

    def _on_store_event_applied(self, event: dict[str, Any]) -> None:
        if self._store.last_event_ts is not None and not self.replay:
            delay = (datetime.now(UTC) - self._store.last_event_ts).total_seconds() * 1000
            self._delays.append(max(0.0, delay))

    def refresh(self) -> None:
        if self.replay:
            # No platform, no link to report: say REPLAY where the link would be.
            colour = MODE_COLOUR["replay"]
            self.link.setText(f"<b style='color:{colour}'>● REPLAY</b> (no platform)")
            self._refresh_figures()
            return
        text, colour = LINK_STYLE.get(self._sync.state, (self._sync.state, "#8b8d98"))
        since = self._sync.since.astimezone().strftime("%H:%M:%S")
        self.link.setText(f"<b style='color:{colour}'>● {text}</b> since {since}")
        self._refresh_figures()

    def _refresh_figures(self) -> None:
        self.seq.setText(f"Seq {self._store.seq}")
        if self._delays:
            median = sorted(self._delays)[len(self._delays) // 2]
            self.delay.setText(f"Delay {median:.0f} ms")
        else:
            self.delay.setText("Delay -")
        pending = self._pending
        style = "color:#f5a524; font-weight:bold" if pending else ""
        self.outbox.setText(f"<span style='{style}'>Outbox {pending}</span>")
        self.lateness.setText(f"Lag {self._watchdog.take_recent_worst():.0f} ms")
        shown = self._store.local(self._store.now())
        # A replay names its zone: the recording's own, which may not be this machine's.
        self.clock.setText(
            shown.strftime("%H:%M:%S %Z (replay)") if self.replay else shown.strftime("%H:%M:%S")
        )
