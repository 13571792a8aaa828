"""The Server-Sent Events frame built once per event (platform_api.fanout)."""

from __future__ import annotations

from httpx_sse._decoders import SSEDecoder

from platform_api.fanout import framed, sse_frame


def _decode(frames: bytes) -> list[tuple[str, str, str]]:
    decoder, out = SSEDecoder(), []
    for line in frames.decode().split("\r\n")[:-1]:  # the text after the last line end
        sse = decoder.decode(line)
        if sse is not None:
            out.append((sse.id, sse.event, sse.data))
    return out


def test_frames_decode_one_by_one_and_run_together() -> None:
    wire = '{"seq":7,"payload":{"note":"caf\u00e9 \u2028 ok"}}'
    joined = sse_frame(7, "incident.log_added", wire) + sse_frame(8, "unit.positions", "{}")
    assert _decode(joined) == [
        ("7", "incident.log_added", wire),
        ("8", "unit.positions", "{}"),
    ]


def test_a_line_break_in_a_row_becomes_data_lines_not_a_broken_frame() -> None:
    assert _decode(sse_frame(3, "x", "a\nb\r\nc")) == [("3", "x", "a\nb\nc")]


def test_the_callers_an_event_carries_are_found_once() -> None:
    call = '{"payload":{"changes":{"calls":[{"id":"c1","caller_number":"+447700900001"}]}}}'
    assert framed(1, "call.received", call).callers == ("c1",)
    assert framed(2, "unit.positions", '{"payload":{"positions":[]}}').callers == ()
