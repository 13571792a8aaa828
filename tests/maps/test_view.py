"""The map against a real platform: live markers, clicks, drags and selection both ways."""

from __future__ import annotations

import json
from typing import Any

import qasync

from platform_api.embedded import EmbeddedPlatform
from tests.console.conftest import run, until
from tests.maps.conftest import RequestCounter, js, js_until, live_map
from tests.platform_api.helpers import LAMBETH, make_call, make_incident, make_unit

# Dispatch a DOM mouse event where a marker is drawn, on whatever element is on top there,
# as a real pointer would; `dx`/`dy` offset the point in pixels.
MOUSE = """
(function (kind, id, type, target) {
  const map = CAD.map;
  const m = CAD.marks[kind].get(id);
  const p = map.latLngToContainerPoint(target ? CAD.marks[target[0]].get(target[1]).getLatLng()
                                              : m.getLatLng());
  const box = map.getContainer().getBoundingClientRect();
  const x = box.left + p.x, y = box.top + p.y;
  const el = document.elementFromPoint(x, y);
  const button = type === "contextmenu" ? 2 : 0;
  el.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true, view: window,
                                         clientX: x, clientY: y, button: button}));
  return el.tagName;
})(%s)
"""


def mouse(kind: str, entity_id: str, event: str, target: tuple[str, str] | None = None) -> str:
    args = ", ".join(json.dumps(a) for a in (kind, entity_id, event, target))
    return MOUSE % args


def test_the_map_makes_no_request_off_the_machine(
    aloop: qasync.QEventLoop,
    platform: EmbeddedPlatform,
    gateway: Any,
    calltaker: Any,
    qtbot: Any,
) -> None:
    counter = RequestCounter()

    async def body() -> None:
        async with live_map(platform.url, qtbot, request_interceptor=counter) as view:
            incident = make_incident(gateway, calltaker)
            make_unit(gateway, "CW11", "dog")
            make_call(gateway, handset_location={"lat": 51.51, "lon": -0.1, "accuracy_m": 300})
            await js_until(view, f"CAD.marks.incidents.has({json.dumps(incident['id'])})")
            await js_until(view, "CAD.marks.units.size === 1 && CAD.marks.calls.size === 1")
            # Every layer on, close in (labels, letters), and the other theme.
            await js(view, "CAD.map.setZoom(15, {animate: false}), true")
            await js(
                view,
                "document.querySelectorAll('.leaflet-control-layers-selector')"
                ".forEach(box => { if (!box.checked) box.click(); }), true",
            )
            view.set_theme("night")
            await js_until(view, "CAD.themeName === 'night'")
            view.show_point(51.5, -0.12, "Parliament Square")
            await js_until(view, "document.querySelector('.cad-pin') !== null")

    run(aloop, body())
    assert any(url.startswith("file:") and url.endswith("leaflet.js") for url in counter.local)
    assert counter.outside == []


def test_an_incident_created_through_the_api_appears_on_the_map(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, gateway: Any, calltaker: Any, qtbot: Any
) -> None:
    async def body() -> None:
        async with live_map(platform.url, qtbot) as view:
            incident = make_incident(gateway, calltaker, grade="priority")
            shape = await js_until(
                view,
                f"(CAD.marks.incidents.get({json.dumps(incident['id'])}) || {{options: {{}}}})"
                ".options.shape",
            )
            assert shape == "diamond"
            ids = await js(view, "Array.from(CAD.marks.incidents.keys())")
            assert ids == [incident["id"]]

    run(aloop, body())


def test_clicking_an_incident_marker_selects_it_in_the_panels(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, gateway: Any, calltaker: Any, qtbot: Any
) -> None:
    async def body() -> None:
        async with live_map(platform.url, qtbot) as view:
            incident = make_incident(gateway, calltaker)
            unit = make_unit(gateway, "CW12", at=LAMBETH)
            clicked: list[tuple[str, str]] = []
            view.incident_clicked.connect(lambda i: clicked.append(("incident", i)))
            view.unit_clicked.connect(lambda u: clicked.append(("unit", u)))
            await js_until(view, f"CAD.marks.incidents.has({json.dumps(incident['id'])})")
            await js_until(view, f"CAD.marks.units.has({json.dumps(unit['id'])})")
            assert await js(view, mouse("incidents", incident["id"], "click")) == "CANVAS"
            await until(lambda: bool(clicked), what="incident_clicked")
            await js(view, mouse("units", unit["id"], "click"))
            await until(lambda: len(clicked) == 2, what="unit_clicked")
            assert clicked == [("incident", incident["id"]), ("unit", unit["id"])]

    run(aloop, body())


def test_selecting_an_incident_in_a_panel_rings_it_on_the_map(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, gateway: Any, calltaker: Any, qtbot: Any
) -> None:
    async def body() -> None:
        async with live_map(platform.url, qtbot) as view:
            incident = make_incident(gateway, calltaker, location=LAMBETH)
            await js_until(view, f"CAD.marks.incidents.has({json.dumps(incident['id'])})")
            view.select_incident(incident["id"])
            selected = await js_until(view, "CAD.selected()")
            assert selected["kind"] == "incidents"
            assert selected["id"] == incident["id"]
            assert abs(selected["lat"] - LAMBETH["lat"]) < 1e-6
            # The map pans to it.
            await js_until(
                view,
                f"CAD.map.getBounds().pad(-0.3).contains([{LAMBETH['lat']}, {LAMBETH['lon']}])",
            )

    run(aloop, body())


def test_dragging_a_unit_onto_an_incident_asks_to_assign_it(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, gateway: Any, calltaker: Any, qtbot: Any
) -> None:
    async def body() -> None:
        async with live_map(platform.url, qtbot) as view:
            incident = make_incident(gateway, calltaker)
            unit = make_unit(gateway, "CW13", at=LAMBETH)
            requests: list[tuple[str, str]] = []
            clicks: list[str] = []
            view.assign_requested.connect(lambda u, i: requests.append((u, i)))
            view.incident_clicked.connect(clicks.append)
            await js_until(view, f"CAD.marks.incidents.has({json.dumps(incident['id'])})")
            await js_until(view, f"CAD.marks.units.has({json.dumps(unit['id'])})")
            onto = ("incidents", incident["id"])
            await js(view, mouse("units", unit["id"], "mousedown"))
            await js(view, mouse("units", unit["id"], "mousemove", onto))
            await js(view, mouse("units", unit["id"], "mouseup", onto))
            await js(view, mouse("units", unit["id"], "click", onto))
            await until(lambda: bool(requests), what="assign_requested")
            assert requests == [(unit["id"], incident["id"])]
            assert await js(view, "CAD.map.dragging.enabled()") is True
            assert clicks == []  # the drop is not a click on the incident

    run(aloop, body())


def test_right_click_offers_a_new_incident_and_what_is_here(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, gateway: Any, calltaker: Any, qtbot: Any
) -> None:
    async def body() -> None:
        async with live_map(platform.url, qtbot) as view:
            incident = make_incident(gateway, calltaker)
            await js_until(view, f"CAD.marks.incidents.has({json.dumps(incident['id'])})")
            new: list[tuple[float, float]] = []
            what: list[tuple[float, float]] = []
            view.new_incident_requested.connect(lambda lat, lon: new.append((lat, lon)))
            view.what_is_here_requested.connect(lambda lat, lon: what.append((lat, lon)))
            await js(view, mouse("incidents", incident["id"], "contextmenu"))
            await until(lambda: view.menu is not None and view.menu.isVisible(), what="menu")
            assert view.menu is not None
            new_action, what_action = view.menu.actions()
            assert new_action.text() == "New incident here"
            new_action.trigger()
            what_action.trigger()
            view.menu.close()
            assert len(new) == 1 and new == what
            lat, lon = new[0]
            assert abs(lat - incident["location"]["lat"]) < 0.001
            assert abs(lon - incident["location"]["lon"]) < 0.001

    run(aloop, body())


def test_units_move_in_batches_without_reloading_the_page(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, gateway: Any, qtbot: Any
) -> None:
    async def body() -> None:
        async with live_map(platform.url, qtbot) as view:
            units = [make_unit(gateway, f"CW2{i}")["id"] for i in range(3)]
            await js_until(view, "CAD.marks.units.size === 3")
            await js(view, "window.probe = 'still here', true")
            batches: list[tuple[float, int]] = []
            view.batch_applied.connect(lambda ms, n: batches.append((ms, n)))
            positions = [
                {"unit_id": u, "lat": 51.47 + i / 100, "lon": -0.1} for i, u in enumerate(units)
            ]
            gateway.ok("/v1/positions", {"positions": positions})
            last = f"CAD.data.units.get({json.dumps(units[2])})"
            await js_until(view, f"Math.abs({last}.lat - 51.49) < 1e-9")
            await until(lambda: bool(batches), what="batch_applied")
            assert sum(n for _, n in batches) == 3  # one entry per moved unit
            assert await js(view, "window.probe") == "still here"
            first = f"CAD.data.units.get({json.dumps(units[0])})"
            assert await js(view, f"{first}.lon") == -0.1

    run(aloop, body())


def test_the_key_folds_away_and_back_with_a_click(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, qtbot: Any
) -> None:
    shown = "getComputedStyle(document.querySelector('.cad-legend-col')).display !== 'none'"
    click = "document.querySelector('.cad-legend-toggle').click(), true"

    async def body() -> None:
        async with live_map(platform.url, qtbot) as view:
            assert await js(view, shown) is True  # a 900 px map has room for it
            assert "Immediate" in await js(view, "document.querySelector('.cad-legend').innerText")
            await js(view, click)
            assert await js(view, shown) is False
            await js(view, click)
            assert await js(view, shown) is True

    run(aloop, body())


def test_the_key_gives_the_letters_of_the_unit_types_on_the_map(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, gateway: Any, qtbot: Any
) -> None:
    note = "document.querySelector('.cad-legend-note').textContent"

    async def body() -> None:
        async with live_map(platform.url, qtbot) as view:
            make_unit(gateway, "CW21", "dog")
            # the police letters it starts with give way to the types on the map
            await js_until(view, f"{note} === 'D dog'", "the key's letters: the dog's alone")
            make_unit(gateway, "E21", "fire_engine")
            await js_until(view, f"{note} === 'D dog · E fire engine'", "a fire engine's E too")

    run(aloop, body())
