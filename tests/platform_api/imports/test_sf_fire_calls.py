"""The San Francisco fire calls, imported by their mapping, as a recording the Store replays."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.recording import load_recording
from console.replay import Snapshots
from platform_api.cli import main as cli_main
from platform_api.imports import import_calls, load_mapping, shipped_mapping
from platform_api.packs import load_pack

CSV = (
    Path(__file__).resolve().parents[3].parent
    / "shared/data/sf-fire-calls/Fire_Department_Calls_for_Service.csv"
)

# The first 20 calls of the data set, unchanged (tests/data/README.md): always present.
SAMPLE = Path(__file__).resolve().parents[2] / "data/sf-fire-calls-sample.csv"


@pytest.mark.skipif(not CSV.is_file(), reason="the whole SF data set is not present")
def test_the_whole_data_set_becomes_a_san_francisco_recording_of_every_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sf.jsonl"
    assert cli_main(["import-sf", str(CSV), str(out)]) == 0
    said = capsys.readouterr().out
    # five responses lie just south of the city line: outside the pack, counted, not dropped
    assert "10405 of 10410 rows used: 5289 calls, 199 units" in said
    assert "5 rows left out: 5 place outside the San Francisco pack's area" in said
    assert "line 823:" in said
    recording = load_recording(out)
    assert recording.header.area == "san_francisco"
    assert "sf-fire-calls" in recording.header.source
    assert len(recording.header.initial_state.units) == 199
    heads = [recording.head(i) for i in range(len(recording))]
    assert sum(h["type"] == "call.received" for h in heads) == 5289
    assert len(recording.incident_times) == 5289
    # every call's life ends: at the end nothing is open and every unit is available again
    end = Snapshots(recording, every=20_000).state_at(recording.last_seq).to_state()
    assert not end.calls and not end.incidents and not end.assignments
    assert {u.status for u in end.units} == {"available"}


def test_a_call_becomes_received_dispatched_en_route_at_scene_and_cleared(
    tmp_path: Path,
) -> None:
    out = tmp_path / "sf.jsonl"
    mapping = load_mapping(shipped_mapping("sf-fire-calls"))
    report = import_calls(SAMPLE, mapping, load_pack("san-francisco"), out)
    recording = load_recording(out)
    assert report.header.event_count == len(recording)
    assert report.rejects.total == 0 and report.calls == 20
    heads = [recording.head(i) for i in range(len(recording))]
    assert sum(h["type"] == "call.received" for h in heads) == 20  # the sample's 20 calls
    types = {h["type"] for h in heads}
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
    said = capsys.readouterr().err
    assert "line 1: no column(s) 'Call Number'" in said
    assert not (tmp_path / "x.jsonl").exists()
