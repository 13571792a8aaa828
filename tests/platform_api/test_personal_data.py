"""Personal data: reads of callers' details are logged, and recordings can be exported
with callers pseudonymised for training rooms (issue 12, item 6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console.recording import load_recording
from platform_api.cli import main as cli_main
from platform_api.embedded import EmbeddedPlatform
from tests.platform_api.helpers import first, incident_body, make_call
from tests.platform_api.sse import read_stream


def _reads(supervisor: Any, **params: Any) -> list[dict[str, Any]]:
    response = supervisor.client.get("/v1/audit/reads", params=params)
    assert response.status_code == 200, response.text
    reads: list[dict[str, Any]] = response.json()
    return reads


def test_reading_a_callers_details_is_logged(
    gateway: Any, calltaker: Any, dispatcher: Any, supervisor: Any
) -> None:
    call = make_call(gateway, caller_name="Ada Lovelace")
    assert calltaker.get(f"/v1/calls/{call['id']}")["caller_name"] == "Ada Lovelace"
    dispatcher.get("/v1/state")
    dispatcher.get("/v1/calls")
    reads = _reads(supervisor, call_id=call["id"])
    assert [(r["username"], r["via"]) for r in reversed(reads)] == [
        ("calltaker", "GET /v1/calls/{call_id}"),
        ("dispatcher", "GET /v1/state"),
        ("dispatcher", "GET /v1/calls"),
    ]
    assert all(r["at"] for r in reads)
    assert _reads(supervisor, username="gateway") == []  # its own commands are not reads
    assert calltaker.client.get("/v1/audit/reads").status_code == 403


def test_a_numbers_history_is_logged_as_a_read_of_its_calls(
    gateway: Any, calltaker: Any, supervisor: Any
) -> None:
    earlier = make_call(gateway, caller_number="07700 900123")
    later = make_call(gateway, caller_number="07700 900123")
    found = calltaker.get(
        "/v1/history", caller_number="07700 900123", exclude_call_id=later["id"]
    )
    assert [c["id"] for c in found["calls"]] == [earlier["id"]]
    reads = _reads(supervisor, username="calltaker")
    assert [(r["call_id"], r["via"]) for r in reads] == [(earlier["id"], "GET /v1/history")]


def test_streams_and_exports_log_what_they_carried(
    platform: EmbeddedPlatform, gateway: Any, supervisor: Any, api_for: Any
) -> None:
    call = make_call(gateway)
    token = platform.login("dispatcher")
    assert read_stream(platform.url, token, 1, after=0)[0]["entity_id"] == call["id"]
    trainer = api_for("trainer")
    assert trainer.client.get("/v1/recordings").status_code == 200
    streamed = _reads(supervisor, call_id=call["id"], username="dispatcher")
    assert [r["via"] for r in streamed] == ["event stream"]
    exported = _reads(supervisor, username="trainer")
    assert exported[0]["call_id"] is None and exported[0]["via"] == "recording seq 1..1"


def test_a_redacted_recording_pseudonymises_callers_and_still_verifies(
    platform: EmbeddedPlatform, gateway: Any, calltaker: Any, tmp_path: Path
) -> None:
    numbers = ["07700 900111", "020 7946 0222", "07700 900111"]  # one caller rings twice
    names = ["Grace Hopper", "Alan Turing", "Grace Hopper"]
    for number, name in zip(numbers, names, strict=True):
        call = make_call(gateway, caller_number=number, caller_name=name)
        answered = first(calltaker.ok(f"/v1/calls/{call['id']}/answer", version=1), "calls")
        calltaker.ok(
            f"/v1/calls/{call['id']}/incident", incident_body(), version=answered["version"]
        )
    make_call(gateway, caller_number="+44 20 7946 0333", caller_name="Still Waiting")

    out = tmp_path / "training.jsonl"
    db = platform.settings.db_url
    assert cli_main(["export", "--db", db, "--redact", "--from-seq", "4", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for real in [*numbers, *names, "+44 20 7946 0333", "Still Waiting"]:
        assert real not in text, real
    recording = load_recording(out)  # recomputes every hash: the file verifies on its own
    assert recording.header.redacted
    assert "pseudonymised" in recording.header.source
    callers = {
        (c["caller_number"], c["caller_name"])
        for i in range(len(recording))
        for c in recording.event(i)["payload"].get("changes", {}).get("calls", [])
    }
    # the same person keeps one pseudonym; different people get different ones
    assert len({n for n, _ in callers}) == len({name for _, name in callers}) == 3
    assert all(n.startswith("+44 7700 900") for n, _ in callers)

    plain = tmp_path / "plain.jsonl"
    assert cli_main(["export", "--db", db, str(plain)]) == 0
    assert "Grace Hopper" in plain.read_text(encoding="utf-8")
    assert not load_recording(plain).header.redacted
