"""widgets/incident_detail.py: every caller linked to an incident is listed on it."""

from __future__ import annotations

from typing import Any

from tests.console.conftest import until
from tests.platform_api.helpers import first, make_incident
from tests.widgets.conftest import Consoles


def test_a_second_caller_linked_to_an_incident_is_listed_with_number_name_and_time(
    consoles: Consoles, gateway: Any, calltaker: Any
) -> None:
    incident = make_incident(gateway, calltaker)

    async def body() -> None:
        async with consoles.open("dispatcher", "a") as window:
            detail = window.detail
            await until(lambda: incident["id"] in window.session.store.incidents)
            assert window.incidents.select_id(incident["id"])
            # The first call closed when the incident was raised, before this console
            # started: it is read from the platform.
            await until(
                lambda: (
                    "Callers (1)" in detail.text.toPlainText()
                    and "07700 900123" in detail.text.toPlainText()
                ),
                what=detail.text.toPlainText,
            )
            # A second caller rings about the same incident and is linked to it.
            second = first(
                gateway.ok(
                    "/v1/calls",
                    {"line": "101", "caller_number": "020 7946 0555", "caller_name": "A Witness"},
                ),
                "calls",
            )
            answered = first(
                calltaker.ok(f"/v1/calls/{second['id']}/answer", version=second["version"]),
                "calls",
            )
            calltaker.ok(
                f"/v1/calls/{second['id']}/link",
                {"incident_id": incident["id"]},
                version=answered["version"],
            )
            await until(
                lambda: "Callers (2)" in detail.text.toPlainText(),
                what=detail.text.toPlainText,
            )
            text = detail.text.toPlainText()
            assert "07700 900123" in text and "first caller" in text
            assert "020 7946 0555" in text and "A Witness" in text and "linked" in text
            assert second["id"] not in text  # never an internal id
        # A console started after the link reads the callers from the platform.
        async with consoles.open("dispatcher", "b") as later:
            await until(lambda: incident["id"] in later.session.store.incidents)
            assert later.incidents.select_id(incident["id"])
            await until(
                lambda: "A Witness" in later.detail.text.toPlainText(),
                what=later.detail.text.toPlainText,
            )
            assert "Callers (2)" in later.detail.text.toPlainText()

    consoles.run(body())
