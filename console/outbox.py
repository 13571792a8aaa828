"""The outbox: every operator command is written to a local SQLite file before it is sent.

Commands go out one at a time, in the order they were issued, each with its idempotency
key, so a retry after a lost answer takes effect once. When the platform is unreachable
they wait (also across a console restart) and go when the link is back. A command the
platform then refuses (stale version, unit already taken...) stays in the file as failed
and is shown to the operator until dismissed: never silently dropped.

Signals:
    pending_changed(count): commands waiting to be sent changed.
    command_sent(key, result): the platform accepted a command (result: CommandResult dict).
    command_failed(key, label, message): the platform refused a command.
    command_waiting(key, label): the platform could not be reached; the command waits at the
        head of the queue (said on each failed attempt).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from sqlalchemy import DateTime, Integer, String, Text, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from console.client import Command, PlatformClient
from console.errors import Rejected, Unreachable
from console.tasks import spawn

log = logging.getLogger(__name__)

PENDING = "pending"
FAILED = "failed"


class _Base(DeclarativeBase):
    pass


class OutboxRow(_Base):
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    if_match: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    error: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True)
class Failure:
    id: int
    label: str
    message: str
    created_at: datetime


class Outbox(QObject):
    pending_changed = Signal(int)
    command_sent = Signal(str, dict)
    command_failed = Signal(str, str, str)
    command_waiting = Signal(str, str)

    def __init__(self, path: Path, client: PlatformClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._engine = create_engine(f"sqlite:///{path}")
        with self._engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        _Base.metadata.create_all(self._engine)
        self._client = client
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.retry_s = 1.0

    # ---------------------------------------------------------------- queue

    def submit(self, command: Command) -> None:
        """Keep the command on disk first, then let the sender deliver it."""
        with Session(self._engine) as session, session.begin():
            session.add(
                OutboxRow(
                    key=command.key,
                    method=command.method,
                    path=command.path,
                    body=json.dumps(command.body),
                    if_match=command.if_match,
                    label=command.label,
                    created_at=datetime.now(UTC).replace(tzinfo=None),
                    state=PENDING,
                )
            )
        self.pending_changed.emit(self.pending_count())
        self._wake.set()

    def pending_count(self) -> int:
        with Session(self._engine) as session:
            stmt = select(func.count()).select_from(OutboxRow).where(OutboxRow.state == PENDING)
            return int(session.scalar(stmt) or 0)

    def pending(self) -> list[Command]:
        with Session(self._engine) as session:
            rows = session.scalars(
                select(OutboxRow).where(OutboxRow.state == PENDING).order_by(OutboxRow.id)
            ).all()
            return [_command(r) for r in rows]

    def failures(self) -> list[Failure]:
        with Session(self._engine) as session:
            rows = session.scalars(
                select(OutboxRow).where(OutboxRow.state == FAILED).order_by(OutboxRow.id)
            ).all()
            return [Failure(r.id, r.label, r.error or "", r.created_at) for r in rows]

    def dismiss(self, failure_id: int) -> None:
        """The operator has seen a refused command; only then does it leave the file."""
        with Session(self._engine) as session, session.begin():
            row = session.get(OutboxRow, failure_id)
            if row is not None and row.state == FAILED:
                session.delete(row)

    # ---------------------------------------------------------------- sender

    def start(self) -> None:
        self._task = spawn(self._send_forever())
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            # A task that failed has been reported (spawn's handler); stopping is not a retry.
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        self._engine.dispose()

    def on_link_changed(self, state: str, _since: datetime) -> None:
        """Slot for `Sync.link_changed`: when the link is back, send now, not at the next retry."""
        if state == "connected":
            self._wake.set()

    async def _send_forever(self) -> None:
        while True:
            self._wake.clear()
            delivered_all = await self._drain()
            if delivered_all:
                await self._wake.wait()
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.retry_s)

    async def _drain(self) -> bool:
        """Send pending commands in order; False if the platform could not be reached."""
        while True:
            with Session(self._engine) as session:
                row = session.scalars(
                    select(OutboxRow).where(OutboxRow.state == PENDING).order_by(OutboxRow.id)
                ).first()
                if row is None:
                    return True
                row_id, command = row.id, _command(row)
            try:
                result = await self._client.send(command)
            except Unreachable as exc:
                log.info("outbox: %s waits: %s", command.label, exc)
                self.command_waiting.emit(command.key, command.label)
                return False
            except Rejected as exc:
                self._finish(row_id, failed=exc.message)
                self.command_failed.emit(command.key, command.label, exc.message)
            else:
                self._finish(row_id)
                self.command_sent.emit(command.key, result.model_dump(mode="json"))
            self.pending_changed.emit(self.pending_count())

    def _finish(self, row_id: int, failed: str | None = None) -> None:
        with Session(self._engine) as session, session.begin():
            row = session.get(OutboxRow, row_id)
            if row is None:
                return
            if failed is None:
                session.delete(row)
            else:
                row.state = FAILED
                row.error = failed


def _command(row: OutboxRow) -> Command:
    return Command(
        path=row.path,
        body=json.loads(row.body),
        label=row.label,
        if_match=row.if_match,
        key=row.key,
        method=row.method,
    )
