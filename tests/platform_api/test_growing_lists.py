"""An event carries what it adds to an incident's log and calls, never the whole lists.

Before this rule every `incident.log_added` event (and its stored idempotent response)
repeated the incident's whole narrative log, so the 970th entry of a long incident cost
134 kB. Consumers (the console's Store, `platform_api.contract.fold` for replay and export) rebuild
the full lists; recordings written before the rule carry the whole lists and still fold.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from console.recording import load_recording, parse_recording
from console.replay import Snapshots
from console.store import Store
from platform_api.contract import (
    IncidentPublic,
    LocatedPublic,
    LogEntryPublic,
    StatePublic,
    Thrive,
)
from platform_api.contract.fold import StateFold
from platform_api.recording import EventChain, iso, make_header, write_recording
from tests.platform_api.helpers import answered_call, first, make_incident

ENTRIES = 60


def _log_events(api: Any, after: int = 0) -> list[dict[str, Any]]:
    page = api.get("/v1/events", after=after, limit=1000)
    return [e for e in page["events"] if e["type"] == "incident.log_added"]


def test_the_nth_log_entry_costs_what_the_first_did(
    gateway: Any, calltaker: Any, dispatcher: Any
) -> None:
    incident = make_incident(gateway, calltaker)
    path = f"/v1/incidents/{incident['id']}/log"
    responses = []
    for n in range(ENTRIES):
        response = calltaker.post(path, {"text": f"Update {n:03d}: caller still on the line"})
        assert response.status_code == 200, response.text
        responses.append(response)

    sizes = [len(json.dumps(e["payload"])) for e in _log_events(dispatcher)]
    assert len(sizes) == ENTRIES
    # Only the version's digits and a time's fraction (omitted when zero) may differ; the
    # whole log would add about 100 bytes an entry, 6 kB by the last one.
    assert max(sizes) - min(sizes) <= 16, sizes
    assert len(responses[-1].content) - len(responses[0].content) <= 16

    last = responses[-1].json()
    assert "log" not in first(last, "incidents")
    [entry] = last["appended"]["incidents"][incident["id"]]["log"]
    assert entry["text"] == f"Update {ENTRIES - 1:03d}: caller still on the line"

    log = dispatcher.get(f"/v1/incidents/{incident['id']}")["log"]
    assert len(log) == ENTRIES + 1  # the narrative, then every update in order
    assert [e["text"] for e in log[1:]] == [
        f"Update {n:03d}: caller still on the line" for n in range(ENTRIES)
    ]


def test_a_retried_log_entry_replays_a_response_of_one_entry(calltaker: Any, gateway: Any) -> None:
    incident = make_incident(gateway, calltaker)
    path = f"/v1/incidents/{incident['id']}/log"
    for n in range(20):
        calltaker.post(path, {"text": f"line {n}"})
    sent = calltaker.post(path, {"text": "the retried one"}, key="retry-me")
    again = calltaker.post(path, {"text": "the retried one"}, key="retry-me")
    assert again.status_code == 200
    assert again.content == sent.content
    assert len(again.json()["appended"]["incidents"][incident["id"]]["log"]) == 1


def _comparable(state: StatePublic | Store) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for kind in ("calls", "incidents", "units", "assignments"):
        items = getattr(state, kind)
        entities = items.values() if isinstance(items, dict) else items
        tables[kind] = {e.id: e.model_dump(mode="json") for e in entities}
    return tables


def test_store_and_replay_rebuild_the_full_log_and_calls(
    gateway: Any, calltaker: Any, dispatcher: Any, api_for: Any
) -> None:
    incident = make_incident(gateway, calltaker)
    other = make_incident(gateway, calltaker)
    for n in range(ENTRIES):
        target = incident if n % 3 else other
        calltaker.ok(f"/v1/incidents/{target['id']}/log", {"text": f"entry {n}"})
    duplicate = answered_call(gateway, calltaker)
    linked = calltaker.ok(
        f"/v1/calls/{duplicate['id']}/link",
        {"incident_id": incident["id"]},
        version=duplicate["version"],
    )
    calltaker.ok(
        f"/v1/incidents/{incident['id']}/grade",
        {"grade": "priority", "reason": "suspect left"},
        version=first(linked, "incidents")["version"],
    )

    state = StatePublic.model_validate(dispatcher.get("/v1/state"))
    full = {i.id: i for i in state.incidents}[incident["id"]]
    assert len(full.log) == 1 + ENTRIES - ENTRIES // 3 + 1  # narrative, entries, re-grade
    assert len(full.call_ids) == 2 and full.call_ids[-1] == duplicate["id"]

    recording = parse_recording(api_for("trainer").client.get("/v1/recordings").content)
    store = Store()
    store.bootstrap(recording.header.initial_state.model_copy(deep=True))
    for index in range(len(recording)):
        assert store.apply(recording.event(index))
    assert store.seq == state.as_of_seq
    assert _comparable(store) == _comparable(state)

    folded = Snapshots(recording, every=7).state_at(recording.last_seq).to_state()
    assert _comparable(folded) == _comparable(state)


def _old_incident(log: list[LogEntryPublic], call_ids: list[str], version: int) -> dict[str, Any]:
    """An incident as events carried it before this rule: the whole form, lists included."""
    return IncidentPublic(
        id="i1",
        version=version,
        reference="LDN-20261101-0001",
        opening_classification="Concern for safety",
        closing_classification=None,
        grade="priority",
        target_at=None,
        thrive=Thrive(),
        location=LocatedPublic(lat=51.5, lon=-0.12, address=None, borough="Westminster"),
        status="open",
        created_at=datetime(2026, 11, 1, 9, tzinfo=UTC),
        created_by="calltaker",
        closed_at=None,
        call_ids=call_ids,
        log=log,
    ).model_dump(mode="json")


def test_a_recording_from_before_the_rule_still_folds(tmp_path: Path) -> None:
    t0 = datetime(2026, 11, 1, 9, tzinfo=UTC)
    entries = [
        LogEntryPublic(at=t0 + timedelta(minutes=n), author="calltaker", text=f"line {n}")
        for n in range(4)
    ]
    chain = EventChain()
    lines = [
        chain.append(
            iso(t0),
            "calltaker",
            "incident.created",
            "incident",
            "i1",
            {"changes": {"incidents": [_old_incident(entries[:1], ["c1"], 1)]}},
        ),
        chain.append(
            iso(t0 + timedelta(minutes=1)),
            "calltaker",
            "incident.log_added",
            "incident",
            "i1",
            {"changes": {"incidents": [_old_incident(entries[:2], ["c1"], 2)]}},
        ),
        chain.append(
            iso(t0 + timedelta(minutes=2)),
            "calltaker",
            "call.linked",
            "call",
            "c2",
            {"changes": {"incidents": [_old_incident(entries[:3], ["c1", "c2"], 3)]}},
        ),
    ]
    # then an event of today's form: the incident without lists, and what it adds
    fields = {k: v for k, v in _old_incident([], [], 4).items() if k not in ("log", "call_ids")}
    lines.append(
        chain.append(
            iso(t0 + timedelta(minutes=3)),
            "calltaker",
            "incident.log_added",
            "incident",
            "i1",
            {
                "changes": {"incidents": [fields]},
                "appended": {"incidents": {"i1": {"log": [entries[3].model_dump(mode="json")]}}},
            },
        )
    )
    empty = StatePublic(as_of_seq=0, calls=[], incidents=[], units=[], assignments=[])
    header = make_header(
        source="before-the-rule",
        initial_state=empty,
        from_ts=t0,
        to_ts=t0 + timedelta(minutes=4),
        first_seq=1,
        last_seq=chain.seq,
        prev_hash=chain.prev_hash,
        last_hash=chain.hash,
    )
    path = tmp_path / "old.jsonl"
    with path.open("w", encoding="utf-8") as out:
        write_recording(out, header, lines)
    recording = load_recording(path)

    store = Store()
    store.bootstrap(empty)
    fold = StateFold.from_state(empty)
    for index in range(len(recording)):
        event = recording.event(index)
        assert store.apply(event)
        fold.apply(event["seq"], event["ts"], event["type"], event["payload"])
        if index == 2:  # an old event's whole lists replace what was held
            assert [e.text for e in store.incidents["i1"].log] == ["line 0", "line 1", "line 2"]
    expected = (["c1", "c2"], [e.text for e in entries], 4)
    held = store.incidents["i1"]
    assert (held.call_ids, [e.text for e in held.log], held.version) == expected
    folded = fold.incidents["i1"]
    assert (folded["call_ids"], [e["text"] for e in folded["log"]], folded["version"]) == expected
