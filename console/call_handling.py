"""Call handling for one operator: answer, raise or link, through the platform.

Answering goes straight to the platform, because the operator must know at once whether
the call is theirs (two call-takers pressing Enter on the same call: one wins, the other is
told who has it). Everything written after that (the incident, links, log lines) goes
through the outbox, so nothing typed is lost if the link drops.

Signals:
    answered(call_id): this operator now has the call.
    answer_refused(call_id, message): someone else has it, or the platform is unreachable.
    submitted(label): a command went into the outbox.
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
from platform_api.contract import CallPublic, CallState, Grade, HistoryPublic, IncidentPublic

READ_ONLY_MESSAGE = "This is a replay: commands are disabled. Take over to train."


class ReadOnlyError(RuntimeError):
    """A command was attempted in a replay; the widgets are disabled, this is the backstop."""


class CallHandling(QObject):
    answered = Signal(str)
    answer_refused = Signal(str, str)
    submitted = Signal(str)

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
        self._store = store
        self._client = client
        self._outbox = outbox
        self.username = username
        self._reads: set[asyncio.Task[HistoryPublic]] = set()

    def next_call(self) -> CallPublic | None:
        """The call to answer next: 999 before 101, then the longest wait."""
        queued = [c for c in self._store.calls.values() if c.state == CallState.QUEUED]
        return min(queued, key=call_priority, default=None)

    def my_answered_calls(self) -> list[CallPublic]:
        return [
            c
            for c in self._store.calls.values()
            if c.state == CallState.ANSWERED and c.answered_by == self.username
        ]

    def answer(self, call_id: str | None = None) -> bool:
        """Answer a call (the next one when no id); False when there is none to answer."""
        call = self._store.calls.get(call_id) if call_id else self.next_call()
        if self.read_only:
            self.answer_refused.emit(call.id if call else "", READ_ONLY_MESSAGE)
            return True
        if call is None or call.state != CallState.QUEUED:
            if call is not None and call.answered_by == self.username:
                self.answered.emit(call.id)
                return True
            return False
        spawn(self._answer(call))
        return True

    async def _answer(self, call: CallPublic) -> None:
        try:
            result = await self._client.send(commands.answer(call))
        except Conflict:
            current = self._store.calls.get(call.id)
            who = current.answered_by if current and current.answered_by else "another operator"
            self.answer_refused.emit(call.id, f"{who} has already answered this call.")
        except Unreachable as exc:
            self.answer_refused.emit(
                call.id, f"Cannot reach the platform; the call is still waiting. ({exc})"
            )
        except PlatformError as exc:
            self.answer_refused.emit(call.id, str(exc))
        else:
            # The form that opens next needs the call's new version: wait for our own event.
            await self._store.reached(result.seq)
            self.answered.emit(call.id)

    async def history(
        self, lat: float | None, lon: float | None, caller_number: str | None, call_id: str | None
    ) -> HistoryPublic | None:
        """The place's and the caller's history from the platform; None in a replay (the
        platform's present is not the recording's past)."""
        if self.read_only:
            return None
        # Kept so that `stop` can cancel a read still in flight when the console closes.
        read = asyncio.ensure_future(self._client.history(lat, lon, caller_number, call_id))
        self._reads.add(read)
        try:
            return await read
        finally:
            self._reads.discard(read)

    async def stop(self, timeout_s: float = 3.0) -> None:
        """Let reads in flight finish before the session closes its client (cancelling an
        httpx request leaves anyio callbacks behind for a loop that may be gone)."""
        reads = list(self._reads)
        if not reads:
            return
        _done, pending = await asyncio.wait(reads, timeout=timeout_s)
        for read in pending:
            read.cancel()
        await asyncio.gather(*reads, return_exceptions=True)

    def raise_incident(self, call_id: str | None, body: dict[str, Any]) -> None:
        call = self._store.calls.get(call_id) if call_id else None
        self._submit(commands.raise_incident(call, body))

    def link(self, call_id: str, incident: IncidentPublic) -> None:
        call = self._store.calls.get(call_id)
        if call is None:
            raise ValueError("that call is no longer live")
        self._submit(commands.link_call(call, incident))

    def grade(self, incident: IncidentPublic, grade: Grade) -> None:
        self._submit(commands.grade(incident, grade))

    def add_log(self, incident: IncidentPublic, text: str) -> None:
        self._submit(commands.add_log(incident, text))

    def _submit(self, command: Command) -> None:
        if self.read_only:
            raise ReadOnlyError(READ_ONLY_MESSAGE)
        self._outbox.submit(command)
        self.submitted.emit(command.label)
