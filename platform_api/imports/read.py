"""Read a call log with its mapping into clean rows, counting every row left out and why.

Nothing is dropped in silence: a row without a usable time or place is counted under its
reason, and the first few are kept with their line numbers for the report. Times become
UTC through the mapping's time zone (so daylight saving is handled as the zone says); a
place comes from a "(lat, lon)" column or two columns, or, on a row without coordinates,
from an address looked up in the force pack's gazetteer; a place outside the pack's area
is refused (it is not this force's).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from platform_api.contract import Grade
from platform_api.imports.mapping import CallMapping, Column
from platform_api.packs import ForcePack

EXAMPLES = 5
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class UnitStep:
    """One unit's response to a call: who, what type in the source, and when."""

    unit: str
    source_type: str
    sequence: int
    dispatched: datetime | None
    en_route: datetime | None
    at_scene: datetime | None
    cleared: datetime | None


@dataclass(frozen=True)
class CallRow:
    line: int
    call_id: str
    incident_id: str
    received: datetime
    raised: datetime
    classification: str
    grade: Grade
    lat: float
    lon: float
    address: str | None
    district: str | None
    closing: str | None
    caller_number: str
    unit: UnitStep | None


@dataclass
class Rejects:
    """Rows left out: how many for each reason, and the first few with their lines."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[int, str]] = field(default_factory=list)

    def add(self, line: int, reason: str) -> None:
        self.counts[reason] += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append((line, reason))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Skip(Exception):
    """This row cannot be used; the message is the reason counted."""


def read_calls(path: Path, mapping: CallMapping, pack: ForcePack) -> tuple[list[CallRow], Rejects]:
    rejects = Rejects()
    rows: list[CallRow] = []
    # the gazetteer's places, then each district's name at a point inside it
    places = {d.name.casefold(): d.centroid for d in pack.districts}
    places.update({p.name.casefold(): (p.lat, p.lon) for p in pack.places})
    for line, cells, names in _records(path, mapping):
        try:
            rows.append(_row(line, cells, names, mapping, pack, places))
        except Skip as skip:
            rejects.add(line, str(skip))
    return rows, rejects


def _records(
    path: Path, mapping: CallMapping
) -> Iterator[tuple[int, Sequence[str], dict[str, int]]]:
    with path.open(encoding=mapping.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=mapping.delimiter)
        names: dict[str, int] = {}
        first = 1
        if mapping.header:
            head = next(reader, None)
            if head is None:
                return
            names = {name.strip(): i for i, name in enumerate(head)}
            missing = [
                c
                for c in (*mapping.columns.values(), *mapping.units.values())
                if isinstance(c, str) and c not in names
            ]
            if missing:
                raise ValueError(
                    f"{path}: line 1: no column(s) {', '.join(map(repr, missing))}"
                    " named in the mapping"
                )
            first = 2
        for line, cells in enumerate(reader, start=first):
            if cells:
                yield line, cells, names


def _cell(cells: Sequence[str], names: dict[str, int], column: Column | None) -> str:
    if column is None:
        return ""
    index = column if isinstance(column, int) else names[column]
    return cells[index].strip() if index < len(cells) else ""


def _time(text: str, mapping: CallMapping, what: str) -> datetime | None:
    if not text:
        return None
    try:
        if mapping.time_format == "iso":
            value = datetime.fromisoformat(text)
        else:
            value = datetime.strptime(text, mapping.time_format)
    except ValueError:
        raise Skip(f"unreadable {what} time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=mapping.timezone)
    return value.astimezone(UTC)


def _row(
    line: int,
    cells: Sequence[str],
    names: dict[str, int],
    mapping: CallMapping,
    pack: ForcePack,
    places: dict[str, tuple[float, float]],
) -> CallRow:
    col = mapping.columns

    def get(key: str) -> str:
        return _cell(cells, names, col.get(key))

    call_id = get("call_id")
    if not call_id:
        raise Skip("no call id")
    received = _time(get("received"), mapping, "received")
    if received is None:
        raise Skip("no received time")
    raised = max(received, _time(get("raised"), mapping, "raised") or received)
    lat, lon = _where(get, mapping, places)
    if pack.district_at(lat, lon) is None:
        raise Skip(f"place outside the {pack.name} pack's area")
    grade = mapping.grade_of(get("priority"))
    if grade is None:
        raise Skip("priority with no grade in the mapping")
    source_class = get("classification") or "Unclassified"
    unit = None
    if mapping.units:
        u = mapping.units
        unit_id = _cell(cells, names, u.get("id"))
        if not unit_id:
            raise Skip("no unit id")
        seq_text = _cell(cells, names, u.get("sequence"))
        unit = UnitStep(
            unit=unit_id,
            source_type=_cell(cells, names, u.get("type")),
            sequence=int(seq_text) if seq_text.isdecimal() else 0,
            dispatched=_time(_cell(cells, names, u.get("dispatched")), mapping, "dispatch"),
            en_route=_time(_cell(cells, names, u.get("en_route")), mapping, "en route"),
            at_scene=_time(_cell(cells, names, u.get("at_scene")), mapping, "at scene"),
            cleared=_time(_cell(cells, names, u.get("cleared")), mapping, "cleared"),
        )
    return CallRow(
        line=line,
        call_id=call_id,
        incident_id=get("incident_id") or call_id,
        received=received,
        raised=raised,
        classification=mapping.classifications.get(source_class, source_class),
        grade=grade,
        lat=lat,
        lon=lon,
        address=get("address") or None,
        district=get("district") or None,
        closing=get("closing") or None,
        caller_number=get("caller_number"),
        unit=unit,
    )


def _where(
    read: Callable[[str], str], mapping: CallMapping, places: dict[str, tuple[float, float]]
) -> tuple[float, float]:
    point: tuple[float, float] | None = None
    if "location" in mapping.columns:
        numbers = _NUMBER.findall(read("location"))
        if len(numbers) == 2:
            point = float(numbers[0]), float(numbers[1])
    elif "lat" in mapping.columns and read("lat") and read("lon"):
        try:
            point = float(read("lat")), float(read("lon"))
        except ValueError:
            raise Skip("unreadable lat or lon") from None
    if point is None and "address" in mapping.columns and read("address"):
        # no coordinates on this row: the address, if the pack's gazetteer knows it
        point = places.get(read("address").casefold())
        if point is None:
            raise Skip("address not in the gazetteer")
    if point is None:
        raise Skip("no location")
    lat, lon = point
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Skip("location not on Earth")
    return lat, lon
