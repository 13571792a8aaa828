"""Call handling in the window: the queue, the form and the command line wired together.

Answering opens the form on the answered call; a refusal (another call-taker won the race)
is said in a message box, never only in the status bar where it could be missed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from console.command_line import Parsed
from console.tasks import spawn
from platform_api.contract import CallState

if TYPE_CHECKING:
    from widgets.main_window import MainWindow


class CallLinks(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.answer_refusal: QMessageBox | None = None
        window.calls.answer_requested.connect(self.answer)
        window.session.handling.answered.connect(self._on_handling_answered)
        window.session.handling.answer_refused.connect(self._on_handling_answer_refused)
        window.form.finished.connect(self._on_form_finished)
        window.picker.search_failed.connect(self._on_picker_search_failed)
        window.command_bar.command_entered.connect(self._on_command_bar_command_entered)
        window.command_bar.command_rejected.connect(self._on_command_bar_command_rejected)
        if window.session.mode != "replay":
            window.session.sync.link_changed.connect(self._on_sync_link_changed)

    def _on_sync_link_changed(self, state: str, _since: datetime) -> None:
        """On each (re)connection, the callers who hung up meanwhile, to ring back."""
        if state != "connected":
            return
        w = self.w

        async def fetch() -> None:
            w.calls.load_abandoned(await w.session.client.calls(CallState.ABANDONED, limit=50))

        spawn(
            fetch(), lambda exc: w.status.showMessage(f"Abandoned calls not loaded: {exc}", 10000)
        )

    def answer(self, call_id: str) -> None:
        if not self.w.session.handling.answer(call_id or None):
            self.w.status.showMessage("No call waiting to answer", 5000)

    def new_incident(self) -> None:
        w = self.w
        w.form.open_walk_in()
        w.show_dock("form")
        w.form.classification.setFocus()

    def _on_handling_answered(self, call_id: str) -> None:
        self.w.show_dock("form")
        self.w.form.open_call(call_id)
        self.w.status.showMessage("Call answered: the incident form is open", 5000)

    def _on_handling_answer_refused(self, _call_id: str, message: str) -> None:
        self.w.status.showMessage(f"Not answered: {message}", 15000)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Call not answered",
            message,
            QMessageBox.StandardButton.Ok,
            self.w,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.answer_refusal = box

    def _on_picker_search_failed(self, message: str) -> None:
        self.w.status.showMessage(message, 10000)

    def _on_command_bar_command_rejected(self, message: str) -> None:
        self.w.status.showMessage(f"Command: {message}", 10000)

    def _on_form_finished(self, message: str) -> None:
        self.w.status.showMessage(message, 8000)
        self.w.calls.view.setFocus()

    def _on_command_bar_command_entered(self, parsed: Parsed) -> None:
        w = self.w
        handling, say = w.session.handling, w.status.showMessage
        incident = parsed.incident or w.session.store.incidents.get(w.detail.incident_id)
        verb = parsed.verb
        if verb == "answer":
            self.answer("")
        elif verb == "new":
            self.new_incident()
        elif verb == "mute":
            w.calls.toggle_sound()
        elif verb == "help":
            w.show_help()
        elif verb == "find":
            w.incidents.search.setText(parsed.text)
        elif verb == "open" and parsed.incident is not None:
            w.incidents.search.clear()
            w.incidents.grades.setCurrentIndex(0)
            w.incidents.select_id(parsed.incident.id)
            w.show_dock("detail")
        elif verb == "link" and parsed.incident is not None:
            if w.form.call_id is None:
                say("Command: link needs a call open in the form", 10000)
                return
            handling.link(w.form.call_id, parsed.incident)
            w.form.discard()
            w.form.open_walk_in(keep_current=False)
            say(f"Call linked to {parsed.incident.reference}", 8000)
        elif incident is None:
            say("Command: select an incident first, or give #N", 10000)
        elif verb == "grade" and parsed.grade is not None:
            handling.grade(incident, parsed.grade)
            say(f"Grading {incident.reference}", 5000)
        elif verb == "log":
            handling.add_log(incident, parsed.text)
            say(f"Logged on {incident.reference}", 5000)
