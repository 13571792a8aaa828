"""Live events across instances: PostgreSQL LISTEN/NOTIFY names a seq, the log supplies it.

With several platform instances on one database, an SSE client on instance B must see what
A writes, at once, exactly once and in seq order. Every command's transaction calls
`pg_notify('cr_log', '<seq>')` (`eventlog.EventLog`); PostgreSQL delivers notifications at
commit, in commit order, which the log head lock makes seq order. Each instance runs one `LogRelay`:

- its own commands `offer` their event right after commit; when it is the next seq the
  relay publishes it at once, without a round trip;
- a listener thread holds one connection that LISTENs; a notification beyond what the relay
  has published makes it read the log from its last published seq (one query, however many
  events are new) and publish them in order. The notification carries only the seq: the
  log is the source, so a lost or merged notification can delay an event, never lose it;
- the listener also catches up every `recheck_s` and after every reconnection, so a dropped
  connection (a database restart, a failover to the replica) costs delay, not events. It
  reconnects with backoff for as long as the platform runs.

`published` only moves forward by one seq at a time, and only under the relay's lock, so
the broadcaster (and through it every SSE stream) gets a gap-free, ordered sequence.
On SQLite there is one process, and the event log publishes to the broadcaster directly.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from platform_api.eventlog import NOTIFY_CHANNEL, WrittenEvent, head_seq, read_events, wire_json

log = logging.getLogger(__name__)

BATCH = 500


class LogRelay:
    """Publishes the shared log to this instance's subscribers, in seq order, once each."""

    def __init__(
        self,
        engine: Engine,
        publish: Callable[[list[WrittenEvent]], None],
        *,
        poll_s: float = 0.25,
        recheck_s: float = 5.0,
    ) -> None:
        self._engine = engine
        self._publish = publish
        self._poll_s = poll_s
        self._recheck_s = recheck_s
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.published = 0

    def start(self) -> None:
        with Session(self._engine) as session, session.begin():
            self.published = head_seq(session)
        self._thread = threading.Thread(target=self._run, name="log-relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def offer(self, written: list[WrittenEvent]) -> None:
        """This instance's committed events: published now if they are next in line."""
        with self._lock:
            for event in written:
                if event.seq != self.published + 1:
                    return  # the listener reads it from the log after the missing ones
                self._publish([event])
                self.published = event.seq

    def catch_up(self) -> None:
        """Publish everything in the log after `published`."""
        with self._lock:
            while True:
                with Session(self._engine) as session, session.begin():
                    rows = read_events(session, self.published, BATCH)
                    events = [WrittenEvent(r.seq, r.type, r.ts, wire_json(r)) for r in rows]
                if not events:
                    return
                if events[0].seq != self.published + 1:  # the log never has gaps
                    log.error(
                        "log relay expected seq %d, read %d", self.published + 1, events[0].seq
                    )
                    return
                self._publish(events)
                self.published = events[-1].seq
                if len(events) < BATCH:
                    return

    def _run(self) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            try:
                self._listen()
                backoff = 0.1
            except Exception as exc:  # any database error: reconnect, whatever it was
                log.warning("log relay lost its database connection (%s); retrying", exc)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 2.0)

    def _listen(self) -> None:
        pooled = self._engine.raw_connection()
        conn: Any = pooled.driver_connection
        pooled.detach()  # a connection of its own for as long as it listens
        try:
            conn.rollback()
            conn.autocommit = True
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self.catch_up()  # what was committed before LISTEN took effect
            checked = time.monotonic()
            while not self._stop.is_set():  # wakes every poll_s to notice stop()
                for notify in conn.notifies(timeout=self._poll_s):
                    if int(notify.payload) > self.published:
                        self.catch_up()
                        checked = time.monotonic()
                if time.monotonic() - checked > self._recheck_s:
                    self.catch_up()  # in case a notification never came
                    checked = time.monotonic()
        finally:
            with contextlib.suppress(Exception):
                conn.close()
