"""Saving the map as a PNG once it has drawn (for `--screenshot` and the docs).

`QWidget.grab()` of a QWebEngineView captures what the page has composited so far, which
right after loading is only the background. So wait for the page's "ready", then for a
batch to be applied, then a short settle for Chromium to composite, and grab the view.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer

from maps.view import MapView

SETTLE_MS = 800


def save_png(view: MapView, path: Path) -> bool:
    """Grab what the view shows now and save it."""
    return bool(view.web.grab().save(str(path)))


def save_png_when_drawn(
    view: MapView, path: Path, done: Callable[[bool], None], settle_ms: int = SETTLE_MS
) -> None:
    """Save the view after its next applied batch (or now, if none comes within 3 s)."""
    fired: list[bool] = []

    def shoot() -> None:
        if fired:
            return
        fired.append(True)
        view.batch_applied.disconnect(on_applied)
        QTimer.singleShot(settle_ms, lambda: done(save_png(view, path)))

    def on_applied(_ms: float, _count: int) -> None:
        shoot()

    view.batch_applied.connect(on_applied)
    QTimer.singleShot(3000, shoot)
