"""An import mapping: how to read one force's call log (a CSV) as calls, incidents and units.

A mapping is a TOML file (see docs/imports.md; `resources/imports/sf-fire-calls.toml` is
the San Francisco one). Columns are named by header, or by 0-based position for files with
no header line. A mistake in the mapping is refused at once, naming the file and key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platform_api.contract import Grade, UnitType

Column = str | int  # a header name, or a position from 0

_TOP = {
    "source_name",
    "area",
    "reference_prefix",
    "actor",
    "file",
    "columns",
    "units",
    "grades",
    "classifications",
    "unit_types",
}
_FILE = {"header", "delimiter", "encoding", "time_format", "timezone"}
_COLUMNS = {
    "call_id",
    "incident_id",
    "received",
    "raised",
    "classification",
    "priority",
    "address",
    "district",
    "location",
    "lat",
    "lon",
    "closing",
    "caller_number",
}
_UNITS = {"id", "type", "sequence", "dispatched", "en_route", "at_scene", "cleared", "home"}


class MappingError(ValueError):
    """The mapping file is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class CallMapping:
    source_name: str
    area: str
    reference_prefix: str
    actor: str
    header: bool
    delimiter: str
    encoding: str
    time_format: str  # a strptime pattern, or "iso"
    timezone: ZoneInfo
    columns: Mapping[str, Column]
    units: Mapping[str, Column] = field(default_factory=dict)
    unit_home: str = ""
    grades: Mapping[str, Grade] = field(default_factory=dict)
    default_grade: Grade | None = Grade.PRIORITY
    classifications: Mapping[str, str] = field(default_factory=dict)
    unit_types: Mapping[str, UnitType] = field(default_factory=dict)

    def grade_of(self, value: str) -> Grade | None:
        return self.grades.get(value.strip().casefold(), self.default_grade)


def load_mapping(path: Path) -> CallMapping:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{path}: {exc}") from exc
    return mapping_from(data, str(path))


def mapping_from(data: Mapping[str, Any], where: str) -> CallMapping:
    _known(where, "", data, _TOP)
    file = _table(where, "file", data.get("file", {}))
    _known(where, "file.", file, _FILE)
    header = file.get("header", True)
    if not isinstance(header, bool):
        raise MappingError(f"{where}: file.header: expected true or false")
    columns = _columns(where, "columns", data.get("columns"), header)
    _known(where, "columns.", columns, _COLUMNS)
    for needed in ("call_id", "received"):
        if needed not in columns:
            raise MappingError(f"{where}: columns.{needed}: required")
    has_latlon = "lat" in columns and "lon" in columns
    if not (has_latlon or "location" in columns or "address" in columns):
        raise MappingError(
            f"{where}: columns: give `location`, `lat` and `lon`, or an `address` to geocode"
        )
    units = _columns(where, "units", data.get("units", {}), header, frozenset({"home"}))
    _known(where, "units.", units, _UNITS)
    if units and "id" not in units:
        raise MappingError(f"{where}: units.id: required when [units] is given")
    try:
        zone = ZoneInfo(str(file.get("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(
            f"{where}: file.timezone: unknown time zone {file.get('timezone')!r}"
        ) from None
    grades_raw = dict(_table(where, "grades", data.get("grades", {})))
    default = grades_raw.pop("default", Grade.PRIORITY.value)
    grades = {
        str(k).strip().casefold(): _grade(where, f"grades.{k}", v) for k, v in grades_raw.items()
    }
    types = {
        str(k): _unit_type(where, f"unit_types.{k}", v)
        for k, v in _table(where, "unit_types", data.get("unit_types", {})).items()
    }
    classes = {
        str(k): str(v)
        for k, v in _table(where, "classifications", data.get("classifications", {})).items()
    }
    return CallMapping(
        source_name=str(data.get("source_name", "imported call log")),
        area=str(data.get("area", "london")),
        reference_prefix=str(data.get("reference_prefix", "IMP")),
        actor=str(data.get("actor", "import")),
        header=header,
        delimiter=str(file.get("delimiter", ",")),
        encoding=str(file.get("encoding", "utf-8")),
        time_format=str(file.get("time_format", "iso")),
        timezone=zone,
        columns=columns,
        units={k: v for k, v in units.items() if k != "home"},
        unit_home=str(units.get("home", "")),
        grades=grades,
        default_grade=None if default == "none" else _grade(where, "grades.default", default),
        classifications=classes,
        unit_types=types,
    )


def _known(where: str, prefix: str, data: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise MappingError(f"{where}: unknown key(s) {', '.join(prefix + e for e in extra)}")


def _table(where: str, key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MappingError(f"{where}: {key}: expected a table")
    return value


def _columns(
    where: str, key: str, value: Any, header: bool, extra: frozenset[str] = frozenset()
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, column in _table(where, key, value).items():
        if name in extra:
            out[name] = column
            continue
        if header and not isinstance(column, str):
            raise MappingError(
                f"{where}: {key}.{name}: expected a column name (the file has a header)"
            )
        if not header and (isinstance(column, bool) or not isinstance(column, int) or column < 0):
            raise MappingError(
                f"{where}: {key}.{name}: expected a column position from 0 (the file has no header)"
            )
        out[name] = column
    return out


def _grade(where: str, key: str, value: Any) -> Grade:
    try:
        return Grade(value)
    except ValueError:
        choices = ", ".join(g.value for g in Grade)
        raise MappingError(
            f"{where}: {key}: unknown grade {value!r}; expected one of {choices}"
        ) from None


def _unit_type(where: str, key: str, value: Any) -> UnitType:
    try:
        return UnitType(value)
    except ValueError:
        choices = ", ".join(t.value for t in UnitType)
        raise MappingError(
            f"{where}: {key}: unknown unit type {value!r}; expected one of {choices}"
        ) from None
