"""A call log of another shape: no header, semicolons, local ISO times, places by address.

The file is a small invented log of a London force: positions instead of column names,
times in local time across the change to summer time, some rows placed by coordinates and
some by an address the London pack's gazetteer knows, and rows that cannot be used.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.recording import load_recording
from platform_api.cli import main as cli_main
from platform_api.imports import MappingError, import_calls, load_mapping
from platform_api.packs import load_pack

# call id; when (local); what; priority; lat; lon; address; unit; dispatched; at scene; clear
LOG = """\
C1;2026-03-28T23:50:00;ASSAULT;1;51.5154;-0.1755;;R1;2026-03-28T23:52:00;2026-03-29T00:03:00;2026-03-29T00:40:00
C2;2026-03-29T02:30:00;THEFT;3;;;Paddington station;R2;2026-03-29T02:40:00;;2026-03-29T03:10:00
C3;2026-03-29T03:00:00;ASSAULT;1;51.4627;-0.1145;;R1;2026-03-29T03:01:00;2026-03-29T03:09:00;2026-03-29T03:30:00
C4;not a time;THEFT;3;51.5;-0.1;;R3;;;
C5;2026-03-29T04:00:00;THEFT;3;;;Nowhere Street;R3;;;
C6;2026-03-29T04:10:00;THEFT;3;48.8566;2.3522;;R3;;;
C7;2026-03-29T04:20:00;BURGLARY;9;51.5;-0.1;;R3;;;
"""

MAPPING = """\
source_name = "a test force's call log"
reference_prefix = "TST"
actor = "test-cad"

[file]
header = false
delimiter = ";"
time_format = "iso"
timezone = "Europe/London"

[columns]
call_id = 0
received = 1
classification = 2
priority = 3
lat = 4
lon = 5
address = 6

[units]
id = 7
dispatched = 8
at_scene = 9
cleared = 10

[grades]
"1" = "immediate"
"3" = "scheduled"
default = "none"   # an unknown priority is an error in the data: leave the row out

[classifications]
"ASSAULT" = "Violence"
"THEFT" = "Theft"
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    log, mapping = tmp_path / "calls.csv", tmp_path / "mapping.toml"
    log.write_text(LOG)
    mapping.write_text(MAPPING)
    return log, mapping


def test_rows_that_cannot_be_used_are_counted_by_reason_with_their_lines(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    log, mapping = files
    report = import_calls(log, load_mapping(mapping), load_pack("london"), tmp_path / "o.jsonl")
    assert (report.rows_read, report.rows_used, report.calls) == (7, 3, 3)
    assert dict(report.rejects.counts) == {
        "unreadable received time": 1,
        "address not in the gazetteer": 1,
        "place outside the London pack's area": 1,
        "priority with no grade in the mapping": 1,
    }
    assert report.rejects.examples == [
        (4, "unreadable received time"),
        (5, "address not in the gazetteer"),
        (6, "place outside the London pack's area"),
        (7, "priority with no grade in the mapping"),
    ]
    assert "4 rows left out" in report.summary() and "line 5:" in report.summary()


def test_the_recording_has_the_calls_in_utc_mapped_and_placed(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    log, mapping = files
    out = tmp_path / "o.jsonl"
    import_calls(log, load_mapping(mapping), load_pack("london"), out)
    recording = load_recording(out)
    created = [
        recording.event(i)["payload"]["changes"]["incidents"][0]
        for i in range(len(recording))
        if recording.head(i)["type"] == "incident.created"
    ]
    by_ref = {i["reference"]: i for i in created}
    assert set(by_ref) == {"TST-C1", "TST-C2", "TST-C3"}
    # 23:50 GMT is 23:50 UTC; 03:00 on the 29th is after the clocks went forward: 02:00 UTC
    assert datetime.fromisoformat(by_ref["TST-C1"]["created_at"]) == datetime(
        2026, 3, 28, 23, 50, tzinfo=UTC
    )
    assert datetime.fromisoformat(by_ref["TST-C3"]["created_at"]) == datetime(
        2026, 3, 29, 2, 0, tzinfo=UTC
    )
    assert by_ref["TST-C1"]["opening_classification"] == "Violence"
    assert by_ref["TST-C1"]["grade"] == "immediate"
    assert by_ref["TST-C2"]["grade"] == "scheduled"
    # placed by the gazetteer's Paddington station, in Westminster
    padd = next(p for p in load_pack("london").places if p.name == "Paddington station")
    assert (by_ref["TST-C2"]["location"]["lat"], by_ref["TST-C2"]["location"]["lon"]) == (
        padd.lat,
        padd.lon,
    )
    # R1 went to C1, cleared, then to C3: two assignments, both cleared by the end
    heads = [recording.head(i)["type"] for i in range(len(recording))]
    assert heads.count("assignment.created") == 3
    assert heads.count("assignment.cleared") == 3
    assert heads.count("incident.closed") == 3


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("call_id = 0", 'call_id = "Call"'), "columns.call_id: expected a column position"),
        (('"1" = "immediate"', '"1" = "urgent"'), "grades.1: unknown grade 'urgent'"),
        (('timezone = "Europe/London"', 'timezone = "Mars/Olympus"'), "file.timezone"),
        (("[units]", "colour = 1\n[units]"), "unknown key(s) columns.colour"),
        (("lat = 4\nlon = 5\naddress = 6\n", ""), "give `location`, `lat` and `lon`"),
    ],
)
def test_a_wrong_mapping_is_refused_naming_file_and_key(
    files: tuple[Path, Path], change: tuple[str, str], words: str
) -> None:
    _, mapping = files
    text = mapping.read_text()
    assert change[0] in text
    mapping.write_text(text.replace(change[0], change[1], 1))
    with pytest.raises(MappingError) as caught:
        load_mapping(mapping)
    assert words in str(caught.value) and str(mapping) in str(caught.value)


def test_the_command_reports_counts_and_refuses_a_file_with_nothing_usable(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log, mapping = files
    out = tmp_path / "o.jsonl"
    assert cli_main(["import-calls", str(log), str(out), "--mapping", str(mapping)]) == 0
    said = capsys.readouterr().out
    assert "3 of 7 rows used: 3 calls, 2 units" in said
    empty = tmp_path / "bad.csv"
    empty.write_text("C9;never;THEFT;3;51.5;-0.1;;R9;;;\n")
    assert (
        cli_main(["import-calls", str(empty), str(tmp_path / "x.jsonl"), "--mapping", str(mapping)])
        == 2
    )
    assert "no usable rows (line 1: unreadable received time)" in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()
