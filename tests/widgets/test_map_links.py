"""The map inside the console: it and the panels follow each other, and acts reach the platform."""

from __future__ import annotations

import json
from typing import Any

from maps.view import MapView
from tests.console.conftest import until
from tests.maps.conftest import js, js_until
from tests.maps.test_view import mouse
from tests.platform_api.helpers import LAMBETH, make_incident, make_unit
from tests.widgets.conftest import Consoles


async def _map_ready(view: MapView) -> None:
    await js_until(view, "typeof CAD !== 'undefined' && CAD.map !== undefined", "the page")


def test_map_and_panels_select_each_other_and_a_drag_assigns_after_confirmation(
    consoles: Consoles,
    gateway: Any,
    calltaker: Any,
    api_for: Any,
) -> None:
    dispatcher = api_for("dispatcher")

    async def body() -> None:
        async with consoles.open(with_map=True) as window:
            window.resize(1600, 900)  # a desk's screen (the test screen is 800x800)
            window.show()
            view = window.map
            assert view is not None
            await _map_ready(view)
            incident = make_incident(gateway, calltaker)
            unit = make_unit(gateway, "CW21", at=LAMBETH)
            await js_until(view, f"CAD.marks.incidents.has({json.dumps(incident['id'])})")
            await js_until(view, f"CAD.marks.units.has({json.dumps(unit['id'])})")

            # Map to panels: a click on the incident selects its row and shows its detail.
            await js(view, mouse("incidents", incident["id"], "click"))
            await until(lambda: window.detail.incident_id == incident["id"], what="row selected")
            current = window.incidents.view.currentIndex()
            assert current.siblingAtColumn(0).data() == incident["reference"]

            # Panels to map: selecting the unit's row rings it on the map.
            assert window.units.select_id(unit["id"])
            selected = await js_until(
                view, f"CAD.selected() && CAD.selected().id === {json.dumps(unit['id'])}"
            )
            assert selected is True

            # A drag of the unit onto the incident asks first; Yes sends the assignment.
            # (The key folded and the map panned so both are clear, as a dispatcher would.)
            fold = "document.querySelector('.cad-legend').classList.add('cad-legend-folded')"
            await js(view, f"{fold}, true")
            await js(view, "CAD.map.setView([51.48, -0.12], 12, {animate: false}), true")
            onto = ("incidents", incident["id"])
            for event in ("mousedown", "mousemove", "mouseup", "click"):
                target = None if event == "mousedown" else onto
                assert await js(view, mouse("units", unit["id"], event, target)) == "CANVAS"
            links = window.map_links
            await until(lambda: links.assign_question is not None, what="the question")
            box = links.assign_question
            assert box is not None
            assert "CW21" in box.text() and incident["reference"] in box.text()
            said: list[str] = []
            window.session.messages.shown.connect(lambda _level, text, _ms: said.append(text))
            # The button names the target, never an internal id; Enter would press it.
            yes = box.defaultButton()
            assert yes is not None
            assert yes.text() == f"Assign CW21 \u2192 {incident['reference']}"
            yes.click()
            # The one dispatch path: the same "Sending…" and "Done" as the boards' commands.
            await until(lambda: any(t.startswith("Done: Assign CW21") for t in said))
            assert any(t.startswith("Sending: Assign CW21") for t in said)
            await until(
                lambda: any(
                    a.unit_id == unit["id"] and a.incident_id == incident["id"]
                    for a in window.session.store.assignments.values()
                ),
                what="the assignment on screen",
            )
            assert dispatcher.get(f"/v1/units/{unit['id']}")["status"] == "assigned"

    consoles.run(body())


def test_what_is_here_names_the_nearest_place_and_the_borough(
    consoles: Consoles,
) -> None:
    async def body() -> None:
        async with consoles.open(with_map=True) as window:
            window.show()
            assert window.map is not None
            await _map_ready(window.map)
            window.map.what_is_here_requested.emit(51.5080, -0.1281)  # Trafalgar Square
            await until(lambda: "Here:" in window.status.currentMessage(), what="the answer")
            message = window.status.currentMessage()
            assert message.endswith("— Westminster")
            assert " m)" in message  # the nearest known place, with its distance

    consoles.run(body())


# How much of the map a control covers: its box against the map's, as a share of the area.
COVERED = """(function (selector) {
  const map = CAD.map.getContainer().getBoundingClientRect();
  const box = document.querySelector(selector).getBoundingClientRect();
  return (box.width * box.height) / (map.width * map.height);
})"""


def test_at_1280x720_the_key_and_the_attribution_leave_the_map_clear(
    consoles: Consoles, qtbot: Any
) -> None:
    async def body() -> None:
        async with consoles.open(with_map=True) as window:
            window.resize(1280, 720)
            window.show()
            window.default_sizes()
            view = window.map
            assert view is not None
            await _map_ready(view)
            size = await js(view, "[CAD.map.getSize().x, CAD.map.getSize().y]")
            assert size[0] < 800  # the docks take the sides: a small map
            key = await js(view, f"{COVERED}('.cad-legend')")
            attribution = await js(view, f"{COVERED}('.leaflet-control-attribution')")
            # folded to its "Key" button (1% of a 425x377 map), and one short line of
            # credits (3.5%; the whole credits took 13%)
            assert key < 0.02, key
            assert attribution < 0.05, attribution
            # The key opens with a click and folds again; the credits stay readable whole
            # under the pointer (the licences ask for them).
            await js(view, "document.querySelector('.cad-legend-toggle').click(), true")
            assert await js(view, f"{COVERED}('.cad-legend')") > key
            await js(view, "document.querySelector('.cad-legend-toggle').click(), true")
            assert await js(view, f"{COVERED}('.cad-legend')") == key
            credits = "document.querySelector('.leaflet-control-attribution').textContent"
            assert "Ordnance Survey" in await js(view, credits)

    consoles.run(body())
