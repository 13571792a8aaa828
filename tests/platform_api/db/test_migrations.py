"""Migrations build exactly the schema the models describe, and re-running is harmless."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from platform_api.db.engine import is_current, make_engine, upgrade
from platform_api.db.models import Base
from tests.databases import fresh_db_url, on_postgres


def test_migrations_match_the_models(tmp_path: Path) -> None:
    with fresh_db_url(tmp_path, migrated=False) as url:
        engine = make_engine(url)
        assert not is_current(engine)
        upgrade(engine)
        upgrade(engine)  # a second start finds nothing to do
        assert is_current(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        assert "events" in inspect(engine).get_table_names()
        engine.dispose()


@pytest.mark.skipif(on_postgres(), reason="SQLite's journal mode")
def test_the_database_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
