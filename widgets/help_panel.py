"""F1: every shortcut and every typed command on one page, generated from the live actions.

The list is read from the window's actions and shortcuts at the moment it opens, so it can
never disagree with what the keys really do.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from console.command_line import HELP


class HelpPanel(QDialog):
    def __init__(self, shortcuts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard help")
        self.resize(620, 640)
        rows = "".join(
            f"<tr><td><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>"
            for keys, what in shortcuts
        )
        commands = "".join(f"<tr><td><tt>{escape(line)}</tt></td></tr>" for line in HELP.values())
        self.text = QTextBrowser(self)
        self.text.setHtml(
            "<h3>Shortcuts</h3>"
            f"<table cellspacing=6>{rows}</table>"
            "<h3>Command line (Ctrl+K)</h3>"
            "<p>REF is LDN-20261122-0042, or #42.</p>"
            f"<table cellspacing=4>{commands}</table>"
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
