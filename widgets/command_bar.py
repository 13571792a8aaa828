"""The command line at the top of the window (Ctrl+K): typed commands with completion.

The grammar lives in `console.command_line`; this widget only reads the line, completes it
and reports the parsed command or the reason it is not one. While the operator types, the
`preview` label beside it says what Enter will do and to which incident ("Enter: grade
LDN-20261123-0003 Violence: Immediate → Priority"): a command on the selected incident
names it before it is sent.

Signals:
    command_entered(parsed): a valid command to carry out.
    command_rejected(message): what was wrong with the line (the line is kept to fix).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QWidget

from console.command_line import CommandLineError, Parsed, completions, describe, parse
from console.store import Store


class CommandBar(QLineEdit):
    command_entered = Signal(object)
    command_rejected = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.setPlaceholderText(
            "Command (Ctrl+K): a answer · n new · o #42 open · g P grade · l text log · "
            "k #42 link · f text find · ? help"
        )
        self.setToolTip("Type a short command and press Enter; Tab completes (Ctrl+K)")
        self._options = QStringListModel(self)
        completer = QCompleter(self._options, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.preview = QLabel(self)
        self.preview.setObjectName("command-preview")
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self._selected: Callable[[], str | None] = lambda: None
        self.textEdited.connect(self._on_text_edited)
        self.returnPressed.connect(self._on_return_pressed)

    def set_selected(self, selected: Callable[[], str | None]) -> None:
        """Where the selected incident's id comes from (the target of a command naming none)."""
        self._selected = selected

    def _on_text_edited(self, text: str) -> None:
        self._options.setStringList(completions(text, self._store.incidents.values()))
        self.preview.setText(self.what_enter_does(text))

    def what_enter_does(self, text: str) -> str:
        if not text.strip():
            return ""
        try:
            parsed = parse(text, self._store.incidents.values())
        except CommandLineError:
            return ""  # half typed: Enter says what is wrong
        selected = self._selected()
        target = parsed.incident or (
            None if selected is None else self._store.incidents.get(selected)
        )
        return f"Enter: {describe(parsed, target)}"

    def _on_return_pressed(self) -> None:
        line = self.text()
        try:
            parsed: Parsed = parse(line, self._store.incidents.values())
        except CommandLineError as exc:
            self.command_rejected.emit(str(exc))
            return
        self.clear()
        self.preview.clear()
        self.command_entered.emit(parsed)
