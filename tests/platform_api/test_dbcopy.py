"""`platform-api copy`: a verified copy to an empty database that a platform then runs on."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from platform_api.cli import main as cli_main
from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings
from tests.platform_api.helpers import first, make_incident, make_unit


def _activity(gateway: Any, calltaker: Any, dispatcher: Any) -> dict[str, Any]:
    unit = make_unit(gateway)
    incident = make_incident(gateway, calltaker)
    for n in range(5):
        calltaker.ok(f"/v1/incidents/{incident['id']}/log", {"text": f"update {n}"})
    dispatcher.ok(f"/v1/units/{unit['id']}/assign", {"incident_id": incident["id"]}, version=1)
    return incident


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def test_a_copy_verifies_and_a_platform_carries_on_from_it(
    platform: EmbeddedPlatform,
    gateway: Any,
    calltaker: Any,
    dispatcher: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    incident = _activity(gateway, calltaker, dispatcher)
    before = dispatcher.get("/v1/state")
    target = tmp_path / "copy.db"

    # copied while the source platform is running: one consistent snapshot
    assert cli_main(["copy", "--from", platform.settings.db_url, "--to", _url(target)]) == 0
    said = capsys.readouterr().out
    assert f"chain verified on the target: {before['as_of_seq']} events" in said

    with EmbeddedPlatform(Settings(db_url=_url(target))) as copy:
        token = copy.login("supervisor")  # users and their password hashes came along
        api = httpx.Client(base_url=copy.url, headers={"Authorization": f"Bearer {token}"})
        with api:
            assert api.get("/v1/state").json() == before
            assert api.get("/v1/audit/verify").json()["ok"] is True
            # the copy takes new commands: log ids, references and the chain go on
            log = api.post(
                f"/v1/incidents/{incident['id']}/log",
                json={"text": "after the move"},
                headers={"Idempotency-Key": "after-copy-1"},
            )
            assert log.status_code == 200, log.text
            body = {
                "opening_classification": "Burglary",
                "grade": "priority",
                "location": {"lat": 51.5, "lon": -0.12},
            }
            created = api.post("/v1/incidents", json=body, headers={"Idempotency-Key": "k2"})
            assert first(created.json(), "incidents")["reference"].endswith("-0002")
            texts = [e["text"] for e in api.get(f"/v1/incidents/{incident['id']}").json()["log"]]
            assert texts[-2:] == ["update 4", "after the move"]
            assert api.get("/v1/audit/verify").json()["ok"] is True


def test_a_tampered_source_is_refused_and_nothing_is_copied(
    platform: EmbeddedPlatform,
    gateway: Any,
    calltaker: Any,
    dispatcher: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _activity(gateway, calltaker, dispatcher)
    with platform._app.state.engine.begin() as conn:  # on whichever database it runs
        conn.execute(text("UPDATE events SET payload = replace(payload, 'update 2', 'update X')"))
    target = tmp_path / "copy.db"
    assert cli_main(["copy", "--from", platform.settings.db_url, "--to", _url(target)]) == 1
    assert "hash chain is broken at seq" in caplog.text and "nothing was copied" in caplog.text
    if target.exists():
        with sqlite3.connect(target) as conn:
            tables = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        assert tables == []


def test_a_target_holding_data_is_refused(
    platform: EmbeddedPlatform,
    gateway: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_unit(gateway)
    other = tmp_path / "other.db"
    with EmbeddedPlatform(Settings(db_url=_url(other), demo_users=True)):
        pass  # a platform that ran there: users exist
    with sqlite3.connect(other) as conn:
        before = conn.execute("SELECT count(*) FROM users").fetchone()
    assert cli_main(["copy", "--from", platform.settings.db_url, "--to", _url(other)]) == 2
    assert "the target already holds platform data (" in caplog.text
    assert "users 8" in caplog.text
    with sqlite3.connect(other) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == before
        assert conn.execute("SELECT count(*) FROM units").fetchone() == (0,)


def test_a_missing_source_file_is_refused_without_creating_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "typo.db"
    assert cli_main(["copy", "--from", _url(missing), "--to", _url(tmp_path / "t.db")]) == 2
    assert f"there is no database at {missing}" in caplog.text
    assert not missing.exists()
