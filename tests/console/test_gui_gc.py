"""Garbage cycles holding QObjects are collected on the GUI thread, never on a server thread."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

from PySide6.QtCore import QObject, QTimer

from console.gui_gc import GuiThreadCollector


class _Cycle(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.me = self
        self.timer = QTimer(self)
        self.timer.start(60_000)


def test_cycles_made_anywhere_are_collected_on_the_gui_thread(qtbot: Any) -> None:
    collected_on: set[int] = set()

    def note(phase: str, _info: dict[str, int]) -> None:
        if phase == "stop":
            collected_on.add(threading.get_ident())

    gc.enable()  # as in a fresh process; the test session itself keeps it off
    collector = GuiThreadCollector(interval_ms=10)
    gc.callbacks.append(note)
    try:
        dead = weakref.ref(_Cycle())
        assert dead() is not None  # only the collector can free a cycle
        # A server thread allocating far past the threshold must not collect.
        kept: list[list[list[int]]] = []
        worker = threading.Thread(target=lambda: kept.extend([[]] for _ in range(50_000)))
        worker.start()
        worker.join()
        assert gc.get_count()[0] > gc.get_threshold()[0]
        assert collected_on <= {threading.get_ident()}
        qtbot.waitUntil(lambda: dead() is None, timeout=5_000)
        assert collected_on == {threading.get_ident()}
        assert not gc.isenabled()
    finally:
        gc.callbacks.remove(note)
        collector.stop()
        assert gc.isenabled()
        gc.disable()
