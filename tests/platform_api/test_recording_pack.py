"""Recordings carry their pack: an export names the platform's, an import the one it was
made in, and a recording from before packs is read as its area's (London by default)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from console.recording import load_recording
from platform_api.cli import main as cli_main
from platform_api.contract import RecordingHeader, StatePublic, UnitType
from platform_api.embedded import EmbeddedPlatform
from platform_api.imports import import_calls, load_mapping, shipped_mapping
from platform_api.packs import load_pack
from platform_api.sandbox import TrainingSandbox
from tests.conftest import Api

SAMPLE = Path(__file__).resolve().parents[1] / "data/sf-fire-calls-sample.csv"
EMPTY = StatePublic(as_of_seq=0, calls=[], incidents=[], units=[], assignments=[])


def _header(**fields: Any) -> dict[str, Any]:
    base = {
        "source": "test",
        "from_ts": "2026-01-01T00:00:00Z",
        "to_ts": "2026-01-01T01:00:00Z",
        "first_seq": 1,
        "last_seq": 0,
        "event_count": 0,
        "prev_hash": "0" * 64,
        "last_hash": "0" * 64,
        "created_at": "2026-01-01T01:00:00Z",
        "initial_state_sha256": "x",
        "initial_state": EMPTY.model_dump(mode="json"),
    }
    return {**base, **fields}


def test_a_recording_from_before_packs_is_read_as_its_areas() -> None:
    assert RecordingHeader.model_validate(_header()).pack == "london"
    old_sf = RecordingHeader.model_validate(_header(area="san_francisco"))
    assert old_sf.pack == "san-francisco"
    named = RecordingHeader.model_validate(_header(area="london", pack="hampshire-thames-valley"))
    assert named.pack == "hampshire-thames-valley"


def test_an_import_names_its_pack_and_keeps_fire_and_medical_units_apart(
    tmp_path: Path,
) -> None:
    out = tmp_path / "sf.jsonl"
    import_calls(SAMPLE, load_mapping(shipped_mapping("sf-fire-calls")),
                 load_pack("san-francisco"), out)
    recording = load_recording(out)
    assert recording.header.pack == "san-francisco"
    types = {u.callsign: u.type for u in recording.header.initial_state.units}
    assert types["E01"] is UnitType.FIRE_ENGINE
    assert UnitType.AMBULANCE in types.values()
    assert UnitType.RESPONSE_CAR not in types.values()  # no fire engine typed a police car


def test_an_export_names_the_pack_its_platform_serves(
    tmp_path: Path, db_url: str, api_for: Callable[[str], Api], platform: EmbeddedPlatform
) -> None:
    supervisor = api_for("supervisor")
    response = supervisor.client.get("/v1/recordings")
    assert response.status_code == 200
    header = json.loads(response.text.splitlines()[0])
    assert header["pack"] == "london"
    out = tmp_path / "cli.jsonl"
    assert cli_main(["export", "--db", db_url, "--pack", "san-francisco", str(out)]) == 0
    assert load_recording(out).header.pack == "san-francisco"
    assert cli_main(["export", "--db", db_url, "--pack", "atlantis", str(out)]) == 2


def test_a_sandbox_in_a_recordings_pack_raises_its_calls_there() -> None:
    sandbox = TrainingSandbox.start(
        EMPTY, datetime.now(UTC), simulate=True, call_rate_per_hour=3600, pack="san-francisco"
    )
    try:
        client = httpx.Client(
            base_url=sandbox.url,
            headers={"Authorization": f"Bearer {sandbox.login('supervisor')}"},
        )
        assert client.get("/v1/pack").json()["id"] == "san-francisco"
        deadline = time.monotonic() + 60
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:  # the simulator runs in its own thread
            state = client.get("/v1/state").json()
            if state["incidents"]:
                break
            time.sleep(0.2)
        client.close()
    finally:
        sandbox.stop()
    assert state["incidents"], "the sandbox's simulator raised no incident"
    sf = load_pack("san-francisco")
    for incident in state["incidents"]:
        location = incident["location"]
        assert sf.district_at(location["lat"], location["lon"]) is not None
        assert incident["reference"].startswith("TRN-")
    types = {u["type"] for u in state["units"]}
    assert types == {"fire_engine", "ambulance"}
