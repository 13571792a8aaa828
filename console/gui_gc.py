"""Collect cyclic garbage on the GUI thread only.

Python's collector runs in whichever thread happens to allocate past its threshold; in the
console that is often the embedded platform's server thread. A QObject (a timer, a web page)
destroyed there makes Qt warn "Timers cannot be stopped from another thread" at best and
crash the process at worst. So automatic collection is switched off and a timer on the GUI
thread collects instead, by the same generation thresholds the collector itself uses.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 250


class GuiThreadCollector(QObject):
    """While it lives, garbage cycles are collected on the thread that made it, and only there."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold; returns the count."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        due = [gen for gen in range(3) if thresholds[gen] and counts[gen] > thresholds[gen]]
        return gc.collect(due[-1]) if due else 0

    def stop(self) -> None:
        """Collect once more here and give collection back to the interpreter."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
