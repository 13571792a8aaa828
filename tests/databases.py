"""Which database the platform's tests run on: SQLite files, or fresh PostgreSQL databases.

`TEST_DB=postgres`, with the cluster's URL in `CR_TEST_PG_URL` (`scripts/postgres` sets
both), gives every test its own new PostgreSQL database, copied from a template migrated once
per session, so each starts empty without paying for the migrations again. Without it, each
test gets a SQLite file in its temporary folder.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from platform_api.db.engine import make_engine, upgrade
from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings

_TEMPLATE = "cr_template"
_names = itertools.count(1)
_template_ready = False


def on_postgres() -> bool:
    return os.environ.get("TEST_DB", "sqlite") == "postgres"


def admin_url() -> str:
    url = os.environ.get("CR_TEST_PG_URL")
    if not url:
        raise RuntimeError("TEST_DB=postgres needs CR_TEST_PG_URL (scripts/postgres sets it)")
    return url


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as a libpq one, for psycopg directly."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _admin(sql: str) -> None:
    with psycopg.connect(_libpq(admin_url()), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def database_url(name: str) -> str:
    """The URL of database `name` on the test cluster."""
    return make_url(admin_url()).set(database=name).render_as_string(hide_password=False)


def _ensure_template() -> None:
    global _template_ready
    if _template_ready:
        return
    _admin(f"DROP DATABASE IF EXISTS {_TEMPLATE} WITH (FORCE)")
    _admin(f"CREATE DATABASE {_TEMPLATE}")
    engine = make_engine(database_url(_TEMPLATE))
    upgrade(engine)
    engine.dispose()
    _template_ready = True


def create_database(*, migrated: bool = True) -> str:
    """A new empty database on the test cluster (migrated unless told otherwise)."""
    name = f"t{os.getpid()}_{next(_names)}"
    if migrated:
        _ensure_template()
        _admin(f"CREATE DATABASE {name} TEMPLATE {_TEMPLATE}")
    else:
        _admin(f"CREATE DATABASE {name}")
    return database_url(name)


def drop_database(url: str) -> None:
    _admin(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")


@contextmanager
def fresh_db_url(folder: Path, *, migrated: bool = True) -> Iterator[str]:
    """A URL for one test's platform: a new PostgreSQL database, or a SQLite file."""
    if not on_postgres():
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{folder / 'platform.db'}"
        return
    url = create_database(migrated=migrated)
    try:
        yield url
    finally:
        drop_database(url)


@contextmanager
def platform_on_pack(folder: Path, pack: str) -> Iterator[EmbeddedPlatform]:
    """A platform with the demo users serving a force pack, on a fresh database."""
    with (
        fresh_db_url(folder) as url,
        EmbeddedPlatform(Settings(db_url=url, demo_users=True, pack=pack)) as running,
    ):
        yield running
