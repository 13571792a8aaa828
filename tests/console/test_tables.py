"""Every item model of the console passes Qt's model checks while live events change it.

(One model per test: pytest-qt's `qtmodeltester` keeps one model's bookkeeping at a time.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import qasync

from console.store import Store
from console.tables import (
    CallQueueModel,
    EventLogModel,
    IncidentModel,
    UnitModel,
    capabilities_text,
)
from platform_api.contract import UnitPublic
from platform_api.embedded import EmbeddedPlatform
from tests.console.conftest import console_core, run, until
from tests.platform_api.helpers import make_call, make_incident, make_unit

MODELS: dict[str, Any] = {
    "calls": CallQueueModel,
    "incidents": IncidentModel,
    "units": UnitModel,
    "event log": lambda store: EventLogModel(store, capacity=5),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_each_model_stays_sound_while_calls_incidents_and_assignments_arrive(
    name: str,
    aloop: qasync.QEventLoop,
    platform: EmbeddedPlatform,
    gateway: Any,
    calltaker: Any,
    dispatcher: Any,
    tmp_path: Path,
    qtmodeltester: Any,
) -> None:
    async def body() -> None:
        async with console_core(platform.url, tmp_path, "dispatcher") as core:
            store: Store = core.store
            await until(lambda: core.sync.state == "connected", what="connected")
            model = MODELS[name](store)
            qtmodeltester.check(model, force_py=True)  # and on every change from here on
            unit = make_unit(gateway)
            incident = make_incident(gateway, calltaker)
            make_call(gateway, "101")
            dispatcher.ok(
                f"/v1/units/{unit['id']}/assign",
                {"incident_id": incident["id"]},
                version=unit["version"],
            )
            await until(lambda: len(store.assignments) == 1, what="the assignment")
            rows = {"calls": 1, "incidents": 1, "units": 1, "event log": 5}[name]
            assert model.rowCount() == rows  # the event log is capped: older ones drop off
            if name == "incidents":
                assert "CW11" in str(model.data(model.index(0, model.columnCount() - 1)))

    run(aloop, body())


def test_the_capabilities_column_gives_skills_before_the_crews_collar_numbers() -> None:
    """A narrow column cuts the end of the text; a dispatcher chooses by skills."""
    unit = UnitPublic.model_validate(
        {
            "id": "u1",
            "callsign": "CW11",
            "type": "response_car",
            "status": "available",
            "capabilities": ["blue lights"],
            "home_station": "CW",
            "borough": None,
            "status_since": "2026-11-24T00:00:00Z",
            "position": None,
            "incident_id": None,
            "crew": [
                {"collar": "PC 3912", "skills": ["taser"]},
                {"collar": "PC 5271", "skills": ["first aid"]},
            ],
            "version": 1,
        }
    )
    assert capabilities_text(unit) == "blue lights, first aid, taser; crew PC 3912/PC 5271"
