"""List-then-watch: bootstrap the Store from `/v1/state`, then stream events from its seq.

On a dropped stream it reconnects with exponential backoff and jitter (0.5 s doubling to a
10 s cap; each wait is drawn from its upper half, so a room of consoles does not come back
in step) and resumes from the Store's seq, so nothing is lost and nothing applied twice; on
a gap it bootstraps again. `retry_now()` ends the current wait (the banner's "Retry now").
`next_try` is when the next attempt is due (None while connected), for the banner.
When the platform ends the stream because the session ended (signed out, token expired), it
calls `sign_in_again` if the composition root set one, and on success resumes from the
Store's seq as after any drop; without one (or if it fails) the console goes offline.

Signals:
    link_changed(state, since): "connecting", "connected", "reconnecting", "offline" or
        "faulty" (something unexpected broke in the console: the state shown may be stale),
        and when that state began.
    failed(message): a problem the operator should see (e.g. signed out).
    signed_in(): a console started from its last known state (`sign_in_later`) has signed in;
        commands may go from now on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, Signal

from console.client import PlatformClient
from console.errors import Rejected, Unauthorised, Unreachable
from console.store import Store
from console.tasks import spawn

log = logging.getLogger(__name__)

BACKOFF_START_S = 0.5
BACKOFF_MAX_S = 10.0
OFFLINE_AFTER_S = 15.0  # reconnecting this long is called offline


class Sync(QObject):
    link_changed = Signal(str, datetime)
    failed = Signal(str)
    signed_in = Signal()

    def __init__(self, client: PlatformClient, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._store = store
        self._task: asyncio.Task[None] | None = None
        self._need_bootstrap = True
        self.state = "connecting"
        self.since = datetime.now(UTC)
        self.attempts = 0  # failed attempts since the link was last up
        self.next_try: datetime | None = None
        self._wake = asyncio.Event()
        self._backoff = BACKOFF_START_S
        self._trouble_since: float | None = None
        self._credentials: tuple[str, str] | None = None
        # Set by the composition root: signs the client in again (new token); True on success.
        self.sign_in_again: Callable[[], Awaitable[bool]] | None = None
        store.gap_detected.connect(self._on_store_gap_detected)

    def start(self) -> None:
        self._task = spawn(self._run_or_fault())

    def sign_in_later(self, username: str, password: str) -> None:
        """The platform was down at start: sign in first, with the same backoff, then sync."""
        self._credentials = (username, password)

    @property
    def signed(self) -> bool:
        return self._credentials is None

    def retry_now(self) -> None:
        """Try the platform again at once instead of waiting out the backoff."""
        self._wake.set()

    def mark_faulty(self, _text: str = "") -> None:
        """Something unexpected broke (here or elsewhere in this console): stop saying
        "Connected" over state that may no longer follow the platform."""
        self._set_state("faulty")

    async def _run_or_fault(self) -> None:
        try:
            await self._run()
        except Exception:
            self.mark_faulty()
            raise  # to spawn's handler: shown to the operator, and a test fails

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            # A task that failed has been reported (spawn's handler); stopping is not a retry.
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def _set_state(self, state: str) -> None:
        if self.state == "faulty":
            return  # until the console restarts: whatever broke may have left state stale
        if state != self.state:
            self.state = state
            self.since = datetime.now(UTC)
            self.link_changed.emit(state, self.since)

    def _on_store_gap_detected(self, expected: int, got: int) -> None:
        log.warning("event stream gap: expected seq %d, got %d; bootstrapping again", expected, got)
        self._need_bootstrap = True

    async def _signed_in_again(self) -> bool:
        assert self.sign_in_again is not None
        self._set_state("reconnecting")
        try:
            return await self.sign_in_again()
        except (Unreachable, Rejected) as exc:
            log.warning("signing in again failed: %s", exc)
            return False

    def _on_stream_open(self) -> None:
        """Connected only once the event stream is open: not before (a dead platform showed
        "Connected" between its attempts, and the backoff started again each time)."""
        self.attempts, self.next_try = 0, None
        self._backoff = BACKOFF_START_S
        self._trouble_since = None
        self._set_state("connected")

    async def _run(self) -> None:
        self._backoff = BACKOFF_START_S
        self._trouble_since = None
        loop = asyncio.get_running_loop()
        while True:
            try:
                if self._credentials is not None:
                    await self._client.login(*self._credentials)
                    self._credentials = None
                    self.signed_in.emit()
                if self._need_bootstrap:
                    state = await self._client.state()
                    self._store.bootstrap(state)
                    self._need_bootstrap = False
                # aclosing: leaving the loop early must close the HTTP stream here and now,
                # not when the garbage collector finds it outside the event loop.
                stream = self._client.events(self._store.seq, on_open=self._on_stream_open)
                async with contextlib.aclosing(stream) as events:
                    async for event in events:
                        if not self._store.apply(event) or self._need_bootstrap:
                            break  # a gap: bootstrap again
                if self._need_bootstrap:
                    continue
            except Unauthorised:
                if self.sign_in_again is not None and await self._signed_in_again():
                    continue  # resume from the Store's seq with the new token
                self._set_state("offline")
                self.failed.emit("The platform signed this console out: sign in again.")
                return
            except (Unreachable, Rejected) as exc:
                log.info("link down: %s", exc)
            now = loop.time()
            self._trouble_since = self._trouble_since or now
            wait = random.uniform(self._backoff / 2, self._backoff)
            self.attempts += 1
            self.next_try = datetime.now(UTC) + timedelta(seconds=wait)
            down_for = now - self._trouble_since
            self._set_state("offline" if down_for > OFFLINE_AFTER_S else "reconnecting")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)
            self._backoff = min(self._backoff * 2, BACKOFF_MAX_S)
