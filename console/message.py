"""The message bridge: code that has something to tell the operator calls this, never a widget.

After qutebrowser's `utils/message.py`. Links, services and background tasks say what
happened (`info`, `warning`, `error`) or ask for attention with a box (`alert`); the window
decides how each is shown (the status bar, a message box). Each console has its own bridge
(a replay and the training console it started are separate windows); the bootstrap builds it.

Unexpected failures: every background task starts through `console.tasks.spawn`, which hands
a failure nobody expected to the event loop's exception handler. `on_loop_exception` is that
handler (installed by `console.loop.make_event_loop`): it logs the error and tells every open
console, whose window shows it and whose link is marked faulty (the status bar must not say
"Connected" over a sync that has stopped). The tests' loop fixture calls it too, and fails the
test.

Signals:
    shown(level, text, timeout_ms): a line for the status bar ("info", "warning", "error").
    alerted(level, title, text): needs acknowledging (a refusal, a lost race): a box.
    failed(text): something unexpected broke; the console may be partly stopped.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

INFO, WARNING, ERROR = "info", "warning", "error"
_bridges: weakref.WeakSet[MessageBridge] = weakref.WeakSet()


class MessageBridge(QObject):
    shown = Signal(str, str, int)
    alerted = Signal(str, str, str)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        _bridges.add(self)

    def info(self, text: str, timeout_ms: int = 5000) -> None:
        self.shown.emit(INFO, text, timeout_ms)

    def warning(self, text: str, timeout_ms: int = 10000) -> None:
        self.shown.emit(WARNING, text, timeout_ms)

    def error(self, text: str, timeout_ms: int = 15000) -> None:
        self.shown.emit(ERROR, text, timeout_ms)

    def alert(self, title: str, text: str, level: str = WARNING) -> None:
        self.alerted.emit(level, title, text)

    def close(self) -> None:
        """This console is going: unexpected failures are no longer its to show."""
        _bridges.discard(self)


def on_loop_exception(loop: Any, context: dict[str, Any]) -> None:
    """The event loop's exception handler: log, then show on every console and mark it faulty."""
    loop.default_exception_handler(context)
    error = context.get("exception")
    text = f"{context.get('message', 'background task failed')}: {error!r}"
    for bridge in list(_bridges):
        bridge.failed.emit(text)
