"""Export a window of the event log as a recording (the CLI and `GET /v1/recordings`).

A window is given by time (`from_ts <= ts < to_ts`) or by seq (`from_seq..to_seq`,
inclusive). Times are found by bisecting on seq, which relies on `ts` never decreasing
along the log (the writer stamps under the log's lock); the stored text is not compared
as text because its fraction is omitted when zero.

The recording's initial state (the live state at `first_seq - 1`) is built by folding the
log from its first event (`platform_api.contract.fold`, the console Store's rules), not read from
the projections: the projections only know *now*, the log knows every moment, and a
recording's initial state then comes from the same events its player applies. Cost is
linear in the log's length (about 20 µs an event); tests check the fold against the
platform's own `/v1/state`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from platform_api.contract import RecordingHeader, StatePublic
from platform_api.contract.chain import GENESIS_HASH
from platform_api.contract.fold import StateFold
from platform_api.db.models import EventRow
from platform_api.errors import Invalid
from platform_api.eventlog import head_seq, read_events, wire_json
from platform_api.recording import header_line, make_header

BATCH = 2000


@dataclass(frozen=True)
class Window:
    first_seq: int
    last_seq: int
    from_ts: datetime
    to_ts: datetime


def _ts(session: Session, seq: int) -> datetime:
    row = session.get(EventRow, seq)
    assert row is not None
    return datetime.fromisoformat(row.ts)


def _first_at_or_after(session: Session, head: int, when: datetime) -> int:
    """The first seq whose ts is at or after `when` (head + 1 if none)."""
    lo, hi = 1, head + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if _ts(session, mid) < when:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise Invalid("give a time zone, e.g. 2026-11-20T06:00:00Z", field=field)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise Invalid(f"{field} is out of range", field=field) from exc


def resolve_window(
    session: Session,
    *,
    from_ts: datetime | None = None,
    to_ts: datetime | None = None,
    from_seq: int | None = None,
    to_seq: int | None = None,
) -> Window:
    """The seq range of a window; bad bounds are an `Invalid` naming the parameter."""
    if (from_ts or to_ts) and (from_seq is not None or to_seq is not None):
        raise Invalid("give a window by time or by seq, not both", field="from_seq")
    head = head_seq(session)
    if from_ts is not None or to_ts is not None:
        start = _aware(from_ts, "from") if from_ts else None
        end = _aware(to_ts, "to") if to_ts else None
        if start and end and end <= start:
            raise Invalid("the window ends before it starts", field="to")
        first = _first_at_or_after(session, head, start) if start else 1
        last = (_first_at_or_after(session, head, end) - 1) if end else head
    else:
        first = 1 if from_seq is None else from_seq
        last = head if to_seq is None else to_seq
        if first < 1:
            raise Invalid("from_seq starts at 1", field="from_seq")
        if first > head + 1:
            raise Invalid(f"from_seq is beyond the end of the log ({head})", field="from_seq")
        if last > head:
            raise Invalid(f"to_seq is beyond the end of the log ({head})", field="to_seq")
        if last < first - 1:
            raise Invalid("to_seq is before from_seq", field="to_seq")
        start = end = None
    last = max(last, first - 1)
    now = datetime.now(UTC)
    if start is None:
        start = _ts(session, first) if first <= last else (end or now)
    if end is None:
        end = _ts(session, last) if first <= last else start
    return Window(first, last, start, max(end, start))


def state_before(session: Session, seq: int) -> StatePublic:
    """The live state just after event `seq - 1`, folded from the start of the log."""
    fold = StateFold(0, {"calls": {}, "incidents": {}, "units": {}, "assignments": {}})
    after = 0
    while after < seq - 1:
        rows = read_events(session, after, min(BATCH, seq - 1 - after))
        if not rows:
            break
        for row in rows:
            fold.apply(row.seq, row.ts, row.type, json.loads(row.payload))
        after = rows[-1].seq
    return fold.to_state()


def build_header(
    session: Session, window: Window, source: str, pack: str = "london"
) -> RecordingHeader:
    """The recording's header; `pack` is the id of the pack the platform serves."""
    before = session.get(EventRow, window.first_seq - 1) if window.first_seq > 1 else None
    prev_hash = before.hash if before is not None else GENESIS_HASH
    last = session.get(EventRow, window.last_seq) if window.last_seq >= window.first_seq else None
    return make_header(
        source=source,
        initial_state=state_before(session, window.first_seq),
        from_ts=window.from_ts,
        to_ts=window.to_ts,
        first_seq=window.first_seq,
        last_seq=window.last_seq,
        prev_hash=prev_hash,
        last_hash=last.hash if last is not None else prev_hash,
        area=pack.replace("-", "_"),
        pack=pack,
    )


def event_lines(engine: Engine, window: Window) -> Iterator[str]:
    """The window's events as wire lines, read in batches (one short transaction each)."""
    after = window.first_seq - 1
    while after < window.last_seq:
        with Session(engine) as session, session.begin():
            rows = read_events(session, after, min(BATCH, window.last_seq - after))
            lines = [wire_json(r) for r in rows]
            last = rows[-1].seq if rows else None
        if last is None:
            return
        yield from lines
        after = last


def recording_chunks(engine: Engine, header: RecordingHeader, window: Window) -> Iterator[str]:
    """The whole recording as text chunks (header line, then events a batch at a time)."""
    yield header_line(header) + "\n"
    batch: list[str] = []
    for line in event_lines(engine, window):
        batch.append(line)
        if len(batch) >= BATCH:
            yield "\n".join(batch) + "\n"
            batch = []
    if batch:
        yield "\n".join(batch) + "\n"
