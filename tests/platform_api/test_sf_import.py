"""The San Francisco fire calls import as a verifying recording the Store can replay."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from console.recording import load_recording
from console.replay import Snapshots
from platform_api.cli import main as cli_main
from platform_api.sf_import import import_sf

CSV = (
    Path(__file__).resolve().parents[2].parent
    / "shared/data/sf-fire-calls/Fire_Department_Calls_for_Service.csv"
)

pytestmark = pytest.mark.skipif(not CSV.is_file(), reason="the SF data set is not present")


def _sample(tmp_path: Path, calls: int) -> Path:
    """The first `calls` calls of the data set, all their unit rows."""
    with CSV.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        fields = reader.fieldnames
    keep = sorted({r["Call Number"] for r in rows})[:calls]
    out = tmp_path / "sample.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields or [])
        writer.writeheader()
        writer.writerows(r for r in rows if r["Call Number"] in set(keep))
    return out


def test_the_whole_data_set_becomes_a_san_francisco_recording_of_every_call(
    tmp_path: Path,
) -> None:
    out = tmp_path / "sf.jsonl"
    assert cli_main(["import-sf", str(CSV), str(out)]) == 0
    recording = load_recording(out)
    assert recording.header.area == "san_francisco"
    assert "sf-fire-calls" in recording.header.source
    assert len(recording.header.initial_state.units) == 199
    heads = [recording.head(i) for i in range(len(recording))]
    assert sum(h["type"] == "call.received" for h in heads) == 5292
    assert len(recording.incident_times) == 5292
    # every call's life ends: at the end nothing is open and every unit is available again
    end = Snapshots(recording, every=20_000).state_at(recording.last_seq).to_state()
    assert not end.calls and not end.incidents and not end.assignments
    assert {u.status for u in end.units} == {"available"}


def test_a_call_becomes_received_dispatched_en_route_at_scene_and_cleared(
    tmp_path: Path,
) -> None:
    out = tmp_path / "sf.jsonl"
    header = import_sf(_sample(tmp_path, 20), out)
    recording = load_recording(out)
    assert header.event_count == len(recording)
    types = {recording.head(i)["type"] for i in range(len(recording))}
    assert {
        "call.received",
        "call.answered",
        "incident.created",
        "assignment.created",
        "assignment.en_route",
        "unit.positions",
        "assignment.at_scene",
        "assignment.cleared",
        "incident.closed",
    } <= types
    created = next(
        recording.event(i)
        for i in range(len(recording))
        if recording.head(i)["type"] == "incident.created"
    )
    incident = created["payload"]["changes"]["incidents"][0]
    assert incident["reference"].startswith("SFD-")
    assert 37.6 < incident["location"]["lat"] < 37.9


def test_a_file_that_is_not_the_data_set_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert cli_main(["import-sf", str(bad), str(tmp_path / "x.jsonl")]) == 2
    assert "not the SF fire calls CSV" in capsys.readouterr().err
