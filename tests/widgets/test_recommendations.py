"""widgets/recommendations.py against a real platform: the plan's coverage, the set
that fills it sent in one action, backup, an ARV kept back and an ARV sent when nothing else
can make the target, reasons that name the crew's skills and the plan slot, the area's and
the site's response plans, and road ETAs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import qasync

from console.bootstrap import bootstrap
from platform_api.embedded import EmbeddedPlatform
from tests.conftest import Api
from tests.console.conftest import run, until
from tests.databases import platform_on_pack
from tests.platform_api.helpers import WESTMINSTER, answered_call, first, make_unit
from tests.widgets.conftest import Consoles, running, settings_for
from widgets.main_window import MainWindow

NEAR = {"lat": 51.5010, "lon": -0.1250}
CLOSE = {"lat": 51.5030, "lon": -0.1270}
FAR_AWAY = {"lat": 51.80, "lon": -0.60}  # about 45 km: no car makes 15 minutes from there


def _incident(gateway: Any, calltaker: Any, classification: str) -> dict[str, Any]:
    call = answered_call(gateway, calltaker)
    body = {
        "opening_classification": classification,
        "grade": "immediate",
        "location": WESTMINSTER,
    }
    result = calltaker.ok(f"/v1/calls/{call['id']}/incident", body, version=call["version"])
    return first(result, "incidents")


def _assigned(api: Any, incident_id: str) -> set[str]:
    return {
        a["unit_id"] for a in api.get("/v1/state")["assignments"] if a["incident_id"] == incident_id
    }


async def _show(window: MainWindow, incident_id: str, units: int) -> None:
    store = window.session.store
    await until(lambda: incident_id in store.incidents and len(store.units) == units)
    assert window.incidents.select_id(incident_id)
    window.recommendations.show_incident(incident_id)


def test_the_plan_is_shown_sent_in_one_action_then_backup(
    consoles: Consoles,
    gateway: Any,
    calltaker: Any,
    dispatcher: Any,
) -> None:
    arv1 = make_unit(gateway, "TJ51", "armed_response", ["firearms"], at=NEAR)
    arv2 = make_unit(gateway, "TJ52", "armed_response", ["firearms"], at=CLOSE)
    car = make_unit(gateway, "CW11", at=NEAR)
    spare = make_unit(gateway, "CW12", at=CLOSE)
    gateway.ok(
        f"/v1/units/{arv1['id']}/book-on",
        {"crew": [{"collar": "PC 1", "skills": ["advanced driver"]}]},
        version=arv1["version"],
    )
    incident = _incident(gateway, calltaker, "Firearms")

    async def body() -> None:
        async with consoles.open() as window:
            await _show(window, incident["id"], 4)
            panel = window.recommendations
            await until(lambda: "needs:" in panel.plan.text(), what="the plan")
            assert "0 of 3 slots filled" in panel.plan.text()
            proposed = panel.plan.text().split("Proposed: ")[1]
            assert set(proposed.split(", ")) == {"TJ51", "TJ52", "CW11"}
            # A firearms incident lists the ARVs (the site requires the capability); the
            # proposal seats the response car in the plan's general slot.
            reasons = {r.callsign: panel.reason_for(r) for r in panel.recommendations}
            assert "crew: advanced driver" in reasons["TJ51"]
            assert "plan slot" in reasons["TJ51"] and "of 3 (ARV)" in reasons["TJ51"]
            assert not panel.backup_button.isEnabled()
            panel.send_plan()
            want = {arv1["id"], arv2["id"], car["id"]}
            await until(lambda: _assigned(dispatcher, incident["id"]) == want, what="the plan")
            await until(lambda: "plan met" in panel.plan.text(), what="the plan met")
            assert "3 of 3 slots filled" in panel.plan.text()
            await until(panel.backup_button.isEnabled, what="backup offered")
            panel.send_backup()
            await until(lambda: spare["id"] in _assigned(dispatcher, incident["id"]), what="backup")

    consoles.run(body())


def test_an_arv_is_kept_back_unless_nothing_else_can_make_the_target(
    consoles: Consoles,
    gateway: Any,
    calltaker: Any,
    dispatcher: Any,
) -> None:
    make_unit(gateway, "TJ51", "armed_response", ["firearms"], at=NEAR)
    car = make_unit(gateway, "CW11", at=CLOSE)
    held = _incident(gateway, calltaker, "Violence")

    async def body() -> None:
        async with consoles.open() as window:
            panel = window.recommendations
            await _show(window, held["id"], 2)
            await until(lambda: bool(panel.recommendations), what="a ranking")
            assert [r.callsign for r in panel.recommendations] == ["CW11"]
            # The car is sent far away; now only the ARV can make 15 minutes.
            moved = window.session.store.units[car["id"]]
            gateway.ok(
                "/v1/positions",
                {"positions": [{"unit_id": moved.id, **FAR_AWAY}]},
            )
            await until(
                lambda: [r.callsign for r in panel.recommendations][:1] == ["TJ51"],
                what=lambda: f"the ARV offered: {[r.reason for r in panel.recommendations]}",
            )
            assert "no general unit can arrive" in panel.recommendations[0].reason

    consoles.run(body())


EXTRACT = Path(__file__).parents[3] / "shared" / "data" / "osm-extract" / "london_large.osm"


@pytest.mark.skipif(not EXTRACT.is_file(), reason="shared/data is not beside the repo")
def test_a_console_given_a_road_graph_ranks_by_road_once_it_is_loaded(
    aloop: qasync.QEventLoop,
    platform: EmbeddedPlatform,
    gateway: Any,
    calltaker: Any,
    tmp_path: Path,
    qtbot: Any,
) -> None:
    here = {"lat": 51.6150, "lon": -0.1250, "address": "Wood Green"}
    make_unit(gateway, "YR11", at={"lat": 51.6200, "lon": -0.1200})
    call = answered_call(gateway, calltaker)
    body = {"opening_classification": "Violence", "grade": "immediate", "location": here}
    incident = first(
        calltaker.ok(f"/v1/calls/{call['id']}/incident", body, version=call["version"]),
        "incidents",
    )
    settings = settings_for(
        tmp_path,
        platform_url=platform.url,
        username="dispatcher",
        password="demo",
        road_graph=EXTRACT,
    )

    async def body_() -> None:
        async with running(await bootstrap("live", settings), qtbot) as console:
            window = console.window
            panel = window.recommendations
            await _show(window, incident["id"], 1)
            await until(lambda: panel.router is not None, timeout_s=60, what="the road graph")
            await until(
                lambda: (
                    bool(panel.recommendations) and "by road" in panel.recommendations[0].reason
                ),
                what=lambda: f"a road ETA: {[r.reason for r in panel.recommendations]}",
            )
            assert "OpenStreetMap" in panel.attribution.text()

    run(aloop, body_())


def test_a_road_graph_that_cannot_be_read_is_reported_through_the_message_bridge(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, tmp_path: Path, qtbot: Any
) -> None:
    broken = tmp_path / "roads.osm"
    broken.write_text("this is not OpenStreetMap XML", "utf-8")
    settings = settings_for(
        tmp_path, platform_url=platform.url, username="dispatcher", password="demo",
        road_graph=broken,
    )

    async def body() -> None:
        async with running(await bootstrap("live", settings), qtbot) as console:
            said: list[tuple[str, str]] = []
            console.session.messages.shown.connect(lambda level, text, _ms: said.append(
                (level, text)))
            await until(lambda: bool(said), what="a message about the road graph")
            level, text = said[0]
            assert level == "error" and text.startswith("Road graph not loaded (roads.osm)")
            assert console.window.recommendations.router is None  # the straight line stays

    run(aloop, body())


CIVIC_CENTER = {"lat": 37.7793, "lon": -122.4193, "address": "Civic Center Plaza"}


@pytest.mark.parametrize(
    ("site_plans", "needed"),
    [
        (None, "needs: ambulance"),  # the San Francisco pack's own plan for the call type
        ('[plans."Medical Incident"]\nany = [{ type = "fire_officer" }]\n', "needs: fire officer"),
    ],
)
def test_a_console_plans_with_its_areas_response_plans_and_the_sites_file_over_them(
    aloop: qasync.QEventLoop, tmp_path: Path, qtbot: Any, site_plans: str | None, needed: str
) -> None:
    plans_file = None
    if site_plans is not None:
        plans_file = tmp_path / "plans.toml"
        plans_file.write_text(site_plans, "utf-8")
    with platform_on_pack(tmp_path / "sf", "san-francisco") as room:
        gateway = Api(room.url, room.login("gateway"))
        calltaker = Api(room.url, room.login("calltaker"))
        make_unit(gateway, "E01", "fire_engine", at=CIVIC_CENTER)
        call = answered_call(gateway, calltaker)
        body = {"opening_classification": "Medical Incident", "grade": "immediate",
                "location": CIVIC_CENTER}
        incident = first(
            calltaker.ok(f"/v1/calls/{call['id']}/incident", body, version=call["version"]),
            "incidents",
        )
        gateway.close()
        calltaker.close()
        settings = settings_for(tmp_path, platform_url=room.url, username="dispatcher",
                                password="demo", plans_file=plans_file)

        async def body_() -> None:
            async with running(await bootstrap("live", settings), qtbot) as console:
                panel = console.window.recommendations
                await _show(console.window, incident["id"], 1)
                await until(lambda: needed in panel.plan.text(),
                            what=lambda: f"{needed!r} in {panel.plan.text()!r}")

        run(aloop, body_())
