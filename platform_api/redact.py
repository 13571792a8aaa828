"""Recordings for training rooms with callers pseudonymised (`platform-api export --redact`).

A recording carries callers' numbers and names (in its initial state and in every event
that carries a call). A redacted recording replaces each distinct number by a number from
Ofcom's drama range (+44 7700 900000-900999, never a subscriber's) and each distinct name by
"Caller N", the same pseudonym wherever the same person appears, so a trainee still sees a
repeat caller as one. The mapping lives only in memory during the export.

Changing payloads changes hashes, so the redacted events are chained again from the
header's `prev_hash`: the file verifies on its own (the console's reader checks it), says
`redacted: true`, and no longer matches the platform's log, which stays the record.
Left as they are: handset locations (they place the incident), and free text (narratives,
log entries), which may name people and must be reviewed by whoever shares the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from platform_api.contract import RecordingHeader, StatePublic
from platform_api.contract.chain import chain_hash, dumps, wire_line
from platform_api.recording import make_header


class Pseudonyms:
    """Stable pseudonyms for numbers and names, in order of first appearance."""

    def __init__(self) -> None:
        self._numbers: dict[str, str] = {}
        self._names: dict[str, str] = {}

    def number(self, real: str) -> str:
        if real not in self._numbers:
            self._numbers[real] = f"+44 7700 900{len(self._numbers) % 1000:03d}"
        return self._numbers[real]

    def name(self, real: str) -> str:
        if real not in self._names:
            self._names[real] = f"Caller {len(self._names) + 1}"
        return self._names[real]

    def redact(self, value: Any) -> Any:
        """A copy of `value` (JSON) with every caller's number and name replaced."""
        if isinstance(value, list):
            return [self.redact(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {k: self.redact(v) for k, v in value.items()}
        if isinstance(out.get("caller_number"), str):
            out["caller_number"] = self.number(out["caller_number"])
        if isinstance(out.get("caller_name"), str):
            out["caller_name"] = self.name(out["caller_name"])
        return out


def _redacted_lines(
    lines: Iterable[str], prev_hash: str, names: Pseudonyms
) -> Iterator[tuple[str, str]]:
    """(line, hash) of each event, redacted and chained again from `prev_hash`."""
    prev = prev_hash
    for line in lines:
        event = json.loads(line)
        payload = dumps(names.redact(event["payload"]))
        args = (
            event["seq"],
            event["ts"],
            event["actor"],
            event["type"],
            event["entity_type"],
            event["entity_id"],
        )
        own = chain_hash(prev, *args, payload)
        yield wire_line(*args, prev, own, payload), own
        prev = own


def redacted_header(header: RecordingHeader, lines: Iterable[str]) -> RecordingHeader:
    """The header of the redacted recording (a first pass over the events, for last_hash)."""
    names = Pseudonyms()
    state = StatePublic.model_validate(names.redact(header.initial_state.model_dump(mode="json")))
    last = header.prev_hash
    for _, own in _redacted_lines(lines, header.prev_hash, names):
        last = own
    redacted = make_header(
        source=f"{header.source} (callers pseudonymised)",
        initial_state=state,
        from_ts=header.from_ts,
        to_ts=header.to_ts,
        first_seq=header.first_seq,
        last_seq=header.last_seq,
        prev_hash=header.prev_hash,
        last_hash=last,
        area=header.area,
        pack=header.pack,
    )
    return redacted.model_copy(update={"redacted": True})


def redacted_events(header: RecordingHeader, lines: Iterable[str]) -> Iterator[str]:
    """The events again (second pass), redacted with the same pseudonyms as the header."""
    names = Pseudonyms()
    names.redact(header.initial_state.model_dump(mode="json"))  # same order as the header
    for line, _ in _redacted_lines(lines, header.prev_hash, names):
        yield line
