"""QtWebEngine set-up: what must happen before the QApplication exists, and the page class.

Call `prepare_webengine()` once, before `QApplication(...)`: the console's composition root,
the map tests (tests/maps/conftest.py) and the map benchmark all do.

- As root (CI containers) Chromium will not start its sandbox, so it is turned off there
  and only there.
- With no display (QT_QPA_PLATFORM=offscreen) there is no GPU: Chromium draws in software
  and its own stderr chatter is silenced.
- QtWebEngine shares OpenGL contexts with Qt, which must be asked for before the app.

`MapPage` forwards the page's console messages to Python logging ("maps.js"): warnings and
errors at WARNING, so a JS error is never silent (and fails a test).
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWebEngineCore import QWebEnginePage

log = logging.getLogger("maps.js")

HEADLESS_PLATFORMS = ("offscreen", "minimal")


def _add_flags(*flags: str) -> None:
    current = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    current += [f for f in flags if f not in current]
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(current)


def prepare_webengine() -> None:
    """Environment and attributes QtWebEngine reads at start-up; call before QApplication."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium's sandbox refuses to run as root; containers and CI run as root.
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        _add_flags("--no-sandbox")
    if os.environ.get("QT_QPA_PLATFORM", "") in HEADLESS_PLATFORMS:
        # No display, no GPU: software drawing, and no stderr noise about D-Bus or GPU.
        _add_flags("--disable-gpu", "--log-level=3")
    if QCoreApplication.instance() is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


class MapPage(QWebEnginePage):
    """A web page whose JS console goes to Python logging."""

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        where = f"{source.rsplit('/', 1)[-1] or 'page'}:{line}"
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel:
            log.debug("%s: %s", where, message)
        else:
            log.warning("js %s: %s", where, message)
