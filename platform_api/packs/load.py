"""Load and validate a force pack folder; every mistake names the file and what is at fault.

`load_pack("london")` finds a shipped pack (`resources/packs/<name>`); a path loads a site's
own folder. Validation is strict because a pack decides where incidents are and which
force they belong to: an unknown force code on a district, a gazetteer row with a latitude
of 151, a district that is not a polygon are refused at start, with the line or feature
named, never discovered at 3 a.m.
"""

from __future__ import annotations

import csv
import json
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import shapely
from shapely.geometry import shape

from platform_api.contract import UnitType
from platform_api.packs.model import (
    Base,
    District,
    Force,
    ForcePack,
    Overlay,
    Place,
    RosterLine,
)

DEFAULT_PACK = "london"
_TOP = {
    "id",
    "name",
    "timezone",
    "district_word",
    "attribution",
    "forces",
    "map",
    "files",
    "roster",
}


class PackError(ValueError):
    """A force pack is wrong; the message names the file and the feature, line or key."""


def shipped_packs() -> list[str]:
    root = resources.files("resources") / "packs"
    return sorted(p.name for p in root.iterdir() if (p / "pack.toml").is_file())


def pack_folder(name_or_path: str | Path) -> Path:
    """A shipped pack's folder by name, or a site's folder by path."""
    candidate = Path(name_or_path)
    if candidate.is_dir():
        return candidate
    shipped = resources.files("resources") / "packs" / str(name_or_path)
    if (shipped / "pack.toml").is_file():
        return Path(str(shipped))
    raise PackError(
        f"{name_or_path}: no such force pack (a folder with a pack.toml, or one of: "
        f"{', '.join(shipped_packs())})"
    )


@cache
def load_pack(name_or_path: str | Path = DEFAULT_PACK) -> ForcePack:
    """The validated pack (cached: a pack is read once per process)."""
    folder = pack_folder(name_or_path)
    toml_path = folder / "pack.toml"
    try:
        data = tomllib.loads(toml_path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PackError(f"{toml_path}: {exc}") from exc
    where = str(toml_path)
    extra = sorted(set(data) - _TOP)
    if extra:
        raise PackError(f"{where}: unknown key(s) {', '.join(extra)}")
    pack_id = _text(where, "id", data.get("id"))
    timezone = _text(where, "timezone", data.get("timezone"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise PackError(f"{where}: timezone: unknown time zone {timezone!r}") from None
    forces = _forces(where, data.get("forces"))
    codes = {f.code for f in forces}
    extent = _extent(where, _table(where, "map", data.get("map", {})).get("extent"))
    files = _table(where, "files", data.get("files"))
    districts, geojson = _districts(
        folder, _text(where, "files.districts", files.get("districts")), codes, extent
    )
    names = {d.name for d in districts}
    places = _places(folder / _text(where, "files.gazetteer", files.get("gazetteer")), names)
    bases = _bases(folder / _text(where, "files.bases", files.get("bases")), names, codes)
    roster = _table(where, "roster", data.get("roster", {}))
    attribution = data.get("attribution", [])
    if isinstance(attribution, str):
        attribution = [attribution]
    if not isinstance(attribution, list) or not all(isinstance(a, str) for a in attribution):
        raise PackError(f"{where}: attribution: expected a list of texts")
    return ForcePack(
        id=pack_id,
        name=_text(where, "name", data.get("name")),
        timezone=timezone,
        district_word=str(data.get("district_word", "district")),
        attribution=tuple(attribution),
        forces=forces,
        extent=extent,
        districts=districts,
        places=places,
        bases=bases,
        per_district=_roster(where, "roster.per_district", roster.get("per_district", [])),
        specialists=_roster(where, "roster.specialists", roster.get("specialists", [])),
        overlays=_overlays(folder, where, files.get("overlays", [])),
        districts_geojson=geojson,
        path=folder,
    )


def _text(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PackError(f"{where}: {key}: expected a text")
    return value.strip()


def _table(where: str, key: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PackError(f"{where}: {key}: expected a table")
    return value


def _forces(where: str, value: Any) -> tuple[Force, ...]:
    if not isinstance(value, list) or not value:
        raise PackError(f"{where}: forces: expected at least one [[forces]] table")
    out = []
    for i, raw in enumerate(value):
        at = f"forces[{i}]"
        raw = _table(where, at, raw)
        extra = sorted(set(raw) - {"code", "name", "prefix", "call_share"})
        if extra:
            raise PackError(f"{where}: {at}: unknown key(s) {', '.join(extra)}")
        share = raw.get("call_share", 1.0)
        if isinstance(share, bool) or not isinstance(share, int | float) or not share > 0:
            raise PackError(f"{where}: {at}.call_share: expected a positive number")
        out.append(Force(_text(where, f"{at}.code", raw.get("code")),
                         _text(where, f"{at}.name", raw.get("name")),
                         _text(where, f"{at}.prefix", raw.get("prefix")),
                         float(share)))
    codes = [f.code for f in out]
    if len(set(codes)) != len(codes):
        raise PackError(f"{where}: forces: each code must be unique ({', '.join(codes)})")
    return tuple(out)


def _extent(where: str, value: Any) -> tuple[float, float, float, float]:
    ok = (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )
    if not ok:
        raise PackError(f"{where}: map.extent: expected [west, south, east, north] in degrees")
    w, s, e, n = (float(v) for v in value)
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise PackError(f"{where}: map.extent: west < east and south < north, in range")
    return w, s, e, n


def _districts(
    folder: Path, name: str, forces: set[str], extent: tuple[float, float, float, float]
) -> tuple[tuple[District, ...], dict[str, Any]]:
    path = folder / name
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise PackError(f"{path}: {exc}") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise PackError(f"{path}: expected a GeoJSON FeatureCollection with features")
    area = shapely.box(*extent)
    out: list[District] = []
    seen: set[str] = set()
    for i, feature in enumerate(features):
        props = feature.get("properties") or {}
        label = f"{path}: feature {i}" + (f" ({props['name']})" if "name" in props else "")
        dname, code, force = props.get("name"), props.get("code"), props.get("force")
        if not isinstance(dname, str) or not dname.strip():
            raise PackError(f"{label}: properties.name: expected a text")
        if dname in seen:
            raise PackError(f"{label}: properties.name: {dname!r} appears twice")
        if force not in forces:
            raise PackError(
                f"{label}: properties.force: {force!r} is not a force of the "
                f"pack ({', '.join(sorted(forces))})"
            )
        try:
            geometry = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            said = str(exc)  # shapely may quote every coordinate: keep the gist
            raise PackError(f"{label}: geometry: {said[:120]}") from exc
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
            raise PackError(f"{label}: geometry: expected a Polygon or MultiPolygon")
        if not geometry.is_valid:
            raise PackError(f"{label}: geometry: not valid ({shapely.is_valid_reason(geometry)})")
        if not area.intersects(geometry):
            raise PackError(f"{label}: geometry: lies outside map.extent")
        seen.add(dname)
        out.append(District(dname, str(code or dname[:2].upper()), force, geometry))
    return tuple(sorted(out, key=lambda d: d.name)), data


def _rows(path: Path, needed: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in needed if c not in (reader.fieldnames or [])]
            if missing:
                raise PackError(f"{path}: line 1: missing column(s) {', '.join(missing)}")
            return [(n, row) for n, row in enumerate(reader, start=2)]
    except OSError as exc:
        raise PackError(f"{path}: {exc}") from exc


def _point(path: Path, line: int, row: Mapping[str, str]) -> tuple[float, float]:
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (TypeError, ValueError):
        raise PackError(f"{path}: line {line}: lat and lon must be numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PackError(f"{path}: line {line}: lat {lat}, lon {lon} is not a place on Earth")
    return lat, lon


def _places(path: Path, districts: set[str]) -> tuple[Place, ...]:
    out = []
    for line, row in _rows(path, ("name", "lat", "lon")):
        if not (row.get("name") or "").strip():
            raise PackError(f"{path}: line {line}: name is empty")
        lat, lon = _point(path, line, row)
        district = (row.get("district") or "").strip()
        if district and district not in districts:
            raise PackError(f"{path}: line {line}: district {district!r} is not in the pack")
        out.append(Place(row["name"].strip(), lat, lon, district, (row.get("kind") or "place")))
    return tuple(out)


def _bases(path: Path, districts: set[str], forces: set[str]) -> tuple[Base, ...]:
    out = []
    for line, row in _rows(path, ("name", "lat", "lon", "district", "force")):
        lat, lon = _point(path, line, row)
        if row["district"] not in districts:
            raise PackError(f"{path}: line {line}: district {row['district']!r} is not in the pack")
        if row["force"] not in forces:
            raise PackError(f"{path}: line {line}: force {row['force']!r} is not in the pack")
        out.append(Base(row["name"], lat, lon, row["district"], row["force"]))
    return tuple(out)


def _roster(where: str, key: str, value: Any) -> tuple[RosterLine, ...]:
    if not isinstance(value, list):
        raise PackError(f"{where}: {key}: expected a list")
    out = []
    for i, raw in enumerate(value):
        at = f"{key}[{i}]"
        raw = _table(where, at, raw)
        extra = sorted(set(raw) - {"type", "count", "first", "prefix", "capabilities", "per_force"})
        if extra:
            raise PackError(f"{where}: {at}: unknown key(s) {', '.join(extra)}")
        try:
            unit_type = UnitType(str(raw.get("type")))
        except ValueError:
            raise PackError(
                f"{where}: {at}.type: unknown unit type {raw.get('type')!r}; "
                f"expected one of {', '.join(t.value for t in UnitType)}"
            ) from None
        count, first = raw.get("count", 1), raw.get("first", 1)
        for name, number in (("count", count), ("first", first)):
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                raise PackError(f"{where}: {at}.{name}: expected a whole number")
        caps = raw.get("capabilities", [])
        if not isinstance(caps, list) or not all(isinstance(c, str) for c in caps):
            raise PackError(f"{where}: {at}.capabilities: expected a list of names")
        out.append(
            RosterLine(
                unit_type,
                count,
                first,
                str(raw.get("prefix", "")),
                tuple(caps),
                bool(raw.get("per_force", False)),
            )
        )
    return tuple(out)


def _overlays(folder: Path, where: str, value: Any) -> tuple[Overlay, ...]:
    if not isinstance(value, list):
        raise PackError(f"{where}: files.overlays: expected a list")
    out = []
    for i, raw in enumerate(value):
        raw = _table(where, f"files.overlays[{i}]", raw)
        path = folder / _text(where, f"files.overlays[{i}].file", raw.get("file"))
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise PackError(f"{path}: {exc}") from exc
        out.append(Overlay(_text(where, f"files.overlays[{i}].name", raw.get("name")), data))
    return tuple(out)
