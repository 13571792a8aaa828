"""Everything one signed-in console runs on, built once by the composition root.

Widgets receive the session and take what they show from it; only `console.app` (and the
tests, standing in for it) builds one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from console.call_handling import CallHandling
from console.chain_guard import ChainGuard
from console.client import PlatformClient
from console.dispatching import Dispatching
from console.drafts import Drafts
from console.outbox import Outbox
from console.store import Store
from console.sync import Sync
from console.watchdog import LoopWatchdog

REPLAY = "replay"
TRAINING = "training"
# Never contacted: a replay session has no platform (port 9 is "discard"; nothing listens).
REPLAY_URL = "http://127.0.0.1:9"


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
    # "live", "replay" (the Store fed by a recording: no command may leave) or "training"
    # (a sandbox platform: commands go to it, and only to it).
    mode: str = "live"
    handling: CallHandling = field(init=False)
    dispatching: Dispatching = field(init=False)
    chain_guard: ChainGuard = field(init=False)

    def __post_init__(self) -> None:
        self.chain_guard = ChainGuard(self.store)
        read_only = self.mode == REPLAY
        self.handling = CallHandling(
            self.store, self.client, self.outbox, self.username, read_only=read_only
        )
        self.dispatching = Dispatching(self.store, self.client, self.outbox, read_only=read_only)

    @classmethod
    def build(
        cls, client: PlatformClient, username: str, role: str, folder: Path, mode: str = "live"
    ) -> Session:
        """A session whose outbox and drafts live in `folder` (one per user and platform)."""
        store = Store()
        return cls(
            client=client,
            store=store,
            sync=Sync(client, store),
            outbox=Outbox(folder / "outbox.db", client),
            watchdog=LoopWatchdog(),
            username=username,
            role=role,
            drafts=Drafts(folder / "drafts.json"),
            mode=mode,
        )

    @classmethod
    def build_replay(cls, folder: Path) -> Session:
        """A session for a recording: no platform at all, every command refused."""
        client = PlatformClient(REPLAY_URL)
        return cls.build(client, "replay", "trainer", folder, mode=REPLAY)

    def start(self) -> None:
        self.watchdog.start()
        if self.mode == REPLAY:
            return  # the Player feeds the Store; nothing talks to a platform
        self.sync.link_changed.connect(self.outbox.on_link_changed)
        self.sync.start()
        self.outbox.start()

    async def stop(self) -> None:
        self.watchdog.stop()
        await self.outbox.stop()
        await self.sync.stop()
        await self.client.aclose()
