"""Call handling in the window: the queue, the form and the command line wired together.

Answering opens the form on the answered call; a refusal (another call-taker won the race,
or the platform cannot be reached) is said in a box, never only in the status bar where it
could be missed. Receives exactly the panels and services it coordinates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject

from console import grades
from console.client import PlatformClient
from console.command_line import Parsed
from console.command_service import CommandService
from console.message import INFO, MessageBridge
from console.store import Store
from console.sync import Sync
from console.tasks import spawn
from platform_api.contract import CallState
from widgets.call_queue import CallQueuePanel
from widgets.command_bar import CommandBar
from widgets.incident_board import IncidentBoard
from widgets.incident_detail import IncidentDetail
from widgets.incident_form import IncidentForm
from widgets.location_picker import LocationPicker


class CallLinks(QObject):
    def __init__(
        self,
        *,
        calls: CallQueuePanel,
        form: IncidentForm,
        picker: LocationPicker,
        command_bar: CommandBar,
        incidents: IncidentBoard,
        detail: IncidentDetail,
        commands: CommandService,
        store: Store,
        client: PlatformClient,
        sync: Sync | None,
        messages: MessageBridge,
        show_dock: Callable[[str], None],
        show_help: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._calls, self._form, self._bar = calls, form, command_bar
        self._incidents, self._detail = incidents, detail
        self._commands, self._store, self._client = commands, store, client
        self._messages = messages
        self._show_dock, self._show_help = show_dock, show_help
        calls.answer_requested.connect(self.answer)
        commands.answered.connect(self._on_commands_answered)
        commands.answer_refused.connect(self._on_commands_answer_refused)
        form.finished.connect(self._on_form_finished)
        form.raise_requested.connect(commands.raise_incident)
        form.link_requested.connect(commands.link)
        picker.search_failed.connect(self._on_picker_search_failed)
        command_bar.set_selected(lambda: detail.incident_id)
        command_bar.command_entered.connect(self._on_command_bar_command_entered)
        command_bar.command_rejected.connect(self._on_command_bar_command_rejected)
        if sync is not None:
            sync.link_changed.connect(self._on_sync_link_changed)

    def _on_sync_link_changed(self, state: str, _since: datetime) -> None:
        """On each (re)connection, the callers who hung up meanwhile, to ring back."""
        if state != "connected":
            return

        async def fetch() -> None:
            self._calls.load_abandoned(await self._client.calls(CallState.ABANDONED, limit=50))

        spawn(
            fetch(),
            lambda exc: self._messages.warning(f"Abandoned calls not loaded: {exc}"),
        )

    def answer(self, call_id: str) -> None:
        if not self._commands.answer(call_id or None):
            self._messages.info("No call waiting to answer")

    def new_incident(self) -> None:
        self._form.open_walk_in()
        self._show_dock("form")
        self._form.focus_classification()

    def _on_commands_answered(self, call_id: str) -> None:
        self._show_dock("form")
        self._form.open_call(call_id)
        self._messages.info("Call answered: the incident form is open")

    def _on_commands_answer_refused(self, _call_id: str, message: str) -> None:
        self._messages.warning(f"Not answered: {message}", 15000)
        self._messages.alert("Call not answered", message, INFO)

    def _on_picker_search_failed(self, message: str) -> None:
        self._messages.warning(message)

    def _on_command_bar_command_rejected(self, message: str) -> None:
        self._messages.warning(f"Command: {message}")

    def _on_form_finished(self, message: str) -> None:
        self._messages.info(message, 8000)
        self._calls.focus_queue()

    def _on_command_bar_command_entered(self, parsed: Parsed) -> None:
        say, form = self._messages, self._form
        incident = parsed.incident or self._store.incidents.get(self._detail.incident_id)
        verb = parsed.verb
        if verb == "answer":
            self.answer("")
        elif verb == "new":
            self.new_incident()
        elif verb == "mute":
            self._calls.toggle_sound()
        elif verb == "help":
            self._show_help()
        elif verb == "find":
            self._incidents.filter_by(parsed.text)
        elif verb == "open" and parsed.incident is not None:
            self._incidents.reveal(parsed.incident.id)
            self._show_dock("detail")
        elif verb == "link" and parsed.incident is not None:
            if form.call_id is None:
                say.warning("Command: link needs a call open in the form")
                return
            self._commands.link(form.call_id, parsed.incident)
            form.discard()
            form.open_walk_in(keep_current=False)
            say.info(f"Call linked to {parsed.incident.reference}", 8000)
        elif incident is None:
            say.warning("Command: select an incident first, or give #N")
        elif verb == "grade" and parsed.grade is not None:
            if grades.needs_reason(incident.grade, parsed.grade) and not parsed.text:
                say.warning(
                    f"Not graded: a downgrade of {incident.reference} from "
                    f"{grades.WORD[incident.grade]} needs a reason, e.g. "
                    f"g {grades.LETTER[parsed.grade]} suspect left the scene",
                    15000,
                )
                return
            self._commands.grade(incident, parsed.grade, parsed.text)
            say.info(f"Grading {incident.reference}")
        elif verb == "log":
            self._commands.add_log(incident, parsed.text)
            say.info(f"Logged on {incident.reference}")
