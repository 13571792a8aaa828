"""`--screenshot`: save the whole window once the state has loaded and a few events arrived.

Used for the README's pictures and to check a build by eye; the map composites a moment
after its first batch of live positions, hence the settle before the grab.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer

from console.store import Store
from widgets.main_window import MainWindow


def save_when_ready(
    window: MainWindow, store: Store, path: Path, done: Callable[[], object]
) -> None:
    start_seq: list[int] = []

    def save() -> None:
        window.grab().save(str(path))
        done()

    def check() -> None:
        if store.seq and not start_seq:
            start_seq.append(store.seq)
        ready = (
            bool(start_seq) and store.incidents and store.units and store.seq >= start_seq[0] + 5
        )
        if ready:
            window.prepare_screenshot()
            QTimer.singleShot(1500, save)
        else:
            QTimer.singleShot(250, check)

    QTimer.singleShot(250, check)
