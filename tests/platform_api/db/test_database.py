"""What the database underneath must not change: bad text, a consistent state, reconnection.

These run on SQLite and, with TEST_DB=postgres, on PostgreSQL, where each once failed.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from platform_api.embedded import EmbeddedPlatform
from tests.databases import admin_url, on_postgres
from tests.platform_api.helpers import make_call


def test_a_nul_character_in_text_is_never_a_server_error(gateway: Any, calltaker: Any) -> None:
    response = gateway.post("/v1/calls", {"line": "999", "caller_number": "0770\x00900"})
    assert response.status_code < 500, response.text
    search = calltaker.client.get("/v1/geo/search", params={"q": "Brixton\x00"})
    assert search.status_code < 500, search.text
    # the contract refuses control characters before any database sees them (issue 12)
    assert response.status_code == 422


def test_the_state_is_one_moment_of_the_log(gateway: Any, calltaker: Any) -> None:
    """Every call listed was received at or before `as_of_seq`, and every one received by
    then is listed, however many commands land while the state is read."""

    def receive(_: int) -> None:
        make_call(gateway)

    def read(_: int) -> dict[str, Any]:
        return calltaker.get("/v1/state")

    with ThreadPoolExecutor(6) as pool:
        writes = [pool.submit(receive, i) for i in range(60)]
        states = list(pool.map(read, range(40)))
        for write in writes:
            write.result()
    log = calltaker.get("/v1/events", after=0, limit=1000)["events"]
    received_at = {e["entity_id"]: e["seq"] for e in log if e["type"] == "call.received"}
    for state in states:
        listed = {c["id"] for c in state["calls"]}
        expected = {cid for cid, seq in received_at.items() if seq <= state["as_of_seq"]}
        assert listed == expected, state["as_of_seq"]


@pytest.mark.skipif(not on_postgres(), reason="kills PostgreSQL server connections")
def test_the_first_request_after_the_database_drops_its_connections_works(
    platform: EmbeddedPlatform, gateway: Any, calltaker: Any
) -> None:
    make_call(gateway)
    database = make_url(platform.settings.db_url).database
    libpq = make_url(admin_url()).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        killed = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
            (database,),
        ).fetchone()
    assert killed is not None and killed[0] > 0  # the platform's pooled connections
    assert len(calltaker.get("/v1/state")["calls"]) == 1
    make_call(gateway)
    assert len(calltaker.get("/v1/state")["calls"]) == 2


@pytest.mark.skipif(not on_postgres(), reason="a password in a PostgreSQL URL")
def test_migrate_runs_on_its_own_and_never_prints_the_password(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from platform_api.cli import main as cli_main

    with_password = make_url(db_url).set(password="s3cret-pw").render_as_string(False)
    assert cli_main(["migrate", "--db", with_password]) == 0
    out = capsys.readouterr()
    assert "newest schema" in out.out
    assert "s3cret-pw" not in out.out + out.err
