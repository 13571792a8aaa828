"""Writing recordings: a header line, then one event per line (JSON Lines).

A recording is a window of the event log that a console can replay without the platform
(`contract.RecordingHeader` says what the header holds). The platform writes them
(`platform-api export`, `GET /v1/recordings`, the San Francisco import) and the console
reads and verifies them (`console.recording`); both sides share the pure pieces here,
`platform_api.contract.chain` and `platform_api.contract.fold`, never the server.

Each event line is the wire form with the payload last and verbatim as hashed
(`chain.wire_line`), so a reader can recompute every hash from the bytes it will apply.
`EventChain` builds such lines for events that never went through a platform (an import,
a benchmark), with hashes that verify like the log's own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from platform_api.contract import RecordingHeader, StatePublic
from platform_api.contract.chain import GENESIS_HASH, chain_hash, dumps, wire_line


def state_digest(state_json: dict[str, Any]) -> str:
    """sha256 of a state's canonical JSON (what `initial_state_sha256` holds)."""
    return hashlib.sha256(dumps(state_json).encode("utf-8")).hexdigest()


def iso(ts: datetime) -> str:
    """A UTC time as the log writes it (`...Z`)."""
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def make_header(
    *,
    source: str,
    initial_state: StatePublic,
    from_ts: datetime,
    to_ts: datetime,
    first_seq: int,
    last_seq: int,
    prev_hash: str,
    last_hash: str,
    area: str = "london",
    pack: str = "london",
) -> RecordingHeader:
    state_json = initial_state.model_dump(mode="json")
    return RecordingHeader(
        source=source,
        area=area,
        pack=pack,
        from_ts=from_ts,
        to_ts=to_ts,
        first_seq=first_seq,
        last_seq=last_seq,
        event_count=max(0, last_seq - first_seq + 1),
        prev_hash=prev_hash,
        last_hash=last_hash,
        created_at=datetime.now(UTC),
        initial_state_sha256=state_digest(state_json),
        initial_state=initial_state,
    )


def header_line(header: RecordingHeader) -> str:
    """The header as one JSON line, the (long) initial state last for a readable `head -c`."""
    data = header.model_dump(mode="json")
    state = data.pop("initial_state")
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return text[:-1] + ',"initial_state":' + dumps(state) + "}"


def write_recording(out: TextIO, header: RecordingHeader, lines: Iterable[str]) -> int:
    """Write the header and the event lines; returns how many events were written."""
    out.write(header_line(header) + "\n")
    count = 0
    for line in lines:
        out.write(line)
        out.write("\n")
        count += 1
    return count


class EventChain:
    """Appends synthetic events with gap-free seqs and hashes, as the platform's log would."""

    def __init__(self, first_seq: int = 1, prev_hash: str = GENESIS_HASH) -> None:
        self.seq = first_seq - 1
        self.hash = prev_hash
        self.first_seq = first_seq
        self.prev_hash = prev_hash

    def append(
        self,
        ts: str,
        actor: str,
        type_: str,
        entity_type: str | None,
        entity_id: str | None,
        payload: dict[str, Any],
    ) -> str:
        """The event's wire line (payload serialised canonically, as the log stores it)."""
        seq = self.seq + 1
        text = dumps(payload)
        digest = chain_hash(self.hash, seq, ts, actor, type_, entity_type, entity_id, text)
        line = wire_line(seq, ts, actor, type_, entity_type, entity_id, self.hash, digest, text)
        self.seq = seq
        self.hash = digest
        return line
