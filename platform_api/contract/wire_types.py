"""Field types of the wire contract that refuse hostile input with a clear message.

`contract` builds its schemas from these, so every string and number a client sends has a
bound, a type that will not coerce (`true` is not a latitude), and a rule for control
characters; each type also publishes the same rule as a JSON Schema `pattern`, so the
OpenAPI document promises exactly what the server accepts (schemathesis checks both ways).

Control characters, per field (docs/platform.md, "Bounds"):

- single-line text (names, classifications, reasons, callsigns, addresses): C0 and C1
  controls, DEL, line and paragraph separators, and the bidirectional embedding, override
  and isolate characters (U+202A-U+202E, U+2066-U+2069) are **refused** with a 422;
- multi-line text (narratives, log entries, THRIVE notes): the same, except that tab and
  line feed are kept and carriage returns are **removed** (CRLF becomes LF);
- passwords are never stored or served, so only their length is bounded.

A refusal, not a silent strip, for everything a person reads: an operator must see what the
caller's record says, and a right-to-left override could make one reference read as another.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    Strict,
    StringConstraints,
)

_C0_LINE = "\\x00-\\x1f"
_C0_MULTI = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f"  # keeps \t \n and \r (removed after)
_OTHERS = "\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
_FORBIDDEN_LINE = re.compile(f"[{_C0_LINE}{_OTHERS}]")
_FORBIDDEN_MULTI = re.compile(f"[{_C0_MULTI}{_OTHERS}]")


def _pattern(forbidden: str, *, non_blank: bool) -> str:
    """The JSON Schema pattern: no forbidden character, and (if asked) one non-space."""
    if not non_blank:
        return f"^[^{forbidden}]*$"
    return f"^[^{forbidden}]*[^\\s{forbidden}][^{forbidden}]*$"


def _checker(max_length: int, forbidden: re.Pattern[str]) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # the str validator names the wrong type
        if len(value) > max_length:
            raise ValueError(f"at most {max_length} characters")
        bad = forbidden.search(value)
        if bad is not None:
            raise ValueError(
                f"control or direction-override character U+{ord(bad.group()):04X} "
                f"at position {bad.start()} is not allowed"
            )
        return value

    return check


def _unify_newlines(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "")


_LINE_PATTERN = _pattern(f"{_C0_LINE}{_OTHERS}", non_blank=True)
LINE_PATTERN = _LINE_PATTERN  # for parameters that check it in code (geo search)


def line_problem(value: str) -> str | None:
    """Why `value` is not acceptable single-line text (blank, a control character), or None."""
    bad = _FORBIDDEN_LINE.search(value)
    if bad is not None:
        return f"control character U+{ord(bad.group()):04X} is not allowed"
    if not value.strip():
        return "type something to search for"
    return None


_LINE_PATTERN_MAY_BE_EMPTY = _pattern(f"{_C0_LINE}{_OTHERS}", non_blank=False)
_MULTI_PATTERN = _pattern(f"{_C0_MULTI}{_OTHERS}", non_blank=True)

# Single-line text: stripped, 1..N characters, control characters refused.
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    BeforeValidator(_checker(200, _FORBIDDEN_LINE)),
    Field(json_schema_extra={"pattern": _LINE_PATTERN}),
]
Callsign = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=16),
    BeforeValidator(_checker(16, _FORBIDDEN_LINE)),
    Field(json_schema_extra={"pattern": _LINE_PATTERN}),
]
Capability = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
    BeforeValidator(_checker(40, _FORBIDDEN_LINE)),
    Field(json_schema_extra={"pattern": _LINE_PATTERN}),
]
# A crew member's collar number, and a skill the unit gains ("taser", "first aid"),
# which recommendations count as a capability (so compared in lower case).
CollarNumber = Callsign
Skill = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=40),
    BeforeValidator(_checker(40, _FORBIDDEN_LINE)),
    Field(json_schema_extra={"pattern": _LINE_PATTERN}),
]
# An address may be left empty (the point is what counts).
Address = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=300),
    BeforeValidator(_checker(300, _FORBIDDEN_LINE)),
    Field(json_schema_extra={"pattern": _LINE_PATTERN_MAY_BE_EMPTY}),
]
# Free text of several lines: tabs and line feeds kept, carriage returns removed.
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    BeforeValidator(_checker(4000, _FORBIDDEN_MULTI)),
    AfterValidator(_unify_newlines),
    Field(json_schema_extra={"pattern": _MULTI_PATTERN}),
]


# ---------------------------------------------------------------- phone numbers

# E.164 (+, country code, up to 15 digits) or a UK national number (0, then 9 or 10
# digits), with single spaces or hyphens between digits as people write them.
PHONE_PATTERN = r"^(\+[1-9]([ -]?[0-9]){6,14}|0[1-9]([ -]?[0-9]){8,9})$"
_PHONE = re.compile(PHONE_PATTERN)


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError(
            "not a phone number: give it in E.164 form (+44 20 7946 0000) or as a UK "
            "national number (020 7946 0000, 07700 900123)"
        )
    return value


PhoneNumber = Annotated[
    str,
    StringConstraints(max_length=32),
    AfterValidator(_phone),
    Field(json_schema_extra={"pattern": PHONE_PATTERN}),
]


# ---------------------------------------------------------------- numbers


# Finite JSON numbers within bounds; `true`, `"3"` and NaN are refused (Strict still
# takes an integer where a float is asked, as JSON does not tell them apart).
Latitude = Annotated[float, Strict(), Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Strict(), Field(ge=-180, le=180, allow_inf_nan=False)]
AccuracyMetres = Annotated[float, Strict(), Field(gt=0, le=100_000, allow_inf_nan=False)]
Heading = Annotated[float, Strict(), Field(ge=0, lt=360, allow_inf_nan=False)]
SpeedKmh = Annotated[float, Strict(), Field(ge=0, le=400, allow_inf_nan=False)]


# ---------------------------------------------------------------- times

# Position (AVL) times: a device may send a fix it buffered while out of coverage, but not
# one from another day, nor one from the future beyond clock skew.
FIX_MAX_AGE = timedelta(hours=24)
FIX_MAX_AHEAD = timedelta(minutes=5)


def _recent(value: datetime) -> datetime:
    now = datetime.now(UTC)
    if not now - FIX_MAX_AGE <= value <= now + FIX_MAX_AHEAD:
        raise ValueError(
            "must lie within the last 24 hours and at most 5 minutes ahead of the "
            f"platform's clock (now {now.isoformat(timespec='seconds')})"
        )
    return value


_ISO_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}")


def _iso_text(value: Any) -> Any:
    """A time is an RFC 3339 string: pydantic alone would also take 1700000000 or "0.5".

    (A datetime object is fine: that is Python code building a model, not the wire.)"""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_TIME.match(value):
        raise ValueError("give an ISO 8601 time with a zone, e.g. 2026-11-20T06:00:00Z")
    return value


# Any time a client sends: an ISO string with a zone.
ZonedTime = Annotated[AwareDatetime, BeforeValidator(_iso_text)]

RecentTime = Annotated[
    AwareDatetime,
    AfterValidator(_recent),
    BeforeValidator(_iso_text),
    Field(description="with a time zone; within the last 24 hours, at most 5 minutes ahead"),
]
