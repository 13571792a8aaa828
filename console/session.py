"""Everything one signed-in console runs on, built once by the composition root.

Widgets receive the session and take what they show from it; only `console.bootstrap`
builds one (tests included: they call the bootstrap too).
"""

from __future__ import annotations

from dataclasses import dataclass

from console.client import PlatformClient
from console.command_service import CommandService
from console.drafts import Drafts
from console.message import MessageBridge
from console.outbox import Outbox
from console.store import Store
from console.sync import Sync
from console.tasks import cancel_all
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

    def start(self) -> None:
        self.watchdog.start()
        if self.mode == REPLAY:
            return  # the Player feeds the Store; nothing talks to a platform
        self.sync.link_changed.connect(self.outbox.on_link_changed)
        self.sync.start()
        self.outbox.start()

    async def stop(self) -> None:
        self.messages.close()
        self.watchdog.stop()
        await self.outbox.stop()
        await self.sync.stop()
        await cancel_all()  # answers, look-ups and fetches in flight need the client
        await self.client.aclose()
