"""Export then replay reproduces the platform's own state at every point noted."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.recording import Recording, load_recording, parse_recording
from console.store import Store
from platform_api.cli import main as cli_main
from platform_api.contract import StatePublic
from platform_api.embedded import EmbeddedPlatform
from tests.platform_api.helpers import LAMBETH, first, make_incident, make_unit


def comparable(state: StatePublic | Store) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for kind in ("calls", "incidents", "units", "assignments"):
        items = getattr(state, kind)
        entities = items.values() if isinstance(items, dict) else items
        tables[kind] = {e.id: e.model_dump(mode="json") for e in entities}
    seq = state.seq if isinstance(state, Store) else state.as_of_seq
    return {"seq": seq, **tables}


def drive(gateway: Any, calltaker: Any, dispatcher: Any) -> dict[int, dict[str, Any]]:
    """A small shift through the real API; the platform's state after each stage, by seq."""
    noted: dict[int, dict[str, Any]] = {}

    def note() -> None:
        state = StatePublic.model_validate(dispatcher.get("/v1/state"))
        noted[state.as_of_seq] = comparable(state)

    units = [make_unit(gateway, f"CW{i}") for i in range(3)]
    note()
    inc = make_incident(gateway, calltaker)
    gateway.ok("/v1/calls", {"line": "101", "caller_number": "020 7946 0000"})  # left queued
    note()
    a = first(
        dispatcher.ok(f"/v1/units/{units[0]['id']}/assign", {"incident_id": inc["id"]}, version=1),
        "assignments",
    )
    positions = [
        {"unit_id": u["id"], "lat": 51.5 + i / 100, "lon": -0.12, "speed_kmh": 30.0}
        for i, u in enumerate(units)
    ]
    gateway.ok("/v1/positions", {"positions": positions})
    a = first(
        gateway.ok(
            f"/v1/assignments/{a['id']}/progress", {"state": "en_route"}, version=a["version"]
        ),
        "assignments",
    )
    note()
    inc2 = make_incident(gateway, calltaker, location=LAMBETH, grade="priority")
    gateway.ok(f"/v1/assignments/{a['id']}/progress", {"state": "at_scene"}, version=a["version"])
    incident = dispatcher.get(f"/v1/incidents/{inc['id']}")
    dispatcher.ok(
        f"/v1/incidents/{inc['id']}/close",
        {"closing_classification": "Assault"},
        version=incident["version"],
    )
    note()
    dispatcher.ok(f"/v1/units/{units[1]['id']}/assign", {"incident_id": inc2["id"]}, version=1)
    gateway.ok("/v1/positions", {"positions": positions[::-1]})
    note()
    return noted


def replayed(recording: Recording, seqs: set[int]) -> dict[int, dict[str, Any]]:
    store = Store()
    store.bootstrap(recording.header.initial_state.model_copy(deep=True))
    seen = {store.seq: comparable(store)} if store.seq in seqs else {}
    for index in range(len(recording)):
        assert store.apply(recording.event(index))
        if store.seq in seqs:
            seen[store.seq] = comparable(store)
    return seen


def test_export_then_replay_reproduces_the_platforms_state(
    platform: EmbeddedPlatform, gateway: Any, calltaker: Any, dispatcher: Any, api_for: Any
) -> None:
    noted = drive(gateway, calltaker, dispatcher)
    trainer = api_for("trainer")
    response = trainer.client.get("/v1/recordings")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    recording = parse_recording(response.content)
    assert recording.first_seq == 1 and recording.last_seq == max(noted)
    assert replayed(recording, set(noted)) == noted

    # a window starting mid-log begins from the state folded up to it
    second = sorted(noted)[1]
    response = trainer.client.get("/v1/recordings", params={"from_seq": second + 1})
    window = parse_recording(response.content)
    assert window.header.initial_state.as_of_seq == second
    assert comparable(window.header.initial_state) == noted[second]
    later = {s for s in noted if s >= second}
    assert replayed(window, later) == {s: noted[s] for s in later}


def test_export_by_time_and_from_the_command_line(
    platform: EmbeddedPlatform, gateway: Any, calltaker: Any, dispatcher: Any, tmp_path: Path
) -> None:
    noted = drive(gateway, calltaker, dispatcher)
    db = platform.settings.db_url
    out = tmp_path / "all.jsonl"
    assert cli_main(["export", "--db", db, str(out)]) == 0
    recording = load_recording(out)
    assert recording.last_seq == max(noted)
    assert replayed(recording, set(noted)) == noted

    # by time: [from, to) picks the events stamped in it, and nothing else
    times = [recording.head(i)["ts"] for i in range(len(recording))]
    start, end = times[3], times[8]
    part = tmp_path / "part.jsonl"
    assert cli_main(["export", "--db", db, "--from", start, "--to", end, str(part)]) == 0
    window = load_recording(part)
    at = [datetime.fromisoformat(t) for t in times]
    stamped = [i + 1 for i, t in enumerate(at) if at[3] <= t < at[8]]
    assert [window.first_seq, window.last_seq] == [stamped[0], stamped[-1]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-11-20T10:00:00Z", "to": "2026-11-20T09:00:00Z"}, "to"),
        ({"from": "2026-11-20T10:00:00"}, "from"),
        ({"to_seq": 999}, "to_seq"),
        ({"from_seq": 0}, "from_seq"),
        ({"from_seq": 2, "to_seq": 0}, "to_seq"),
        ({"from_seq": 99}, "from_seq"),
        ({"from": "0001-01-01T00:00:00+14:00"}, "from"),
        ({"from": "2026-11-20T10:00:00Z", "from_seq": 1}, "from_seq"),
        ({"from": "yesterday"}, "from"),
    ],
)
def test_bad_export_bounds_are_a_4xx_naming_the_field(
    gateway: Any, api_for: Any, params: dict[str, Any], field: str
) -> None:
    make_unit(gateway)
    response = api_for("trainer").client.get("/v1/recordings", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize("username", ["calltaker", "dispatcher", "gateway"])
def test_only_trainers_supervisors_and_admins_may_export(api_for: Any, username: str) -> None:
    assert api_for(username).client.get("/v1/recordings").status_code == 403
    for allowed in ("trainer", "supervisor", "admin"):
        assert api_for(allowed).client.get("/v1/recordings").status_code == 200


def test_an_empty_window_is_a_header_only_recording(platform: EmbeddedPlatform) -> None:
    token = platform.login("trainer")
    response = httpx.get(
        f"{platform.url}/v1/recordings", headers={"Authorization": f"Bearer {token}"}
    )
    header = json.loads(response.text.splitlines()[0])
    assert header["event_count"] == 0
    assert len(parse_recording(response.content)) == 0


def test_the_cli_names_a_bad_bound(platform: EmbeddedPlatform, tmp_path: Path, capsys: Any) -> None:
    db = platform.settings.db_url
    assert cli_main(["export", "--db", db, "--to-seq", "5", str(tmp_path / "x")]) == 2
    assert "to_seq" in capsys.readouterr().err
