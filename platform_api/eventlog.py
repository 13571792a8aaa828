"""The append-only event log: one writer at a time, gap-free seq, a sha256 hash chain.

Every command runs through `EventLog.execute_batch` (`execute` for one): one transaction
that takes the log head, lets each command change projections and emit exactly one event,
appends that event with the next seq and `hash = sha256(prev_hash + canonical)`, stores the
idempotent response, commits, and only then publishes the events to live subscribers.
Publishing happens while the write lock is still held, so subscribers receive events
strictly in seq order. Commands that arrive while one commits wait and go together in the
next transaction (`platform_api.group_commit`), each in its own savepoint.

The first statement of every command locks the log head row (`SELECT ... FOR UPDATE`;
SQLite's BEGIN IMMEDIATE already holds its single write lock). Holding it from the start,
not only at the append, serialises the whole command across processes: its checks ("is the
call still queued?"), the day's reference counter, the idempotency lookup and the
projection updates all see every command committed before, so N platform instances on one
PostgreSQL database behave as one.

The canonical form hashed is the header JSON (sorted keys, no spaces), a newline, then the
payload text exactly as stored (`platform_api.contract.chain`, which recordings share).
Changing any stored byte of a row breaks the chain.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from platform_api.contract import ChainReport
from platform_api.contract.chain import GENESIS_HASH, canonical_header, dumps, wire_line
from platform_api.contract.chain import chain_hash as _chain_hash
from platform_api.db.engine import WRITE
from platform_api.db.models import EventRow, IdempotencyRow, LogHead
from platform_api.errors import Conflict
from platform_api.packs import ForcePack, load_pack


def utc_now() -> datetime:
    """Now in UTC, to the millisecond (what the log and projections record)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def canonical(row: EventRow) -> str:
    header = canonical_header(row.seq, row.ts, row.actor, row.type, row.entity_type, row.entity_id)
    return header + "\n" + row.payload


def chain_hash(prev_hash: str, row: EventRow) -> str:
    return _chain_hash(
        prev_hash, row.seq, row.ts, row.actor, row.type, row.entity_type, row.entity_id, row.payload
    )


def wire_json(row: EventRow) -> str:
    """The event as sent to clients (contract.EventPublic), splicing the stored payload."""
    return wire_line(
        row.seq,
        row.ts,
        row.actor,
        row.type,
        row.entity_type,
        row.entity_id,
        row.prev_hash,
        row.hash,
        row.payload,
    )


@dataclass(frozen=True, slots=True)
class WrittenEvent:
    """A committed event as subscribers get it."""

    seq: int
    type: str
    ts: str
    wire: str


@dataclass
class Emitted:
    type: str
    entity_type: str | None
    entity_id: str | None
    payload: dict[str, Any]


@dataclass
class CommandContext:
    """What a command handler gets: the write session, who acts, when, and where (the
    platform's force pack: its districts name where an incident or unit is)."""

    session: Session
    actor: str
    now: datetime
    emitted: list[Emitted] = field(default_factory=list)
    pack: ForcePack = field(default_factory=load_pack)
    # The log's last seq before this command: earlier commands of its batch included (the
    # head row is only written at the batch's end, so read it here, not from the table).
    head_seq: int = 0

    def emit(
        self,
        type_: str,
        entity_type: str | None,
        entity_id: str | None,
        *,
        changes: dict[str, Sequence[BaseModel]] | None = None,
        appended: Mapping[str, Mapping[str, BaseModel]] | None = None,
        **details: Any,
    ) -> None:
        """Record the command's event.

        `changes` holds the entities' new forms (an incident's without its growing lists,
        `contract.IncidentFields`); `appended` what the event adds to those lists, by kind
        then id (`contract.Appended`), so an event's size does not grow with the entity.
        """
        if self.emitted:
            raise RuntimeError("a command emits exactly one event")
        payload: dict[str, Any] = dict(details)
        if changes is not None:
            payload["changes"] = {
                kind: [m.model_dump(mode="json") for m in models]
                for kind, models in changes.items()
                if models
            }
        if appended:
            added = {
                kind: {
                    entity_id: dumped
                    for entity_id, model in by_id.items()
                    if (dumped := model.model_dump(mode="json", exclude_defaults=True))
                }
                for kind, by_id in appended.items()
            }
            added = {kind: by_id for kind, by_id in added.items() if by_id}
            if added:
                payload["appended"] = added
        self.emitted.append(Emitted(type_, entity_type, entity_id, payload))


@dataclass(frozen=True)
class Idempotency:
    username: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: str
    replayed: bool = False


Publisher = Callable[[list[WrittenEvent]], None]

# PostgreSQL: the channel on which each command announces its seq at commit (platform_api.relay)
NOTIFY_CHANNEL = "cr_log"
_NOTIFY = text(f"SELECT pg_notify('{NOTIFY_CHANNEL}', :seq)")


@dataclass(frozen=True, slots=True)
class Command:
    """One command for `EventLog.execute_batch`: who acts, what it does, its key."""

    actor: str
    handler: Callable[[CommandContext], object]
    idempotency: Idempotency | None = None
    status_code: int = 200


# What a command in a batch came to: its response, or the exception that refused it.
Outcome = StoredResponse | BaseException


class EventLog:
    """Serialises commands, appends their events and hands them to the publisher.

    `execute_batch` runs several commands in one transaction (one log-head lock, one
    commit, one flush of the WAL to disk), each in its own savepoint so a refused command
    undoes only itself: that is group commit (`platform_api.group_commit` gathers the
    batches). The log's own rows (the event, the head, the idempotency record) are written
    with Core statements, not through the ORM's unit of work; projections stay ORM rows
    that the handlers change.
    """

    def __init__(
        self,
        engine: Engine,
        publish: Publisher,
        *,
        notify: bool = False,
        pack: ForcePack | None = None,
    ) -> None:
        self._engine = engine
        # the app's pack, handed to each command (never a module global: a sandbox and the
        # embedded platform may serve different packs in one process)
        self.pack = pack if pack is not None else load_pack()
        self._write_engine = engine.execution_options(**WRITE)
        self._publish = publish
        self._notify = notify  # tell other instances (PostgreSQL NOTIFY, delivered at commit)
        self._lock = threading.Lock()

    def execute(
        self,
        actor: str,
        handler: Callable[[CommandContext], object],
        *,
        idempotency: Idempotency | None = None,
        status_code: int = 200,
    ) -> StoredResponse:
        """Run `handler` in one write transaction; return the command's response body."""
        outcome = self.execute_batch([Command(actor, handler, idempotency, status_code)])[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def execute_batch(self, commands: Sequence[Command]) -> list[Outcome]:
        """Run commands in order in one transaction; one outcome per command.

        A command that raises is rolled back to its savepoint and gets its exception; the
        others commit. If the transaction itself fails (the commit, the connection), every
        command gets that exception: none took effect, and a retry with the same
        Idempotency-Key is evaluated afresh.

        Savepoints cost two statements a command (two round trips on PostgreSQL, under the
        log head's lock), and almost every command succeeds: a batch first runs without
        them, and only if one of its commands raises is the whole batch rolled back and run
        again with a savepoint each. Nothing is answered or published before the commit,
        so the first attempt leaves no trace. A batch of one never needs a savepoint.
        """
        outcomes: list[Outcome] = []
        written: list[WrittenEvent] = []
        with self._lock:
            try:
                self._transaction(commands, outcomes, written, savepoints=False)
            except Exception:
                if len(commands) == 1:
                    raise
                outcomes.clear()
                written.clear()
                try:
                    self._transaction(commands, outcomes, written, savepoints=True)
                except Exception as again:
                    return [again] * len(commands)
            if written:  # committed; published under the lock, so in seq order
                self._publish(written)
        return outcomes

    def _transaction(
        self,
        commands: Sequence[Command],
        outcomes: list[Outcome],
        written: list[WrittenEvent],
        *,
        savepoints: bool,
    ) -> None:
        """One transaction for the batch. The log's own rows (events, head, idempotency
        records) are written once for the batch at its end, a statement each, and the
        batch's stored responses are read in one query at its start: a command's own
        round trips are then only its handler's."""
        with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            head = _lock_head(session)
            batch = _Batch(_stored_responses(session, commands))
            for command in commands:
                if not savepoints:
                    outcomes.append(self._one(session, head, command, batch))
                else:
                    try:
                        with session.begin_nested():
                            outcomes.append(self._one(session, head, command, batch))
                    except Exception as exc:
                        outcomes.append(exc)
                        batch.undo()
                        continue
                batch.keep()
                if batch.events:
                    head = (batch.events[-1].seq, batch.events[-1].hash)
            if batch.events:
                db = session.connection()
                db.execute(_INSERT_EVENT, [e.values() for e in batch.events])
                db.execute(_UPDATE_HEAD, {"seq": head[0], "hash": head[1]})
                if batch.records:
                    db.execute(_INSERT_IDEMPOTENCY, batch.records)
                if self._notify:  # the relay reads up to this seq
                    db.execute(_NOTIFY, {"seq": str(head[0])})
        written.extend(e.written() for e in batch.events)

    def _one(
        self, session: Session, head: tuple[int, str], command: Command, batch: _Batch
    ) -> StoredResponse:
        """One command after the head: its response (stored or new); its event, if any,
        and its idempotency record go into `batch`."""
        idempotency = command.idempotency
        if idempotency is not None:
            stored = batch.stored_response(idempotency)
            if stored is not None:
                return stored
        ctx = CommandContext(
            session=session, actor=command.actor, now=utc_now(), pack=self.pack, head_seq=head[0]
        )
        command.handler(ctx)
        if len(ctx.emitted) != 1:
            raise RuntimeError("a command emits exactly one event")
        row = _event_row(head[0], head[1], ctx, ctx.emitted[0])
        body = _response_body(row, ctx.emitted[0].payload)
        session.flush()  # the handler's projection changes (the log's rows come at the end)
        # Handlers also write rows with Core (`services.snapshots`), which the identity map
        # does not see: the next command in the batch loads what it uses afresh.
        session.expunge_all()
        response = StoredResponse(status_code=command.status_code, body=body)
        batch.add(row, command, response, ctx.now)
        return response


@dataclass
class _Batch:
    """What a batch's commands have added so far: events and idempotency records to write
    at the end, and the stored responses its keys may replay (read at the start, plus
    those of its own earlier commands: the same key may come twice in one batch)."""

    stored: dict[tuple[str, str], tuple[str, StoredResponse]]
    events: list[_NewEvent] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    _pending: tuple[_NewEvent, dict[str, Any] | None] | None = None

    def stored_response(self, idem: Idempotency) -> StoredResponse | None:
        found = self.stored.get((idem.username, idem.key))
        if found is None:
            return None
        fingerprint, response = found
        if fingerprint != idem.fingerprint:
            raise Conflict(
                "this Idempotency-Key was already used for a different request",
                field="Idempotency-Key",
            )
        return response

    def add(
        self, row: _NewEvent, command: Command, response: StoredResponse, now: datetime
    ) -> None:
        """The command's event and record, kept once its savepoint (if any) is released."""
        idem = command.idempotency
        record = None
        if idem is not None:
            record = {
                "username": idem.username,
                "key": idem.key,
                "fingerprint": idem.fingerprint,
                "status_code": response.status_code,
                "body": response.body,
                "created_at": now,
            }
        self._pending = (row, record)

    def keep(self) -> None:
        if self._pending is None:  # a replay: nothing new
            return
        row, record = self._pending
        self._pending = None
        self.events.append(row)
        if record is not None:
            self.records.append(record)
            replay = StoredResponse(record["status_code"], record["body"], replayed=True)
            self.stored[(record["username"], record["key"])] = (record["fingerprint"], replay)

    def undo(self) -> None:
        self._pending = None


_EVENTS = EventRow.metadata.tables[EventRow.__tablename__]
_HEAD = LogHead.metadata.tables[LogHead.__tablename__]
_IDEMPOTENCY = IdempotencyRow.metadata.tables[IdempotencyRow.__tablename__]
_INSERT_EVENT = insert(_EVENTS)
_UPDATE_HEAD = update(_HEAD).where(_HEAD.c.id == 1)
_INSERT_IDEMPOTENCY = insert(_IDEMPOTENCY)
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_STORED = select(
    _IDEMPOTENCY.c.key, _IDEMPOTENCY.c.fingerprint, _IDEMPOTENCY.c.status_code, _IDEMPOTENCY.c.body
).where(
    _IDEMPOTENCY.c.username == bindparam("u"),
    _IDEMPOTENCY.c.key.in_(bindparam("keys", expanding=True)),
)


@dataclass(frozen=True, slots=True)
class _NewEvent:
    """The event a command appends, as a plain record: an `EventRow` instance would cost
    the ORM's instrumentation for a row that `_append` writes with Core anyway."""

    seq: int
    ts: str
    actor: str
    type: str
    entity_type: str | None
    entity_id: str | None
    payload: str
    prev_hash: str
    hash: str

    def values(self) -> dict[str, Any]:
        """The row's columns, for the events table's INSERT."""
        return {
            "seq": self.seq,
            "ts": self.ts,
            "actor": self.actor,
            "type": self.type,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    def written(self) -> WrittenEvent:
        wire = wire_line(
            self.seq,
            self.ts,
            self.actor,
            self.type,
            self.entity_type,
            self.entity_id,
            self.prev_hash,
            self.hash,
            self.payload,
        )
        return WrittenEvent(self.seq, self.type, self.ts, wire)


def _event_row(head_seq: int, head_hash: str, ctx: CommandContext, event: Emitted) -> _NewEvent:
    """The next event (written with the batch's others at its end)."""
    seq = head_seq + 1
    ts = ctx.now.isoformat().replace("+00:00", "Z")
    payload = dumps(event.payload)
    digest = _chain_hash(
        head_hash, seq, ts, ctx.actor, event.type, event.entity_type, event.entity_id, payload
    )
    kind, entity_id = event.entity_type, event.entity_id
    return _NewEvent(seq, ts, ctx.actor, event.type, kind, entity_id, payload, head_hash, digest)


def _response_body(row: _NewEvent, payload: dict[str, Any]) -> str:
    """`contract.CommandResult`: the event's seq, type, `changes` and `appended`."""
    body = f'{{"seq":{row.seq},"type":{json.dumps(row.type)},"changes":'
    body += dumps(payload.get("changes", {}))
    if "appended" in payload:
        body += ',"appended":' + dumps(payload["appended"])
    return body + "}"


def _lock_head(session: Session) -> tuple[int, str]:
    """Lock the log head row for this transaction; its seq and hash."""
    head = session.execute(_LOCK_HEAD).first()
    if head is None:  # a database made before `upgrade` created the row (db.engine)
        session.add(LogHead(id=1, seq=0, hash=GENESIS_HASH))
        session.flush()
        return 0, GENESIS_HASH
    return int(head.seq), str(head.hash)


def _stored_responses(
    session: Session, commands: Sequence[Command]
) -> dict[tuple[str, str], tuple[str, StoredResponse]]:
    """The stored responses of the batch's keys: (user, key) to fingerprint and response.

    One query per user in the batch, `username = ? AND key IN (...)`, which both databases
    answer from the primary key (SQLite scans the whole table for a row-value IN list)."""
    keys: dict[str, set[str]] = {}
    for c in commands:
        if c.idempotency is not None:
            keys.setdefault(c.idempotency.username, set()).add(c.idempotency.key)
    found: dict[tuple[str, str], tuple[str, StoredResponse]] = {}
    if not keys:
        return found
    db = session.connection()
    for username, user_keys in keys.items():
        for row in db.execute(_STORED, {"u": username, "keys": sorted(user_keys)}):
            replay = StoredResponse(status_code=row.status_code, body=row.body, replayed=True)
            found[(username, row.key)] = (row.fingerprint, replay)
    return found


def head_seq(session: Session) -> int:
    head = session.get(LogHead, 1)
    return 0 if head is None else head.seq


def read_events(session: Session, after: int, limit: int) -> list[EventRow]:
    stmt = select(EventRow).where(EventRow.seq > after).order_by(EventRow.seq).limit(limit)
    return list(session.scalars(stmt))


def iter_all(session: Session, batch: int = 5000) -> Iterator[EventRow]:
    after = 0
    while True:
        rows = read_events(session, after, batch)
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


def verify_chain(rows: Iterable[EventRow], head: int | None = None) -> ChainReport:
    """Recompute every hash in order; report the first row that does not match."""
    prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for row in rows:
        if row.seq != expected_seq:
            return ChainReport(
                ok=False,
                checked=checked,
                head_seq=head or 0,
                first_bad_seq=expected_seq,
                reason=f"seq {expected_seq} is missing",
            )
        if row.prev_hash != prev:
            return ChainReport(
                ok=False,
                checked=checked,
                head_seq=head or 0,
                first_bad_seq=row.seq,
                reason="prev_hash does not link to the previous event",
            )
        if chain_hash(prev, row) != row.hash:
            return ChainReport(
                ok=False,
                checked=checked,
                head_seq=head or 0,
                first_bad_seq=row.seq,
                reason="content does not match its hash",
            )
        prev = row.hash
        expected_seq += 1
        checked += 1
    if head is not None and checked != head:
        return ChainReport(
            ok=False,
            checked=checked,
            head_seq=head,
            first_bad_seq=checked + 1,
            reason="log is shorter than its head",
        )
    return ChainReport(ok=True, checked=checked, head_seq=head if head is not None else checked)
