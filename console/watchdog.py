"""Measures how late the event loop runs a 50 ms timer: the GUI thread's responsiveness.

Signals:
    lateness_measured(ms): the latest lateness.

`worst_ms` keeps the worst since `reset()` (benchmarks); `take_recent_worst()` gives the
worst since the previous take (the status bar's once-a-second figure) without touching it.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal


class LoopWatchdog(QObject):
    lateness_measured = Signal(float)

    def __init__(self, interval_ms: int = 50, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._interval = interval_ms
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        # A coarse timer may fire up to 5 % early, which would hide that much lateness.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._last = 0.0
        self.worst_ms = 0.0
        self.latest_ms = 0.0
        self._recent_ms = 0.0

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def reset(self) -> None:
        self.worst_ms = 0.0

    def take_recent_worst(self) -> float:
        recent, self._recent_ms = self._recent_ms, 0.0
        return recent

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        late = max(0.0, (now - self._last) * 1000 - self._interval)
        self._last = now
        self.latest_ms = late
        self.worst_ms = max(self.worst_ms, late)
        self._recent_ms = max(self._recent_ms, late)
        self.lateness_measured.emit(late)
