"""Probes: /livez answers whatever the database does; /readyz only when it is usable."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from platform_api.embedded import EmbeddedPlatform


def _db_path(platform: EmbeddedPlatform) -> Path:
    return Path(platform.settings.db_url.removeprefix("sqlite:///"))


def test_readyz_is_503_while_the_database_is_unusable_and_livez_stays_200(
    platform: EmbeddedPlatform, tmp_path: Path
) -> None:
    if not platform.settings.db_url.startswith("sqlite"):
        pytest.skip("breaks a SQLite file; a PostgreSQL outage is the failover tests' part")
    ready = httpx.get(f"{platform.url}/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok" and ready.json()["schema_revision"]

    # The database file is replaced by one that is not a database (what a lost volume or
    # a wrong mount looks like to SQLite); pooled connections are dropped so that the
    # next one opens it.
    db = _db_path(platform)
    engine = platform._app.state.engine
    engine.dispose()
    kept = tmp_path / "kept"
    kept.mkdir()
    for part in db.parent.glob(db.name + "*"):
        shutil.move(part, kept / part.name)
    db.write_bytes(b"this is not a database\n" * 200)

    down = httpx.get(f"{platform.url}/readyz")
    assert down.status_code == 503
    assert down.json()["status"] == "unavailable"
    assert "database unreachable" in down.json()["reason"]
    assert httpx.get(f"{platform.url}/healthz").status_code == 503  # the old name agrees
    live = httpx.get(f"{platform.url}/livez")
    assert live.status_code == 200 and live.json()["status"] == "ok"

    engine.dispose()
    db.unlink()
    for part in kept.iterdir():
        shutil.move(part, db.parent / part.name)
    again = httpx.get(f"{platform.url}/readyz")
    assert again.status_code == 200, again.text
    assert again.json()["head_seq"] == 0


def test_readyz_is_503_when_the_schema_is_not_the_one_this_code_needs(
    platform: EmbeddedPlatform,
) -> None:
    engine = platform._app.state.engine  # on whichever database it runs
    with engine.begin() as conn:
        revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
        conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    response = httpx.get(f"{platform.url}/readyz")
    assert response.status_code == 503
    reason = response.json()["reason"]
    assert "older" in reason and revision in reason and "migrations" in reason
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    assert httpx.get(f"{platform.url}/readyz").status_code == 200
