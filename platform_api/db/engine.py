"""Engine creation and schema migration.

SQLite is the default (WAL, so readers never wait for the writer). pysqlite does not begin
a transaction before a SELECT, which would let `/v1/state` read projections and the log
head from two different moments; we disable its transaction handling and emit BEGIN
ourselves, as the SQLAlchemy documentation recommends
(dialects/sqlite "Serializable isolation / Savepoints / Transactional DDL").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# An execution option asking for a write transaction (BEGIN IMMEDIATE on SQLite).
WRITE = {"cr_write": True}


def make_engine(url: str) -> Engine:
    """Create an engine for `url`; SQLite gets WAL, foreign keys and explicit BEGIN."""
    kwargs: dict[str, Any] = {}
    is_sqlite = url.startswith("sqlite")
    if is_sqlite:
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
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


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def write_session(engine: Engine) -> Session:
    """A session whose transactions take the write lock up front (BEGIN IMMEDIATE).

    In WAL mode a deferred transaction that reads and then writes fails at once with
    "database is locked" if another writer committed in between; taking the lock first
    makes it wait its turn (busy_timeout) instead.
    """
    return Session(engine.execution_options(**WRITE))
