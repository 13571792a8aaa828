"""Reading a recording: verify every byte, then keep it compact and indexed for the player.

A recording (`platform_api.recording` writes them) is JSON Lines: a header
(`contract.RecordingHeader`) and one event per line. Loading checks, and names the line
and seq of the first fault:

- the header: its format, and the sha256 of its initial state;
- every event: seq continuity, its `prev_hash` link, and its hash recomputed from the exact
  bytes that will be applied (`platform_api.contract.chain`, the log's own canonical form);
- the end: event count, last seq and last hash as the header says (a truncated file fails).

A 24-hour recording holds half a million events (hundreds of MB), so:

- `open_recording` reads only the header: the player shows the initial state at once, and
  `Recording.verify` checks and indexes the events afterwards, in an executor, reporting
  its progress (`verified`, `progress`); the player never goes past what is verified, and
  a fault stops the replay with the line at fault. `load_recording` does both at once.
- The pass reads the file in large sequential chunks, not through the memory map, so the
  file's pages do not become this process's resident memory; events are then read through
  the map one at a time, as the player applies them (only those pages become resident).
- The index is arrays of line offsets (a few bytes per event instead of a dict of dicts);
  an event is parsed when it is applied.

Errors: `RecordingError(ValueError)`, whose message names the line (and seq) at fault.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import mmap
from array import array
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import ValidationError

from platform_api.contract import RECORDING_FORMAT, RecordingHeader
from platform_api.contract.chain import PAYLOAD_KEY, canonical_header, dumps

_KEY = PAYLOAD_KEY.encode()


class RecordingError(ValueError):
    """The file is not a recording, or it was altered or truncated."""


def epoch(ts: str | datetime) -> float:
    """Seconds since the epoch of an ISO time (`...Z` allowed) or an aware datetime."""
    value = datetime.fromisoformat(ts) if isinstance(ts, str) else ts
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


class Recording:
    """A verified recording; events are addressed by index (0 is `header.first_seq`)."""

    def __init__(
        self, header: RecordingHeader, data: bytes | mmap.mmap, name: str, body_start: int = 0
    ) -> None:
        self.header = header
        self.name = name
        self._data = data
        self._body_start = body_start or data.find(b"\n") + 1
        self.verified = False  # every event checked (until then, `len` grows)
        self.progress = 0.0  # the share of the file checked so far
        self._heads = array("q")  # where each event line starts
        self._payloads = array("q")  # where its payload text starts
        self._ends = array("q")  # where its payload text ends
        self.times = array("d")  # epoch seconds, never decreasing (for time seeks)
        self.incident_times = array("d")  # when each incident was created (seek-bar density)

    # ---------------------------------------------------------------- access

    def __len__(self) -> int:
        return len(self._heads)

    @property
    def first_seq(self) -> int:
        return self.header.first_seq

    @property
    def last_seq(self) -> int:
        return self.header.first_seq + len(self) - 1

    @property
    def start_time(self) -> float:
        return epoch(self.header.from_ts)

    @property
    def end_time(self) -> float:
        end = epoch(self.header.to_ts)
        return max(end, self.times[-1]) if len(self) else end

    def head(self, index: int) -> dict[str, Any]:
        start, key = self._heads[index], self._payloads[index] - len(_KEY)
        head: dict[str, Any] = json.loads(self._data[start:key] + b"}")
        return head

    def payload(self, index: int) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self._data[self._payloads[index] : self._ends[index]])
        return payload

    def event(self, index: int) -> dict[str, Any]:
        """The event as `contract.EventPublic` JSON (what the Store applies)."""
        event = self.head(index)
        event["payload"] = self.payload(index)
        return event

    def release(self, first: int, stop: int) -> None:
        """Let the pages holding events `first`..`stop - 1` leave resident memory.

        Events are read through a memory map, and every page read stays counted in this
        process's resident memory until told otherwise: after a pass over a 24-hour
        recording that is the whole file. The pages stay in the system's file cache, so
        reading them again is cheap."""
        if not isinstance(self._data, mmap.mmap) or first >= stop or stop > len(self):
            return
        page = mmap.PAGESIZE
        start = self._heads[first] // page * page
        end = self._ends[stop - 1] // page * page  # keep the page the next event may share
        if end > start:
            self._data.madvise(mmap.MADV_DONTNEED, start, end - start)

    def index_of_seq(self, seq: int) -> int:
        return seq - self.header.first_seq

    def last_index_at(self, t: float) -> int:
        """The index of the last event at or before `t` (-1: none yet)."""
        return bisect.bisect_right(self.times, t) - 1

    # ---------------------------------------------------------------- loading

    def verify(
        self,
        chunk_bytes: int = 8 << 20,
        reader: BinaryIO | None = None,
        after_chunk: Callable[[], None] | None = None,
    ) -> None:
        """Check every event and index it; raise `RecordingError` at the first fault.

        Reads sequentially from `reader` (a file positioned anywhere: it seeks to the
        first event) or from the in-memory data, `chunk_bytes` at a time, and calls
        `after_chunk` after each (the player folds snapshots as the check goes)."""
        header = self.header
        expected_seq, prev = header.first_seq, header.prev_hash
        line_no = 1
        last_time = float("-inf")
        total = max(1, len(self._data) - self._body_start)
        base = self._body_start  # file offset of `buf[0]`
        if reader is not None:
            reader.seek(base)
        buf = b""
        done = False
        while not done:
            if reader is not None:
                more = reader.read(chunk_bytes)
            else:
                more = bytes(self._data[base + len(buf) : base + len(buf) + chunk_bytes])
            done = not more
            buf += more
            pos = 0
            while True:
                end = buf.find(b"\n", pos)
                if end < 0:
                    if not done:
                        break  # an incomplete line: read on
                    end = len(buf)
                    if end == pos:
                        break
                line_no += 1
                stop = end - 1 if end > pos and buf[end - 1] == 13 else end  # tolerate CRLF
                if stop == pos:  # a blank line ends the file
                    if buf[end + 1 :].strip() or (reader is not None and reader.read(4096).strip()):
                        raise RecordingError(f"line {line_no}: blank line before the end")
                    done = True
                    break
                prev, expected_seq, last_time = self._check_line(
                    buf, pos, stop, base, line_no, prev, expected_seq, last_time
                )
                pos = end + 1
                if pos >= len(buf):
                    break
            base += pos
            buf = buf[pos:]
            self.progress = min(1.0, (base - self._body_start) / total)
            if after_chunk is not None:
                after_chunk()
        self._check_end(prev)
        self.progress = 1.0
        self.verified = True

    def _check_line(
        self,
        buf: bytes,
        pos: int,
        stop: int,
        base: int,
        line_no: int,
        prev: str,
        expected_seq: int,
        last_time: float,
    ) -> tuple[str, int, float]:
        key = buf.find(_KEY, pos, stop)
        if key < 0 or buf[stop - 1] != 125:  # "}"
            raise RecordingError(f"line {line_no}: not an event (no payload last)")
        try:
            head = json.loads(buf[pos:key] + b"}")
            seq, ts, hash_ = int(head["seq"]), str(head["ts"]), str(head["hash"])
            moment = epoch(ts)
            digest = hashlib.sha256(
                (
                    prev
                    + canonical_header(
                        seq,
                        ts,
                        head["actor"],
                        head["type"],
                        head["entity_type"],
                        head["entity_id"],
                    )
                    + "\n"
                ).encode("utf-8")
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise RecordingError(f"line {line_no}: not a valid event ({exc})") from exc
        if seq != expected_seq:
            raise RecordingError(
                f"line {line_no}: seq {seq} where {expected_seq} was expected "
                "(an event is missing or out of order)"
            )
        if head["prev_hash"] != prev:
            raise RecordingError(
                f"line {line_no} (seq {seq}): prev_hash does not link to the previous event"
            )
        digest.update(memoryview(buf)[key + len(_KEY) : stop - 1])
        if digest.hexdigest() != hash_:
            raise RecordingError(
                f"line {line_no} (seq {seq}): content does not match its hash "
                "(the event was altered)"
            )
        last_time = max(last_time, moment)
        if head["type"] == "incident.created":
            self.incident_times.append(moment)
        # times first: a reader that sees an event's offset also finds its time
        self.times.append(last_time)
        self._payloads.append(base + key + len(_KEY))
        self._ends.append(base + stop - 1)
        self._heads.append(base + pos)
        return hash_, seq + 1, last_time

    def _check_end(self, last_hash: str) -> None:
        header, count = self.header, len(self)
        if count != header.event_count:
            raise RecordingError(
                f"the file has {count} events but its header says {header.event_count} "
                f"(truncated after seq {header.first_seq + count - 1}?)"
            )
        if count and self.last_seq != header.last_seq:
            raise RecordingError(
                f"the last event is seq {self.last_seq} but the header says {header.last_seq}"
            )
        if last_hash != header.last_hash:
            raise RecordingError(
                f"the last event's hash (seq {self.last_seq}) does not match the header's last_hash"
            )


def parse_header(line: bytes) -> RecordingHeader:
    try:
        raw = json.loads(line)
    except ValueError as exc:
        raise RecordingError(f"line 1: the header is not JSON ({exc})") from exc
    if not isinstance(raw, dict) or raw.get("format") != RECORDING_FORMAT:
        got = raw.get("format") if isinstance(raw, dict) else None
        raise RecordingError(f"line 1: not a {RECORDING_FORMAT} file (format {got!r})")
    state = raw.get("initial_state")
    digest = hashlib.sha256(dumps(state).encode("utf-8")).hexdigest()
    if digest != raw.get("initial_state_sha256"):
        raise RecordingError("line 1: the initial state does not match its sha256 (altered)")
    try:
        header = RecordingHeader.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RecordingError(f"line 1: header field {where}: {first['msg']}") from exc
    if header.initial_state.as_of_seq != header.first_seq - 1:
        raise RecordingError(
            f"line 1: the initial state is as of seq {header.initial_state.as_of_seq}, "
            f"not {header.first_seq - 1} (the seq before the first event)"
        )
    return header


def parse_recording(data: bytes | mmap.mmap, name: str = "<memory>") -> Recording:
    """Verify and index a whole recording held in memory (or mapped from a file)."""
    first_end = data.find(b"\n")
    if not data[:4096].strip():
        raise RecordingError(f"{name} is empty")
    recording = Recording(parse_header(data[: first_end if first_end >= 0 else None]), data, name)
    recording.verify()
    return recording


def open_recording(path: str | Path) -> Recording:
    """Map a recording and read its header only: the player can show the initial state
    at once. Nothing after the header is checked yet: call `verify` (in an executor; it
    reads the file again, sequentially) before trusting any event."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            if file.stat().st_size == 0:
                raise RecordingError(f"{file} is empty")
            # Mapped, not read: pages are read from the file only when an event is used.
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError as exc:
        raise RecordingError(f"cannot read {file}: {exc.strerror or exc}") from exc
    first_end = data.find(b"\n")
    if not data[:4096].strip():
        raise RecordingError(f"{file} is empty")
    header = parse_header(data[: first_end if first_end >= 0 else len(data)])
    return Recording(header, data, str(file), first_end + 1 if first_end >= 0 else len(data))


def verify_file(
    recording: Recording,
    chunk_bytes: int = 8 << 20,
    after_chunk: Callable[[], None] | None = None,
) -> None:
    """`recording.verify()` reading its own file (CPU-bound: an executor's work)."""
    try:
        with Path(recording.name).open("rb") as reader:
            recording.verify(chunk_bytes, reader, after_chunk)
    except OSError as exc:
        raise RecordingError(f"cannot read {recording.name}: {exc.strerror or exc}") from exc


def load_recording(path: str | Path) -> Recording:
    """Read, verify and index a recording file (CPU-bound: call it off the GUI thread)."""
    recording = open_recording(path)
    verify_file(recording)
    return recording
