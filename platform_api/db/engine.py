"""Engine creation and schema migration.

SQLite is the default (WAL, so readers never wait for the writer). pysqlite does not begin
a transaction before a SELECT, which would let `/v1/state` read projections and the log
head from two different moments; we disable its transaction handling and emit BEGIN
ourselves, as the SQLAlchemy documentation recommends
(dialects/sqlite "Serializable isolation / Savepoints / Transactional DDL").

PostgreSQL (psycopg 3) runs commands in READ COMMITTED: each command first locks the log
head row (`eventlog`), so the statements after that lock see every earlier command.
Reads that must be one moment (`/v1/state`, a recording's header) use `snapshot_session`,
REPEATABLE READ. Pooled connections are pinged before use, so the first request after a
database restart or a failover gets a fresh connection instead of an error.

Migrations and the start-up seeding run under one advisory lock (`prepare`), so several
instances started at once on an empty database do not race to create the same tables.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from platform_api.contract.chain import GENESIS_HASH

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# An execution option asking for a write transaction (BEGIN IMMEDIATE on SQLite).
WRITE = {"cr_write": True}

# pg_advisory_xact_lock key held while migrating and seeding (any constant will do: it only
# has to be the same in every instance); "CRPF" in ASCII.
MIGRATION_LOCK = 0x43525046
_ALEMBIC_LOCK = threading.Lock()


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def make_engine(url: str) -> Engine:
    """Create an engine for `url`; SQLite gets WAL, foreign keys and explicit BEGIN."""
    kwargs: dict[str, Any] = {}
    is_sqlite = url.startswith("sqlite")
    if is_sqlite:
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
    else:
        kwargs["pool_pre_ping"] = True
        # a room's instances hold SSE readers and commands at once; the default 5+10 is small
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 20
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("cr_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def schema_head() -> str | None:
    """The newest migration this code knows (what a migrated database is at)."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def schema_revision(conn: Connection) -> str | None:
    """The migration a database is at; None for one never migrated."""
    return MigrationContext.configure(conn).get_current_revision()


def _serialise(conn: Connection) -> None:
    """Wait for any other instance migrating or seeding (PostgreSQL; SQLite's BEGIN
    IMMEDIATE already holds its one write lock) until this transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database).

    Safe to run from several processes at once: the first migrates, the others wait and
    then find nothing to do.
    """
    cfg = _alembic_config()
    # alembic keeps its running context in module globals: one migration per process at once
    with _ALEMBIC_LOCK, engine.execution_options(**WRITE).begin() as conn:
        _serialise(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        _ensure_log_head(conn)


def _ensure_log_head(conn: Connection) -> None:
    """The log head row must exist before the first command: commands lock it first."""
    if conn.execute(text("SELECT 1 FROM log_head WHERE id = 1")).first() is None:
        conn.execute(
            text("INSERT INTO log_head (id, seq, hash) VALUES (1, 0, :hash)"),
            {"hash": GENESIS_HASH},
        )


def is_current(engine: Engine) -> bool:
    """True when the database is migrated to the newest revision this code knows."""
    heads = set(ScriptDirectory.from_config(_alembic_config()).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads


def seeding_session(engine: Engine) -> Session:
    """A write session whose transaction first takes the migration lock (see `prepare`)."""
    session = write_session(engine)

    @event.listens_for(session, "after_begin")
    def _lock(_session: Session, _tx: object, conn: Connection) -> None:
        _serialise(conn)

    return session


def snapshot_session(engine: Engine) -> Session:
    """A session whose transactions each read one moment of the database.

    SQLite's explicit BEGIN already does (WAL); PostgreSQL needs REPEATABLE READ, as its
    READ COMMITTED takes a new snapshot per statement and `/v1/state` would then list rows
    newer than its `as_of_seq`.
    """
    if is_postgres(engine):
        return Session(engine.execution_options(isolation_level="REPEATABLE READ"))
    return Session(engine)


def write_session(engine: Engine) -> Session:
    """A session whose transactions take the write lock up front (BEGIN IMMEDIATE).

    In WAL mode a deferred transaction that reads and then writes fails at once with
    "database is locked" if another writer committed in between; taking the lock first
    makes it wait its turn (busy_timeout) instead.
    """
    return Session(engine.execution_options(**WRITE))
