"""The Qt binding must not corrupt reference counts when we emit signals.

PySide6 6.12.0 dropped a reference to True on every `emit()` and to None inside lists and
dicts; a console emitting thousands of signals a second then died with "bool_dealloc".
This test fails on such a release before an operator ever sees the crash.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    nothing = Signal()
    ids = Signal(list)
    event = Signal(dict)


def test_emitting_signals_keeps_reference_counts_of_singletons() -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.nothing.connect(lambda: received.append(1))
    emitter.ids.connect(received.append)
    emitter.event.connect(received.append)
    before = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    for _ in range(200):
        emitter.nothing.emit()
        emitter.ids.emit(["a", None])
        emitter.event.emit({"ok": True, "missing": None, "flag": False})
    received.clear()
    after = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    assert [a - b for a, b in zip(after, before, strict=True)] == [0, 0, 0]
