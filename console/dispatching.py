"""Dispatch commands: sent at once so the dispatcher knows, queued only if the link is down.

A dispatcher assigning a unit must learn straight away if another dispatcher took it a
moment earlier (409: one wins, nothing half-done), so assignments, stand-downs, status
changes and reallocations go straight to the platform. Only when the platform cannot be
reached does a command go to the outbox, to be sent in order when it is back (and any
refusal then is shown from the outbox).

Signals:
    sent(label): the platform accepted the command.
    refused(label, message): the platform refused it; nothing changed.
    queued(label): the platform is unreachable; the command waits in the outbox.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from console.call_handling import READ_ONLY_MESSAGE
from console.client import Command, PlatformClient
from console.errors import Rejected, Unreachable
from console.outbox import Outbox
from console.store import Store
from console.tasks import spawn


class Dispatching(QObject):
    sent = Signal(str)
    refused = Signal(str, str)
    queued = Signal(str)

    def __init__(
        self,
        store: Store,
        client: PlatformClient,
        outbox: Outbox,
        parent: QObject | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.read_only = read_only
        self._store = store
        self._client = client
        self._outbox = outbox

    def send(self, command: Command) -> None:
        if self.read_only:
            self.refused.emit(command.label, READ_ONLY_MESSAGE)
            return
        spawn(self._send(command), lambda error: self.refused.emit(command.label, str(error)))

    async def _send(self, command: Command) -> None:
        if self._outbox.pending_count():
            # Earlier commands are still waiting: keep the order, queue behind them.
            self._outbox.submit(command)
            self.queued.emit(command.label)
            return
        try:
            result = await self._client.send(command)
        except Unreachable:
            self._outbox.submit(command)  # same idempotency key: it takes effect once
            self.queued.emit(command.label)
        except Rejected as exc:
            self.refused.emit(command.label, exc.message)
        else:
            await self._store.reached(result.seq)
            self.sent.emit(command.label)
