"""The replay player: feeds a recording into the same Store the live stream feeds.

Views cannot tell replay from live (the Store is the same); the player only decides which
events reach it and when. Playing releases events by their timestamps on a QTimer: each
tick advances a replay clock by the wall time elapsed times the speed (1x to 120x) and
applies the events now due, at most `max_per_tick` of them, so 120x through a busy shift
keeps the GUI responsive (the clock waits for the backlog rather than skipping events).

Seeking goes through snapshots taken while loading (every `snapshot_every` events): a
seek copies the nearest snapshot at or before the target, folds the few events in between
with `platform_api.contract.fold.StateFold` (the Store's rules on plain JSON), and bootstraps the
Store once. A small step forward is applied event by event instead, so views update
incrementally. Both paths give the same Store state as playing through (tests compare).

Signals:
    loaded(event_count, start, end): a recording is loaded; times in epoch seconds.
    position_changed(time, seq): the replay clock or the applied seq moved.
    state_changed(state): "playing", "paused" or "ended".
"""

from __future__ import annotations

import asyncio
import bisect
import json
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal

from console.recording import (
    Recording,
    RecordingError,
    epoch,
    load_recording,
    open_recording,
    verify_file,
)
from console.settings import pack_for_area, pack_zone
from console.store import Store
from console.tasks import spawn
from platform_api.contract import StatePublic
from platform_api.contract.fold import StateFold

SPEEDS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0)
PLAYING, PAUSED, ENDED = "playing", "paused", "ended"


# The zone a recording's times are shown in, by its area (the pack's zone in a force pack).
def zone_of(pack: str) -> ZoneInfo:
    """A recording's zone: its pack's (an old recording's pack comes from its area)."""
    return pack_zone(pack_for_area(pack))


class Snapshots:
    """The folded state every `every` events, kept compressed (a few kB each).

    Built incrementally (`extend`), in the executor that checks the recording, so a seek
    can use every snapshot up to what is checked. A snapshot is the state's canonical
    JSON, zlib-compressed: a 24-hour recording's 260 of them take a few MB where copies
    of the folded dicts took hundreds, and one is restored in about a millisecond.
    Appending is the only change to the lists, so the GUI thread may read them meanwhile.
    """

    def __init__(self, recording: Recording, every: int = 2000, *, build: bool = True) -> None:
        self.recording = recording
        self.every = every
        self._fold = StateFold.from_state(recording.header.initial_state)
        self._next = 0  # the index of the next event to fold
        self._packed = [self._pack(self._fold)]
        self.seqs = [self._fold.seq]
        if build:
            self.extend()

    @staticmethod
    def _pack(fold: StateFold) -> bytes:
        raw = {**fold.to_json(), "last_ts": fold.last_ts}
        return zlib.compress(json.dumps(raw, separators=(",", ":")).encode("utf-8"), 1)

    @staticmethod
    def _unpack(packed: bytes) -> StateFold:
        raw = json.loads(zlib.decompress(packed))
        fold = StateFold.from_json(raw)
        fold.last_ts = raw.get("last_ts")
        return fold

    def extend(self) -> None:
        """Fold every event checked so far, snapshotting each `every`."""
        recording = self.recording
        fold = self._fold
        first = self._next
        for index in range(first, len(recording)):
            head = recording.head(index)
            fold.apply(head["seq"], head["ts"], head["type"], recording.payload(index))
            if (index + 1) % self.every == 0:
                self._packed.append(self._pack(fold))
                self.seqs.append(fold.seq)  # after the data: readers go by `seqs`
            self._next = index + 1
        recording.release(first, self._next)

    def state_at(self, seq: int) -> StateFold:
        """A fresh fold at `seq` (first_seq - 1 .. the last event checked)."""
        recording = self.recording
        at = bisect.bisect_right(self.seqs, seq) - 1
        fold = self._unpack(self._packed[at])
        first, stop = recording.index_of_seq(fold.seq + 1), recording.index_of_seq(seq + 1)
        for index in range(first, stop):
            head = recording.head(index)
            fold.apply(head["seq"], head["ts"], head["type"], recording.payload(index))
        recording.release(first, stop)
        return fold


def check(recording: Recording, snapshots: Snapshots) -> None:
    """Verify the recording and fold its snapshots as the check goes (an executor's work)."""
    verify_file(recording, after_chunk=snapshots.extend)
    snapshots.extend()


def prepare(path: str | Path, snapshot_every: int = 2000) -> tuple[Recording, Snapshots]:
    """Load, verify and snapshot a recording at once: CPU work for an executor."""
    recording = load_recording(path)
    return recording, Snapshots(recording, snapshot_every)


class Player(QObject):
    loaded = Signal(int, float, float)
    position_changed = Signal(float, int)
    state_changed = Signal(str)
    check_progressed = Signal(float)  # share of the recording checked, 0..1 (1: all)
    check_failed = Signal(str)  # the recording was altered or truncated: what, and where

    def __init__(
        self,
        store: Store,
        parent: QObject | None = None,
        *,
        tick_ms: int = 50,
        max_per_tick: int = 500,
        step_window: int = 200,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.recording: Recording | None = None
        self.snapshots: Snapshots | None = None
        self.speed = 1.0
        self.state = PAUSED
        self.time = 0.0  # the replay clock, epoch seconds
        self._max_per_tick = max_per_tick
        self._step_window = step_window
        self._clock = clock
        self._wall = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(200)
        self._progress_timer.timeout.connect(self._on_progress_timer_timeout)
        self.failure: str | None = None  # why the open recording cannot be trusted
        self._checked: asyncio.Future[None] | None = None

    # ---------------------------------------------------------------- loading

    async def open(self, path: str | Path, snapshot_every: int = 2000) -> None:
        """Show a recording's start as soon as its header is read, then check the rest in
        the background (`check_progressed`, `checked`); the player never goes past what
        is checked, and a fault stops it (`check_failed`, with the line at fault). Raises
        `RecordingError` at once if the header itself is wrong."""
        loop = asyncio.get_running_loop()
        recording = await loop.run_in_executor(None, open_recording, path)
        snapshots = Snapshots(recording, snapshot_every, build=False)
        self.install(recording, snapshots)
        self.failure = None
        done: asyncio.Future[None] = loop.create_future()
        self._checked = done
        self._progress_timer.start()
        spawn(self._check(recording, snapshots, done))

    async def _check(
        self, recording: Recording, snapshots: Snapshots, done: asyncio.Future[None]
    ) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, check, recording, snapshots)
        except RecordingError as exc:
            if self.recording is recording:
                self.failure = str(exc)
                self.pause()
                self.check_failed.emit(self.failure)
        else:
            if self.recording is recording:
                self.check_progressed.emit(1.0)
        finally:
            self._progress_timer.stop()
            done.set_result(None)

    async def checked(self) -> None:
        """Wait until the open recording is fully checked; raises `RecordingError` if it
        was altered or truncated."""
        if self._checked is not None:
            await asyncio.shield(self._checked)
        if self.failure is not None:
            raise RecordingError(self.failure)

    def _on_progress_timer_timeout(self) -> None:
        if self.recording is not None and not self.recording.verified:
            self.check_progressed.emit(self.recording.progress)

    def install(self, recording: Recording, snapshots: Snapshots | None = None) -> None:
        """Use a loaded recording and show its start."""
        self.pause()
        self.recording = recording
        self.snapshots = snapshots or Snapshots(recording)
        # a copy: the Store moves units by mutating them, and the header must stay as read
        self.store.bootstrap(recording.header.initial_state.model_copy(deep=True))
        self.store.last_event_ts = None
        # Waits, ages and countdowns on screen count in the recording's time, not today's,
        # and every time is shown in the recording's zone (London, San Francisco).
        self.store.clock = lambda: self.moment
        self.store.zone = zone_of(recording.header.pack)
        self.time = recording.start_time
        self.loaded.emit(recording.header.event_count, recording.start_time, recording.end_time)
        self.position_changed.emit(self.time, self.store.seq)

    def _require(self) -> Recording:
        if self.recording is None:
            raise RuntimeError("no recording is loaded")
        return self.recording

    # ---------------------------------------------------------------- transport

    def play(self) -> None:
        recording = self._require()
        if self.failure is not None:
            return  # an altered recording is not played on
        if self.store.seq >= recording.last_seq and self.time >= recording.end_time:
            return
        self._wall = self._clock()
        self._timer.start()
        self._set_state(PLAYING)

    def pause(self) -> None:
        self._timer.stop()
        if self.state == PLAYING:
            self._set_state(PAUSED)

    def toggle(self) -> None:
        if self.state == PLAYING:
            self.pause()
        else:
            self.play()

    def set_speed(self, speed: float) -> None:
        if not 1.0 <= speed <= 120.0:
            raise ValueError("the speed is 1x to 120x")
        self._advance_clock()
        self.speed = speed

    def step(self) -> bool:
        """Apply the next event and move the clock to it; False at the end."""
        recording = self._require()
        self.pause()
        index = recording.index_of_seq(self.store.seq + 1)
        if index >= len(recording):
            return False
        self._apply(index)
        self.time = max(self.time, recording.times[index])
        self.position_changed.emit(self.time, self.store.seq)
        return True

    def seek_seq(self, seq: int) -> None:
        """Show the state just after event `seq` (first_seq - 1: the initial state)."""
        recording = self._require()
        seq = min(max(seq, recording.first_seq - 1), recording.last_seq)
        self._goto(seq)
        if seq >= recording.first_seq:
            self.time = recording.times[recording.index_of_seq(seq)]
        else:
            self.time = recording.start_time
        self.position_changed.emit(self.time, self.store.seq)

    def seek_time(self, when: float | datetime) -> None:
        """Show the state at a moment: every event at or before it applied."""
        recording = self._require()
        t = epoch(when) if isinstance(when, datetime) else when
        t = min(max(t, recording.start_time), recording.end_time)
        if not recording.verified and len(recording):
            t = min(t, recording.times[-1])  # not past what is checked yet
        self._goto(recording.first_seq + recording.last_index_at(t))
        self.time = t
        self._wall = self._clock()
        self.position_changed.emit(self.time, self.store.seq)

    # ---------------------------------------------------------------- queries

    @property
    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.time, UTC)

    def state_now(self) -> StatePublic:
        """The Store's state as a `StatePublic` (what a training sandbox is seeded with)."""
        return self.store.snapshot()

    def density(self, bins: int) -> list[int]:
        """Incidents created per time bin over the recording (for the seek bar)."""
        recording = self._require()
        counts = [0] * max(1, bins)
        start, span = recording.start_time, recording.end_time - recording.start_time
        for t in recording.incident_times:
            at = 0 if span <= 0 else int((t - start) / span * len(counts))
            counts[min(max(at, 0), len(counts) - 1)] += 1
        return counts

    # ---------------------------------------------------------------- internals

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _apply(self, index: int) -> None:
        assert self.recording is not None
        self.store.apply(self.recording.event(index))

    def _goto(self, seq: int) -> None:
        store, recording = self.store, self._require()
        if self.state == ENDED:
            self._set_state(PAUSED)
        if store.seq < seq <= store.seq + self._step_window:
            for index in range(
                recording.index_of_seq(store.seq + 1), recording.index_of_seq(seq + 1)
            ):
                self._apply(index)
            return
        if seq == store.seq:
            return
        assert self.snapshots is not None
        fold = self.snapshots.state_at(seq)
        store.bootstrap(fold.to_state())
        store.last_event_ts = None if fold.last_ts is None else datetime.fromisoformat(fold.last_ts)

    def _advance_clock(self) -> None:
        now = self._clock()
        if self.state == PLAYING:
            self.time += (now - self._wall) * self.speed
        self._wall = now

    def _on_timer_timeout(self) -> None:
        recording = self._require()
        self._advance_clock()
        index = recording.index_of_seq(self.store.seq + 1)
        budget = self._max_per_tick
        while index < len(recording) and recording.times[index] <= self.time and budget:
            self._apply(index)
            index += 1
            budget -= 1
        if not budget and index < len(recording):
            self.time = recording.times[index - 1]  # behind: hold the clock, do not skip
        elif index >= len(recording) and not recording.verified and len(recording):
            self.time = min(self.time, recording.times[-1])  # wait for the check to go on
        if index >= len(recording) and recording.verified and self.time >= recording.end_time:
            self.time = recording.end_time
            self._timer.stop()
            self._set_state(ENDED)
        self.position_changed.emit(self.time, self.store.seq)
