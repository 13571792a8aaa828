"""Before anyone is sent: the form shows the markers on the place and the history of the
place and the caller from the platform; the detail shows the markers of the incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.console.conftest import until
from tests.platform_api.helpers import WESTMINSTER, answered_call, first, incident_body, make_call
from tests.platform_api.test_markers import marker_body
from tests.widgets.conftest import Consoles


def test_answering_shows_the_markers_and_the_history_of_the_place_and_the_caller(
    consoles: Consoles,
    gateway: Any,
    calltaker: Any,
    dispatcher: Any,
    supervisor: Any,
) -> None:
    # Last month: the same number rang about a fight here, closed with an arrest.
    earlier = answered_call(gateway, calltaker)
    old = first(
        calltaker.ok(
            f"/v1/calls/{earlier['id']}/incident", incident_body(), version=earlier["version"]
        ),
        "incidents",
    )
    dispatcher.ok(
        f"/v1/incidents/{old['id']}/close",
        {"closing_classification": "Violence: arrest made"},
        version=old["version"],
    )
    supervisor.ok("/v1/markers", marker_body(text="Violent towards police"))

    async def body() -> None:
        async with consoles.open(user="calltaker") as window:
            store = window.session.store
            call = make_call(gateway)  # the same number again
            await until(lambda: call["id"] in store.calls, what="the call")
            await until(lambda: len(store.markers) == 1, what="the marker in the Store")
            assert window.session.commands.answer(call["id"])
            await until(lambda: window.form.call_id == call["id"], what="the form on the call")
            panel = window.form.warnings
            await until(
                lambda: old["reference"] in panel.history.text(),
                what=lambda: f"the earlier call: {panel.history.text()}",
            )
            assert "Violence: arrest made" in panel.history.text()
            assert panel.markers.text() == ""  # no place chosen yet
            window.form.location.set_point(
                WESTMINSTER["lat"], WESTMINSTER["lon"], "Parliament Square", "map"
            )
            await until(lambda: "OFFICER SAFETY" in panel.markers.text(), what="the marker")
            assert "Violent towards police" in panel.markers.text()
            await until(
                lambda: "within 250 m" in panel.history.text(),
                what=lambda: f"the place's history: {panel.history.text()}",
            )
            # The detail of an incident there shows the marker too.
            other = answered_call(gateway, calltaker)
            now = first(
                calltaker.ok(
                    f"/v1/calls/{other['id']}/incident", incident_body(), version=other["version"]
                ),
                "incidents",
            )
            await until(lambda: now["id"] in store.incidents, what="the new incident")
            window.detail.show_incident(now["id"])
            assert "WARNING MARKERS" in window.detail.text.toPlainText()
            assert "Violent towards police" in window.detail.text.toPlainText()

    consoles.run(body())


def test_a_supervisor_sees_the_markers_due_for_review(
    consoles: Consoles,
    supervisor: Any,
) -> None:
    old = (datetime.now(UTC).date() - timedelta(days=3)).isoformat()
    supervisor.ok("/v1/markers", marker_body(review_date=old, text="Dog on premises"))
    supervisor.ok("/v1/markers", marker_body())  # reviewed tomorrow: not listed

    async def body() -> None:
        async with consoles.open(user="supervisor") as window:
            await until(lambda: len(window.session.store.markers) == 2, what="the markers")
            window.room.refresh()
            assert window.room.review.count() == 1
            assert "Dog on premises" in window.room.review.item(0).text()
            assert "due for review: 1" in window.room.review_title.text()

    consoles.run(body())
