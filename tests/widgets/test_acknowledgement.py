"""An unacknowledged dispatch is flagged on the unit board and the incident board, by the
Store's clock, and the flag clears when the unit's device acknowledges."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.console.conftest import until
from tests.platform_api.helpers import first, make_incident, make_unit
from tests.widgets.conftest import Consoles


def test_a_dispatch_not_acknowledged_in_time_is_flagged_until_the_device_acknowledges(
    consoles: Consoles,
    gateway: Any,
    calltaker: Any,
    dispatcher: Any,
) -> None:
    async def body() -> None:
        async with consoles.open() as window:
            store = window.session.store
            unit = make_unit(gateway, "CW41")
            incident = make_incident(gateway, calltaker)
            sent = dispatcher.ok(
                f"/v1/units/{unit['id']}/assign",
                {"incident_id": incident["id"]},
                version=unit["version"],
            )
            a = first(sent, "assignments")
            await until(lambda: a["id"] in store.assignments, what="the assignment")
            units, incidents = window.units.model, window.incidents.model

            def unit_status() -> str:
                row = units.row_of(unit["id"])
                assert row is not None
                return str(units.index(row, units.STATUS_COLUMN).data())

            def incident_units() -> str:
                row = incidents.row_of(incident["id"])
                assert row is not None
                return str(incidents.index(row, incidents.UNITS_COLUMN).data())

            assert "NOT ACKNOWLEDGED" not in unit_status()
            assert incident_units() == "CW41"
            due = store.assignments[a["id"]].ack_due_at
            assert due is not None
            store.clock = lambda: due + timedelta(seconds=1)  # a minute on, no answer
            assert "NOT ACKNOWLEDGED" in unit_status()
            assert incident_units() == "CW41 (NOT ACKNOWLEDGED)"
            gateway.ok(f"/v1/assignments/{a['id']}/acknowledge", {}, version=a["version"])
            await until(lambda: store.assignments[a["id"]].state.value == "acknowledged")
            assert "NOT ACKNOWLEDGED" not in unit_status()
            assert incident_units() == "CW41"

    consoles.run(body())
