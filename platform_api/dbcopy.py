"""`platform-api copy --from URL --to URL`: the whole platform database, verified.

For moving a platform between databases (SQLite to PostgreSQL when a site outgrows one
workstation, one PostgreSQL to another) and for a logical backup that can be proved good:
every table of the schema is copied (the event log and its head, the projections, users,
tokens, idempotency records, counters), as SQLAlchemy Core rows, so any two databases
SQLAlchemy speaks to will do.

The order of work is what makes it safe:

1. The source is read in one transaction (REPEATABLE READ on PostgreSQL, the WAL snapshot
   on SQLite), so a running platform can be copied: what is copied is one consistent
   moment. It must be at the migration this code knows.
2. The source's hash chain is verified inside that snapshot before anything is written:
   a tampered or damaged log is refused, and the target is left untouched.
3. The target must hold no platform data (an existing log is never merged into or
   overwritten); it is then migrated and filled in one transaction.
4. After the commit the target is read back: its chain verified from the first event, its
   head compared with the source's, and every table's row count compared.

Integer keys that a database numbers itself (`incident_log.id`) are copied as they are;
on PostgreSQL their sequences are then moved past the largest copied value, or the next
insert would collide.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, delete, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from platform_api.contract import ChainReport
from platform_api.db.engine import WRITE, make_engine, schema_head, schema_revision, upgrade
from platform_api.db.models import Base, LogHead
from platform_api.envconfig import mask_url
from platform_api.eventlog import head_seq, iter_all, verify_chain

BATCH = 2000


class CopyRefused(Exception):
    """Nothing was copied: the source, the target or the arguments do not allow it."""


class CopyUnverified(Exception):
    """A hash chain did not verify (the source's: nothing copied; the target's: see message)."""


@dataclass
class CopyReport:
    source: str  # masked URLs
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    head_seq: int = 0
    head_hash: str = ""
    chain: ChainReport | None = None

    def summary(self) -> str:
        tables = ", ".join(f"{name} {count}" for name, count in self.rows.items())
        return (
            f"copied {self.source} -> {self.target}: {tables}; "
            f"chain verified on the target: {self.head_seq} events, head {self.head_hash[:16]}"
        )


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction that sees a single moment of the source."""
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as conn, conn.begin():
        yield conn


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)  # parents before children


def _target_rows(engine: Engine) -> dict[str, int]:
    """Rows in each platform table the target already has (tables it lacks are skipped)."""
    present = set(inspect(engine).get_table_names())
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for table in _tables():
            if table.name in present:
                counts[table.name] = int(conn.scalar(select(func.count()).select_from(table)) or 0)
    return counts


def _copy_table(src: Connection, dst: Connection, table: Table) -> int:
    stmt = select(table).order_by(*table.primary_key.columns)
    result = src.execution_options(yield_per=BATCH).execute(stmt)
    copied = 0
    for part in result.partitions(BATCH):
        dst.execute(table.insert(), [dict(row._mapping) for row in part])
        copied += len(part)
    return copied


def _advance_sequences(dst: Connection) -> None:
    """PostgreSQL numbers serial keys from a sequence that explicit inserts do not move."""
    if dst.dialect.name != "postgresql":
        return
    for table in _tables():
        column = table.autoincrement_column
        if column is None:
            continue
        quoted_table = dst.dialect.identifier_preparer.quote(table.name)
        quoted_column = dst.dialect.identifier_preparer.quote(column.name)
        dst.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:t, :c), "
                f"COALESCE(MAX({quoted_column}), 1), MAX({quoted_column}) IS NOT NULL) "
                f"FROM {quoted_table}"
            ),
            {"t": table.name, "c": column.name},
        )


def copy_database(source_url: str, target_url: str) -> CopyReport:
    """Copy, then verify; raises CopyRefused or CopyUnverified (see the module docstring)."""
    report = CopyReport(source=mask_url(source_url), target=mask_url(target_url))
    if source_url == target_url:
        raise CopyRefused("the source and the target are the same database")
    source_file = _sqlite_file(source_url)
    if source_file is not None and not source_file.is_file():
        # SQLite would create an empty database there: a mistyped path must not leave one
        raise CopyRefused(f"there is no database at {source_file}")
    source = make_engine(source_url)
    target = make_engine(target_url)
    try:
        try:
            _copy(source, target, report)
        except SQLAlchemyError as exc:
            raise CopyRefused(f"database error ({type(exc).__name__}); nothing committed") from exc
        _verify_target(target, report)
    finally:
        source.dispose()
        target.dispose()
    return report


def _copy(source: Engine, target: Engine, report: CopyReport) -> None:
    expected = schema_head()
    with _snapshot(source) as src:
        revision = schema_revision(src)
        if revision != expected:
            raise CopyRefused(
                f"the source's schema is at {revision or 'nothing'}, this platform copies "
                f"databases at {expected}: migrate the source first"
            )
        session = Session(bind=src)
        chain = verify_chain(iter_all(session), head_seq(session))
        if not chain.ok:
            raise CopyUnverified(
                f"the source's hash chain is broken at seq {chain.first_bad_seq} "
                f"({chain.reason}); nothing was copied"
            )
        head = session.get(LogHead, 1)
        report.head_seq = 0 if head is None else head.seq
        report.head_hash = "" if head is None else head.hash
        session.close()

        existing = {name: n for name, n in _target_rows(target).items() if n}
        if existing:
            held = ", ".join(f"{name} {n}" for name, n in existing.items())
            raise CopyRefused(f"the target already holds platform data ({held}); give an empty one")
        upgrade(target)
        with target.execution_options(**WRITE).begin() as dst:
            # `upgrade` made the empty log's head row; the source's takes its place
            dst.execute(delete(LogHead))
            for table in _tables():
                report.rows[table.name] = _copy_table(src, dst, table)
            _advance_sequences(dst)


def _verify_target(target: Engine, report: CopyReport) -> None:
    with Session(target) as session, session.begin():
        chain = verify_chain(iter_all(session), head_seq(session))
        head = session.get(LogHead, 1)
        target_hash = "" if head is None else head.hash
    report.chain = chain
    if not chain.ok:
        raise CopyUnverified(
            f"the copy's hash chain does not verify at seq {chain.first_bad_seq} ({chain.reason})"
        )
    if chain.head_seq != report.head_seq or target_hash != report.head_hash:
        raise CopyUnverified("the copy's log head differs from the source's")
    counts = _target_rows(target)
    differ = [name for name, n in report.rows.items() if counts.get(name) != n]
    if differ:
        raise CopyUnverified(f"row counts differ from the source in: {', '.join(differ)}")
