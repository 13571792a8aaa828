"""Everything one signed-in console runs on, built once by the composition root.

Widgets receive the session and take what they show from it; only `console.bootstrap`
builds one (tests included: they call the bootstrap too).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from console import last_state
from console.chain_guard import ChainGuard
from console.client import PlatformClient
from console.command_service import CommandService
from console.drafts import Drafts
from console.message import MessageBridge
from console.outbox import Outbox
from console.store import Store
from console.sync import Sync
from console.tasks import cancel_all, spawn
from console.watchdog import LoopWatchdog

LIVE = "live"
REPLAY = "replay"
TRAINING = "training"


@dataclass
class Session:
    client: PlatformClient
    store: Store
    sync: Sync
    outbox: Outbox
    watchdog: LoopWatchdog
    username: str
    role: str
    drafts: Drafts
    commands: CommandService
    messages: MessageBridge
    # "live", "replay" (the Store fed by a recording: no command may leave) or "training"
    # (a sandbox platform: commands go to it, and only to it).
    mode: str = LIVE
    # Where the last known state is kept (live only): a start while the platform is down
    # shows it (console/last_state.py).
    keep_last_state: Path | None = None
    _keeper: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    # checks every applied event's hash chain; the status bar turns a break into an alarm
    chain_guard: ChainGuard = field(init=False)

    def __post_init__(self) -> None:
        self.chain_guard = ChainGuard(self.store)

    def start(self) -> None:
        self.watchdog.start()
        if self.mode == REPLAY:
            return  # the Player feeds the Store; nothing talks to a platform
        self.sync.link_changed.connect(self.outbox.on_link_changed)
        self.sync.start()
        if self.sync.signed:
            self.outbox.start()
        else:  # started from the last known state: nothing is sent before signing in
            self.sync.signed_in.connect(self._on_sync_signed_in)
        if self.keep_last_state is not None:
            self.store.reset.connect(self.save_last_state)  # each bootstrap
            self._keeper = spawn(self._keep_last_state())

    def _on_sync_signed_in(self) -> None:
        self.commands.read_only = False
        self.outbox.start()

    def save_last_state(self) -> None:
        if self.keep_last_state is not None and self.store.seq and self.sync.signed:
            last_state.save(self.keep_last_state, self.username, self.role, self.store.snapshot())

    async def _keep_last_state(self) -> None:
        while True:
            await asyncio.sleep(last_state.EVERY_S)
            if self.sync.state == "connected":
                self.save_last_state()

    async def stop(self) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        if self.sync.state == "connected":
            self.save_last_state()
        self.messages.close()
        self.watchdog.stop()
        await self.outbox.stop()
        await self.sync.stop()
        await cancel_all()  # answers, look-ups and fetches in flight need the client
        await self.client.aclose()
