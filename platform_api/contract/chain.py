"""The event log's hash chain as pure functions, shared by the log and by recordings.

`hash = sha256(prev_hash + canonical)`, where canonical is the header JSON (the keys actor,
entity_id, entity_type, seq, ts, type; sorted, compact, not ASCII-escaped), a newline, then
the payload text exactly as stored. The platform's `eventlog` appends with these functions
and a recording's reader (which must not import the server) verifies with the same ones,
so the two can never disagree about a byte.

`canonical_header` builds the header by hand rather than with `json.dumps`: a recording of
half a million events is verified at load, and this is several times faster. A test checks
that both spellings agree.
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring
from typing import Any

GENESIS_HASH = "0" * 64
PAYLOAD_KEY = ',"payload":'


def dumps(value: Any) -> str:
    """Compact, key-sorted JSON: the one serialisation the hash chain relies on."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _text(value: str | None) -> str:
    return "null" if value is None else str(encode_basestring(value))


def canonical_header(
    seq: int, ts: str, actor: str, type_: str, entity_type: str | None, entity_id: str | None
) -> str:
    """`dumps` of the header fields, spelled out for speed (same bytes)."""
    return (
        f'{{"actor":{_text(actor)},"entity_id":{_text(entity_id)},'
        f'"entity_type":{_text(entity_type)},"seq":{int(seq)},"ts":{_text(ts)},'
        f'"type":{_text(type_)}}}'
    )


def chain_hash(
    prev_hash: str,
    seq: int,
    ts: str,
    actor: str,
    type_: str,
    entity_type: str | None,
    entity_id: str | None,
    payload_text: str,
) -> str:
    """The hash of one event given the previous event's hash."""
    canonical = canonical_header(seq, ts, actor, type_, entity_type, entity_id)
    return hashlib.sha256((prev_hash + canonical + "\n" + payload_text).encode("utf-8")).hexdigest()


def wire_line(
    seq: int,
    ts: str,
    actor: str,
    type_: str,
    entity_type: str | None,
    entity_id: str | None,
    prev_hash: str,
    hash_: str,
    payload_text: str,
) -> str:
    """The event as `contract.EventPublic` JSON, with the stored payload text spliced in last.

    Keeping the payload last and verbatim lets a reader hash the exact text it will apply.
    """
    head = json.dumps(
        {
            "seq": seq,
            "ts": ts,
            "actor": actor,
            "type": type_,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "prev_hash": prev_hash,
            "hash": hash_,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return head[:-1] + PAYLOAD_KEY + payload_text + "}"
