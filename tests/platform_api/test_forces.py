"""Two forces on one platform (the hampshire-thames-valley pack): whose each incident,
unit, user and marker is, references with each force's prefix, and sending a unit across
the border only with a reason, flagged where both forces see it."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from platform_api.cli import main as cli_main
from platform_api.db.engine import _alembic_config, make_engine
from platform_api.embedded import EmbeddedPlatform
from platform_api.forces import OtherArea
from platform_api.packs import load_pack
from platform_api.settings import Settings
from platform_api.simulator import SimConfig, Simulator
from platform_api.simulator.runner import force_rates
from tests.conftest import Api
from tests.databases import fresh_db_url, platform_on_pack
from tests.platform_api.helpers import (
    READING,
    WINCHESTER,
    first,
    incident_body,
    make_incident,
    make_unit,
)


@pytest.fixture
def room(tmp_path: Path) -> Iterator[EmbeddedPlatform]:
    with platform_on_pack(tmp_path / "htv", "hampshire-thames-valley") as running:
        yield running


@pytest.fixture
def apis(room: EmbeddedPlatform) -> Iterator[dict[str, Api]]:
    users = ("gateway", "calltaker", "dispatcher", "thames-valley-dispatcher", "admin")
    made = {u: Api(room.url, room.login(u)) for u in users}
    yield made
    for api in made.values():
        api.close()


def test_each_force_has_its_own_room_of_demo_users(apis: dict[str, Api]) -> None:
    assert apis["dispatcher"].get("/v1/auth/me")["force"] == "hampshire"
    assert apis["thames-valley-dispatcher"].get("/v1/auth/me")["force"] == "thames-valley"


def test_an_incident_is_the_force_whose_area_it_is_in_with_its_prefix(
    apis: dict[str, Api],
) -> None:
    tvp = make_incident(apis["gateway"], apis["calltaker"], location=READING)
    hc = make_incident(apis["gateway"], apis["calltaker"], location=WINCHESTER)
    assert (tvp["force"], tvp["reference"][:4]) == ("thames-valley", "TVP-")
    assert (hc["force"], hc["reference"][:3]) == ("hampshire", "HC-")
    # moved across the border, it becomes the other force's
    moved = apis["calltaker"].ok(
        f"/v1/incidents/{hc['id']}/location", {"location": READING}, version=hc["version"]
    )
    assert first(moved, "incidents")["force"] == "thames-valley"


def test_a_unit_is_its_districts_force_or_the_one_named(apis: dict[str, Api]) -> None:
    assert make_unit(apis["gateway"], "RG11", at=READING)["force"] == "thames-valley"
    body = {"callsign": "HCARV1", "type": "armed_response", "home_station": "Winchester",
            "position": {"lat": READING["lat"], "lon": READING["lon"]}, "force": "hampshire"}
    named = first(apis["gateway"].ok("/v1/units", body), "units")
    assert named["force"] == "hampshire"  # a Hampshire ARV that happens to be in Reading
    body = {**body, "callsign": "X1", "force": "atlantis"}
    refused = apis["gateway"].post("/v1/units", body)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "force"
    assert "hampshire, thames-valley" in refused.json()["error"]["message"]


def test_sending_a_unit_across_the_border_needs_a_reason_and_is_flagged(
    apis: dict[str, Api],
) -> None:
    hc_unit = make_unit(apis["gateway"], "WI11", at=WINCHESTER)
    tvp_incident = make_incident(apis["gateway"], apis["calltaker"], location=READING)
    path = f"/v1/units/{hc_unit['id']}/assign"
    refused = apis["dispatcher"].post(
        path, {"incident_id": tvp_incident["id"]}, version=hc_unit["version"]
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["field"] == "reason"
    assert "Hampshire Constabulary" in error["message"]
    assert "Thames Valley Police" in error["message"]
    sent = apis["dispatcher"].ok(
        path,
        {"incident_id": tvp_incident["id"], "reason": "nearest ARV, TVP's all committed"},
        version=hc_unit["version"],
    )
    assignment = first(sent, "assignments")
    assert assignment["cross_border_reason"] == "nearest ARV, TVP's all committed"
    # the other force's room sees it, flagged, in its incident's log
    state = apis["thames-valley-dispatcher"].get("/v1/state")
    seen = next(a for a in state["assignments"] if a["id"] == assignment["id"])
    assert seen["cross_border_reason"] == "nearest ARV, TVP's all committed"
    incident = next(i for i in state["incidents"] if i["id"] == tvp_incident["id"])
    assert any(e["text"].startswith("Cross-border: WI11") for e in incident["log"])


def test_a_unit_of_the_incidents_own_force_needs_no_reason(apis: dict[str, Api]) -> None:
    unit = make_unit(apis["gateway"], "RG12", at=READING)
    incident = make_incident(apis["gateway"], apis["calltaker"], location=READING)
    sent = apis["dispatcher"].ok(
        f"/v1/units/{unit['id']}/assign", {"incident_id": incident["id"]}, version=1
    )
    assert first(sent, "assignments")["cross_border_reason"] is None


def test_a_user_is_added_to_a_force_of_the_platform(apis: dict[str, Api]) -> None:
    body = {"username": "tvp.ct1", "display_name": "TVP call-taker", "role": "call_taker",
            "password": "long enough", "force": "thames-valley"}
    added = apis["admin"].post("/v1/users", body)
    assert added.status_code == 201 and added.json()["force"] == "thames-valley"
    wrong = apis["admin"].post("/v1/users", {**body, "username": "x.y", "force": "met"})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "force"
    assert apis["dispatcher"].post("/v1/users", {**body, "username": "z.z"}).status_code == 403


def test_rows_from_before_forces_become_the_packs_first_force(tmp_path: Path) -> None:
    with fresh_db_url(tmp_path / "old", migrated=False) as url:
        engine = make_engine(url)
        cfg = _alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003")
            conn.execute(text(
                "INSERT INTO units (id, version, callsign, type, capabilities, home_station, "
                "status, status_since) VALUES ('u1', 1, 'OLD1', 'response_car', '[]', 'X', "
                "'available', '2026-01-01 00:00:00')"
            ))
        engine.dispose()
        settings = Settings(db_url=url, demo_users=True, pack="hampshire-thames-valley")
        with EmbeddedPlatform(settings) as platform:
            api = Api(platform.url, platform.login("dispatcher"))
            try:
                units = api.get("/v1/state")["units"]
            finally:
                api.close()
    assert [(u["callsign"], u["force"]) for u in units] == [("OLD1", "hampshire")]


def test_an_incident_raised_with_no_force_of_its_own_is_the_first_forces(
    apis: dict[str, Api],
) -> None:
    paris = {"lat": 48.8566, "lon": 2.3522}
    made = apis["calltaker"].ok("/v1/incidents", incident_body(location=paris))
    assert first(made, "incidents")["force"] == "hampshire"


def test_the_simulator_runs_both_forces_each_at_its_own_rate(room: EmbeddedPlatform) -> None:
    config = SimConfig(
        pack="hampshire-thames-valley",
        force_rates={"hampshire": 28800.0, "thames-valley": 7200.0},
        seed=3,
        answer_after_s=(0.2, 0.4),
        human_first_999_s=0.0,  # no person in this room to leave the 999s to
        speed_factor=60,
    )
    assert force_rates(SimConfig(call_rate_per_hour=220, pack="x"), load_pack(
        "hampshire-thames-valley")) == pytest.approx({"hampshire": 100.0, "thames-valley": 120.0})
    simulator = Simulator(room.url, config)
    simulator.start()
    api = Api(room.url, room.login("supervisor"))
    try:
        deadline = time.monotonic() + 120  # a bound on the wait, not a timing asserted
        forces: Counter[str] = Counter()
        while time.monotonic() < deadline:  # the simulator's own thread rings the calls
            state = api.get("/v1/state")
            forces = Counter(i["force"] for i in state["incidents"])
            # 30 draws at 4:1: Hampshire behind is a chance of about 2 in 10,000 (at 8 it
            # was about 1 in 18, and a loaded run saw it)
            if forces["thames-valley"] >= 1 and sum(forces.values()) >= 30:
                break
            time.sleep(0.2)
        units = Counter(u["force"] for u in state["units"])
    finally:
        simulator.stop()
        api.close()
    # both forces' rooms are busy, Hampshire's four times as much by its rate
    assert forces["thames-valley"] >= 1 and forces["hampshire"] > forces["thames-valley"]
    # each force has its own units: 14 and 13 districts' four each, and its own specialists
    assert units["hampshire"] == 14 * 4 + 13 and units["thames-valley"] == 13 * 4 + 13


def test_a_database_of_another_areas_room_is_refused_not_mixed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A London room (the Met's demo users, one of its incidents), then the two-force pack
    # on the same database: it would have shown London incidents on a Hampshire map.
    with fresh_db_url(tmp_path / "db") as url:
        with EmbeddedPlatform(Settings(db_url=url, demo_users=True)) as london:
            gateway = Api(london.url, london.login("gateway"))
            calltaker = Api(london.url, london.login("calltaker"))
            make_incident(gateway, calltaker)
            gateway.close()
            calltaker.close()
        htv = Settings(db_url=url, demo_users=True, pack="hampshire-thames-valley")
        with pytest.raises(OtherArea, match="met"):
            EmbeddedPlatform(htv).start()
        assert cli_main(["serve", "--db", url, "--pack", "hampshire-thames-valley"]) == 2
        assert "other forces (met)" in caplog.text
        # its own pack still opens it
        with EmbeddedPlatform(Settings(db_url=url, demo_users=True)) as again:
            assert again.login("dispatcher")
