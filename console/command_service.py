"""The command service: every operator command, one send policy.

Policy (the README's table "Offline" says the same):

- **Answering a call** goes straight to the platform and is never queued. The call-taker
  must know at once whether the call is theirs (two call-takers pressing Enter on one call:
  one wins, the other is told who has it), and an answer sent later, when the link is back,
  would claim a call whose caller may have hung up long ago. While the platform cannot be
  reached an answer is refused at once, with a message that says so: the call stays queued.
- **Everything else** (raising an incident, linking a call, grading, log lines, assigning,
  unit status, standing down, reallocating) is written to the outbox first and sent from
  there: at once when the link is up, in order and once when it is back (even after a
  restart). A command the platform refuses is shown and stays listed until dismissed.
- In a **replay** every command is refused at once (the widgets are disabled too; this is the
  backstop), so nothing can leave a console that has no platform.

Signals:
    answered(call_id): this operator now has the call (its event has been applied).
    answer_refused(call_id, message): someone else has it, the link is down, or a replay.
    queued(label): the platform is unreachable; the command waits in the outbox.
    sent(label): the platform accepted a command and its event has been applied.
    refused(label, message): the platform (or a replay) refused a command; nothing changed.
    reason_needed(command, question): a command that must say why (a unit sent across the
        force border) was not sent; the window asks, then sends `commands.with_reason`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QObject, Signal

from console import commands
from console.client import Command, PlatformClient
from console.errors import Conflict, PlatformError, Unreachable
from console.outbox import Outbox
from console.store import Store
from console.tables import call_priority
from console.tasks import spawn
from platform_api.contract import (
    CallPublic,
    CallState,
    Grade,
    HistoryPublic,
    IncidentCreate,
    IncidentPublic,
)

READ_ONLY_MESSAGE = "This is a replay: commands are disabled. Take over to train."
NOT_SIGNED_IN_MESSAGE = (
    "Not signed in: the platform was down when this console started. It shows the last "
    "known state, read-only, and signs in when the platform answers."
)


class CommandService(QObject):
    answered = Signal(str)
    answer_refused = Signal(str, str)
    queued = Signal(str)
    sent = Signal(str)
    refused = Signal(str, str)
    reason_needed = Signal(object, str)

    def __init__(
        self,
        store: Store,
        client: PlatformClient,
        outbox: Outbox,
        username: str,
        parent: QObject | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.read_only = read_only
        self.read_only_message = READ_ONLY_MESSAGE
        self.username = username
        self._store = store
        self._client = client
        self._outbox = outbox
        self._labels: dict[str, str] = {}  # key -> label, for commands sent from this console
        self._told_waiting: set[str] = set()
        outbox.command_sent.connect(self._on_outbox_command_sent)
        outbox.command_failed.connect(self._on_outbox_command_failed)
        outbox.command_waiting.connect(self._on_outbox_command_waiting)

    # ---------------------------------------------------------------- answering (direct)

    def next_call(self) -> CallPublic | None:
        """The call to answer next: 999 before 101, then the longest wait."""
        queued = [c for c in self._store.calls.values() if c.state == CallState.QUEUED]
        return min(queued, key=call_priority, default=None)

    def answer(self, call_id: str | None = None) -> bool:
        """Answer a call (the next one when no id); False when there is none to answer."""
        call = self._store.calls.get(call_id) if call_id else self.next_call()
        if self.read_only:
            self.answer_refused.emit(call.id if call else "", self.read_only_message)
            return True
        if call is None or call.state != CallState.QUEUED:
            if call is not None and call.answered_by == self.username:
                self.answered.emit(call.id)
                return True
            return False
        spawn(self._answer(call))
        return True

    async def _who_answered(self, call_id: str, refusal: Conflict, wait_s: float = 2.0) -> str:
        """ "YR12 has already answered this call": the winner's answer reaches this console's
        Store a moment after the platform refused ours, so wait for it a little; the
        platform's own words if it does not come."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        while True:
            current = self._store.calls.get(call_id)
            if current is not None and current.answered_by:
                return f"{current.answered_by} has already answered this call."
            if current is None or loop.time() > deadline:
                return f"Someone else was first: {refusal.message}."
            await asyncio.sleep(0.05)

    async def _answer(self, call: CallPublic) -> None:
        try:
            result = await self._client.send(commands.answer(call))
        except Conflict as exc:
            self.answer_refused.emit(call.id, await self._who_answered(call.id, exc))
        except Unreachable as exc:
            self.answer_refused.emit(
                call.id,
                "Cannot reach the platform, so the call was not answered (an answer is never "
                f"queued: the caller may be gone by then). The call is still waiting. ({exc})",
            )
        except PlatformError as exc:
            self.answer_refused.emit(call.id, str(exc))
        else:
            # The form that opens next needs the call's new version: wait for our own event.
            await self._store.reached(result.seq)
            self.answered.emit(call.id)

    # ---------------------------------------------------------------- the rest (outbox)

    # ---------------------------------------------------------------- what the form reads

    async def history(
        self, lat: float | None, lon: float | None, caller_number: str | None, call_id: str | None
    ) -> HistoryPublic | None:
        """The place's and the caller's history (not a command, but read as the call is
        answered, through the same client); None in a replay, whose past is not the
        platform's present."""
        if self.read_only:
            return None
        return await self._client.history(lat, lon, caller_number, call_id)

    def raise_incident(self, call_id: str | None, body: IncidentCreate) -> None:
        call = self._store.calls.get(call_id) if call_id else None
        self.send(commands.raise_incident(call, body))

    def link(self, call_id: str, incident: IncidentPublic) -> None:
        call = self._store.calls.get(call_id)
        if call is None:
            raise ValueError("that call is no longer live")
        self.send(commands.link_call(call, incident))

    def grade(self, incident: IncidentPublic, grade: Grade, reason: str | None = None) -> None:
        self.send(commands.grade(incident, grade, reason or None))

    def add_log(self, incident: IncidentPublic, text: str) -> None:
        self.send(commands.add_log(incident, text))

    def send(self, command: Command) -> None:
        """Into the outbox, which sends it now or, if the platform is unreachable, later."""
        if self.read_only:
            self.refused.emit(command.label, self.read_only_message)
            return
        if command.needs_reason is not None:
            self.reason_needed.emit(command, command.needs_reason)
            return
        self._labels[command.key] = command.label
        self._outbox.submit(command)

    def _on_outbox_command_waiting(self, key: str, label: str) -> None:
        if key not in self._told_waiting:
            self._told_waiting.add(key)
            self.queued.emit(label)

    def _on_outbox_command_sent(self, key: str, result: dict[str, Any]) -> None:
        self._told_waiting.discard(key)
        label = self._labels.pop(key, None)
        if label is not None:
            # A new incident's reference is what the call-taker tells the caller: say it
            # first, so a narrow status bar cuts the caller's number, never the reference.
            created = (result.get("changes") or {}).get("incidents") or []
            if label.startswith("New incident") and created:
                label = f"{created[0]['reference']} raised: {label}"
            spawn(self._sent(label, int(result["seq"])))

    async def _sent(self, label: str, seq: int) -> None:
        await self._store.reached(seq)
        self.sent.emit(label)

    def _on_outbox_command_failed(self, key: str, label: str, message: str) -> None:
        self._told_waiting.discard(key)
        self._labels.pop(key, None)
        self.refused.emit(label, message)
