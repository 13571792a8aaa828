"""A recording loads only if every byte is as written: tampering is named by line and seq."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.recording import RecordingError, load_recording
from platform_api.contract.chain import canonical_header, dumps
from tests.shiftgen import build_shift


@pytest.fixture(scope="module")
def shift(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rec") / "shift.jsonl"
    build_shift(path, events=1500, hours=2, units=20, incidents_per_hour=30)
    return path


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _write(tmp_path: Path, lines: list[str]) -> Path:
    out = tmp_path / "edited.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_a_generated_shift_verifies_and_is_indexed(shift: Path) -> None:
    recording = load_recording(shift)
    header = recording.header
    assert len(recording) == header.event_count > 1000
    assert recording.first_seq == 1
    assert recording.last_seq == header.last_seq
    assert list(recording.times) == sorted(recording.times)
    assert len(recording.incident_times) > 10
    event = recording.event(5)
    assert event["seq"] == 6 and "payload" in event and event["hash"]


def test_a_changed_payload_is_rejected_naming_its_line_and_seq(shift: Path, tmp_path: Path) -> None:
    lines = _lines(shift)
    line = lines[100]
    assert '"lat":' in line
    at = line.index('"lat":') + len('"lat":')
    lines[100] = line[:at] + "1" + line[at:]
    with pytest.raises(RecordingError, match=r"line 101 \(seq 100\): content does not match"):
        load_recording(_write(tmp_path, lines))


def test_a_removed_event_is_rejected_as_a_missing_seq(shift: Path, tmp_path: Path) -> None:
    lines = _lines(shift)
    del lines[50]
    with pytest.raises(RecordingError, match="line 51: seq 51 where 50 was expected"):
        load_recording(_write(tmp_path, lines))


def test_a_truncated_file_is_rejected(shift: Path, tmp_path: Path) -> None:
    lines = _lines(shift)[:-3]
    with pytest.raises(RecordingError, match=r"header says .* \(truncated after seq"):
        load_recording(_write(tmp_path, lines))


def test_an_edited_initial_state_is_rejected(shift: Path, tmp_path: Path) -> None:
    lines = _lines(shift)
    header = json.loads(lines[0])
    header["initial_state"]["units"][0]["callsign"] = "FAKE1"
    lines[0] = json.dumps(header)
    with pytest.raises(RecordingError, match="line 1: the initial state does not match its sha256"):
        load_recording(_write(tmp_path, lines))


def test_an_edited_header_count_or_hash_is_rejected(shift: Path, tmp_path: Path) -> None:
    lines = _lines(shift)
    header = json.loads(lines[0])
    header["last_hash"] = "f" * 64
    lines[0] = json.dumps(header)
    with pytest.raises(RecordingError, match="does not match the header's last_hash"):
        load_recording(_write(tmp_path, lines))


def test_an_event_relinked_to_a_forged_chain_is_rejected(shift: Path, tmp_path: Path) -> None:
    lines = _lines(shift)
    forged = json.loads(lines[10])
    forged["prev_hash"] = "a" * 64
    head = json.dumps({k: v for k, v in forged.items() if k != "payload"}, separators=(",", ":"))
    lines[10] = head[:-1] + ',"payload":' + dumps(forged["payload"]) + "}"
    with pytest.raises(RecordingError, match=r"line 11 \(seq 10\): prev_hash does not link"):
        load_recording(_write(tmp_path, lines))


def test_a_file_that_is_not_a_recording_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"format": "something-else"}\n')
    with pytest.raises(RecordingError, match="not a control-room-recording/1 file"):
        load_recording(path)
    path.write_text("")
    with pytest.raises(RecordingError, match="is empty"):
        load_recording(path)
    with pytest.raises(RecordingError, match="cannot read"):
        load_recording(tmp_path / "missing.jsonl")


@pytest.mark.parametrize(
    "text", ["calltaker", 'quote " and \\ slash', "naïve café ✓", "tab\tnew\nline\x01", None]
)
def test_the_fast_canonical_header_is_the_logs_json(text: str | None) -> None:
    actor = text or "x"
    fields = {
        "actor": actor,
        "entity_id": text,
        "entity_type": text,
        "seq": 12,
        "ts": "2026-11-20T06:00:00.123000Z",
        "type": "call.received",
    }
    assert canonical_header(12, fields["ts"], actor, "call.received", text, text) == dumps(fields)
