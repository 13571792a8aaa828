"""Tamper-evident for real: projections checked against the folded log, the chain anchored
by signed checkpoints outside the database, and a stream that never skips a seq."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from platform_api.cli import main as cli_main
from platform_api.contract.chain import GENESIS_HASH, chain_hash
from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings
from tests.conftest import Api
from tests.databases import on_postgres
from tests.platform_api.helpers import answered_call, make_call, make_incident, make_unit


def _db(platform: EmbeddedPlatform) -> Path:
    return Path(platform.settings.db_url.removeprefix("sqlite:///"))


def _busy_room(gateway: Any, calltaker: Any, dispatcher: Any) -> None:
    incident = make_incident(gateway, calltaker)
    unit = make_unit(gateway)
    make_unit(gateway, "CW12")
    dispatcher.ok(f"/v1/units/{unit['id']}/assign", {"incident_id": incident["id"]}, version=1)
    now = datetime.now(UTC).isoformat()
    fix = {"unit_id": unit["id"], "lat": 51.51, "lon": -0.12, "at": now, "heading": 90}
    gateway.ok("/v1/positions", {"positions": [fix]})
    answered_call(gateway, calltaker)


def test_the_projections_agree_with_the_folded_log(
    gateway: Any, calltaker: Any, dispatcher: Any, supervisor: Any
) -> None:
    _busy_room(gateway, calltaker, dispatcher)
    report = supervisor.get("/v1/audit/verify")
    assert report["ok"], report
    assert report["projection_differences"] == []


@pytest.mark.skipif(on_postgres(), reason="edits the SQLite file directly")
def test_an_edited_projection_row_is_named(
    platform: EmbeddedPlatform,
    gateway: Any,
    calltaker: Any,
    dispatcher: Any,
    supervisor: Any,
    capsys: Any,
) -> None:
    _busy_room(gateway, calltaker, dispatcher)
    unit = make_unit(gateway, "CW99")
    with sqlite3.connect(_db(platform)) as db:
        db.execute("UPDATE units SET callsign = 'XX01' WHERE id = ?", (unit["id"],))
    report = supervisor.get("/v1/audit/verify")
    assert not report["ok"]
    assert report["projection_differences"] == [f"units/{unit['id']}: callsign differ"]
    assert cli_main(["verify", "--db", platform.settings.db_url, "--no-anchor"]) == 1
    assert f"units/{unit['id']}: callsign differ" in capsys.readouterr().out


@pytest.fixture
def anchored(tmp_path: Path) -> Iterator[EmbeddedPlatform]:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}",
        demo_users=True,
        anchor_key_file=str(tmp_path / "keys" / "anchor.pem"),
        anchor_file=str(tmp_path / "outside" / "checkpoints.jsonl"),
        checkpoint_every=3,
        checkpoint_s=3600,
    )
    with EmbeddedPlatform(settings) as platform:
        yield platform


def _rewrite_chain_from(db_path: Path, seq: int) -> None:
    """What an attacker with the database does: edit a row, recompute every later hash."""
    with sqlite3.connect(db_path) as db:
        db.execute(
            "UPDATE events SET payload = replace(payload, '07700', '07999') WHERE seq = ?", (seq,)
        )
        rows = db.execute(
            "SELECT seq, ts, actor, type, entity_type, entity_id, payload FROM events ORDER BY seq"
        ).fetchall()
        prev = GENESIS_HASH
        for s, ts, actor, type_, entity_type, entity_id, payload in rows:
            new = chain_hash(prev, s, ts, actor, type_, entity_type, entity_id, payload)
            db.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, new, s))
            prev = new
        db.execute("UPDATE log_head SET hash = ?", (prev,))


def test_signed_checkpoints_catch_a_rewritten_chain(anchored: EmbeddedPlatform) -> None:
    gateway = Api(anchored.url, anchored.login("gateway"))
    supervisor = Api(anchored.url, anchored.login("supervisor"))
    for _ in range(7):
        make_call(gateway)
    lines = Path(str(anchored.settings.anchor_file)).read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [3, 6]
    assert Path(str(anchored.settings.anchor_key_file) + ".pub").exists()
    clean = supervisor.get("/v1/audit/verify")
    assert clean["ok"] and clean["checkpoints_checked"] == 2

    _rewrite_chain_from(_db(anchored), 2)
    report = supervisor.get("/v1/audit/verify")
    assert report["first_bad_seq"] is None  # the chain alone is consistent again...
    assert not report["ok"]  # ...but no longer what was signed outside the database
    assert any("seq 3" in p and "rewritten" in p for p in report["checkpoint_problems"])
    key, checkpoints = anchored.settings.anchor_key_file, anchored.settings.anchor_file
    args = ["verify", "--db", anchored.settings.db_url]
    assert cli_main([*args, "--anchor-key", f"{key}.pub", "--checkpoints", str(checkpoints)]) == 1
    gateway.close()
    supervisor.close()


def test_a_forged_checkpoint_is_refused(anchored: EmbeddedPlatform, tmp_path: Path) -> None:
    gateway = Api(anchored.url, anchored.login("gateway"))
    for _ in range(3):
        make_call(gateway)
    path = Path(str(anchored.settings.anchor_file))
    entry = json.loads(path.read_text().splitlines()[0])
    entry["hash"] = "f" * 64  # a checkpoint that would bless another chain
    with path.open("a") as out:
        out.write(json.dumps(entry) + "\n")
    key = str(anchored.settings.anchor_key_file)
    args = ["verify", "--db", anchored.settings.db_url, "--anchor-key", key]
    assert cli_main([*args, "--checkpoints", str(path)]) == 1
    gateway.close()


def test_checkpoints_also_come_with_time(tmp_path: Path) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}",
        demo_users=True,
        anchor_key_file=str(tmp_path / "k.pem"),
        anchor_file=str(tmp_path / "c.jsonl"),
        checkpoint_every=1000,
        checkpoint_s=0,  # every event is "minutes" after the last checkpoint
    )
    with EmbeddedPlatform(settings) as platform:
        gateway = Api(platform.url, platform.login("gateway"))
        make_call(gateway)
        make_call(gateway)
        gateway.close()
    assert len((tmp_path / "c.jsonl").read_text().splitlines()) == 2


@pytest.mark.skipif(on_postgres(), reason="edits the SQLite file directly")
def test_a_missing_seq_ends_the_stream_with_an_error(
    platform: EmbeddedPlatform, gateway: Any
) -> None:
    for _ in range(4):
        make_call(gateway)
    with sqlite3.connect(_db(platform)) as db:
        db.execute("DELETE FROM events WHERE seq = 3")
    token = platform.login("dispatcher")
    received: list[tuple[str, str]] = []
    with (
        httpx.Client(base_url=platform.url, timeout=10) as client,
        connect_sse(
            client,
            "GET",
            "/v1/events",
            headers={"Authorization": f"Bearer {token}"},
            params={"after": 1},
        ) as source,
    ):
        for sse in source.iter_sse():
            if sse.data:
                received.append((sse.event, sse.id))
    assert received[0] == ("call.received", "2")
    assert received[-1][0] == "error" and len(received) == 2  # never 4 after 2


def test_stopping_the_platform_signs_its_head(tmp_path: Path) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}",
        demo_users=True,
        anchor_key_file=str(tmp_path / "k.pem"),
        anchor_file=str(tmp_path / "c.jsonl"),
    )
    with EmbeddedPlatform(settings) as platform:
        gateway = Api(platform.url, platform.login("gateway"))
        make_call(gateway)
        make_call(gateway)
        gateway.close()
        assert not (tmp_path / "c.jsonl").exists()  # 1,000 events or 5 minutes not reached
    lines = (tmp_path / "c.jsonl").read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [2]
