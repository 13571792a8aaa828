"""Make the shipped force packs' data files from their sources (run once; outputs are committed).

    .venv/bin/python scripts/make_packs.py [--shared ../shared/data]

- london: the borough TopoJSON and tube lines in resources/data/london (vega-datasets) become
  GeoJSON; the project's London gazetteer gains each place's borough; a response base is
  placed in each borough (at its published centroid).
- hampshire-thames-valley and san-francisco: from ../shared/data (see the READMEs there).
  Neither source has an open list of police or fire stations, so each district's response
  base is placed at a point inside it (shapely's representative point), and the pack's
  README says so.

Each pack's pack.toml is written by hand; this script writes only the data files beside it.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon, mapping, shape

ROOT = Path(__file__).resolve().parent.parent
PACKS = ROOT / "resources" / "packs"
LONDON = ROOT / "resources" / "data" / "london"

# The Metropolitan Police's two-letter borough codes (callsign prefixes).
LONDON_CODES = {
    "Westminster": "CW", "Camden": "EK", "Islington": "NI", "Hackney": "GH",
    "Tower Hamlets": "HT", "Lambeth": "LX", "Southwark": "MD", "Croydon": "ZD",
    "Lewisham": "PL", "Greenwich": "RG", "Newham": "KF", "Ealing": "XD", "Barnet": "SX",
    "Brent": "QK", "Haringey": "YR", "Enfield": "YE", "Bromley": "PY", "Hillingdon": "XH",
    "Hounslow": "TX", "Kingston upon Thames": "VK", "Richmond upon Thames": "TW",
    "Merton": "VW", "Sutton": "ZT", "Wandsworth": "WW", "Kensington and Chelsea": "BS",
    "Hammersmith and Fulham": "FH", "Harrow": "QA", "Redbridge": "JI", "Havering": "KD",
    "Barking and Dagenham": "KG", "Bexley": "RY", "Waltham Forest": "JC",
    "City of London": "CY",
}


def _topo_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def _topo_geometries(topo: dict[str, Any], name: str) -> list[tuple[str, Any]]:
    arcs = _topo_arcs(topo)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        return out

    result = []
    for g in topo["objects"][name]["geometries"]:
        kind, refs = g["type"], g["arcs"]
        if kind == "Polygon":
            geom: Any = Polygon(ring(refs[0]), [ring(r) for r in refs[1:]])
        elif kind == "MultiPolygon":
            geom = MultiPolygon([Polygon(ring(p[0]), [ring(r) for r in p[1:]]) for p in refs])
        elif kind == "LineString":
            geom = LineString(ring(refs))
        elif kind == "MultiLineString":
            geom = MultiLineString([ring(r) for r in refs])
        else:
            continue
        result.append((str(g.get("id", "")), shapely.make_valid(geom)))
    return result


def _rounded(geom: Any, digits: int = 5) -> Any:
    return shapely.set_precision(geom, 10**-digits)


def _polygonal(geom: Any) -> Any:
    """Only the polygon parts (repairing a boundary can leave stray lines or points)."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon",
                                                                           "MultiPolygon")]
    return shapely.make_valid(shapely.union_all(parts))


def _write_geojson(path: Path, features: list[dict[str, Any]]) -> None:
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      separators=(",", ":"), ensure_ascii=False)
    path.write_text(text + "\n", "utf-8")


def _feature(geom: Any, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _district_of(districts: list[tuple[str, Any]], lat: float, lon: float) -> str:
    point = shapely.Point(lon, lat)
    for name, geom in districts:
        if geom.covers(point):
            return name
    # on a boundary line or just outside (the Thames, the coast): the nearest district
    return min(districts, key=lambda d: d[1].distance(point))[0]


def make_london() -> None:
    out = PACKS / "london"
    out.mkdir(parents=True, exist_ok=True)
    topo = json.loads((LONDON / "londonBoroughs.json").read_text("utf-8"))
    boroughs = [(name, _polygonal(_rounded(g))) for name, g in _topo_geometries(topo, "boroughs")]
    boroughs.sort()
    _write_geojson(out / "districts.geojson", [
        _feature(g, name=name, code=LONDON_CODES[name], force="met") for name, g in boroughs
    ])
    tube = json.loads((LONDON / "londonTubeLines.json").read_text("utf-8"))
    _write_geojson(out / "tube-lines.geojson", [
        _feature(_rounded(g), name=name) for name, g in _topo_geometries(tube, "line")
    ])
    centroids = json.loads((LONDON / "londonCentroids.json").read_text("utf-8"))
    _write_csv(out / "bases.csv", ["name", "lat", "lon", "district", "force"], [
        [f"{c['name']} police station", round(c["cy"], 5), round(c["cx"], 5), c["name"], "met"]
        for c in sorted(centroids, key=lambda c: c["name"])
    ])
    with (LONDON / "gazetteer.csv").open(encoding="utf-8") as f:
        places = list(csv.DictReader(f))
    _write_csv(out / "gazetteer.csv", ["name", "lat", "lon", "district", "kind"], [
        [p["name"], p["lat"], p["lon"],
         _district_of(boroughs, float(p["lat"]), float(p["lon"])), "place"]
        for p in places
    ])


def _centre_bases(districts: list[tuple[str, Any, str]], words: str) -> list[list[Any]]:
    rows = []
    for name, geom, force in districts:
        point = geom.representative_point()
        rows.append([f"{name} {words}", round(point.y, 5), round(point.x, 5), name, force])
    return rows


def _initials(name: str, taken: set[str]) -> str:
    words = [w for w in name.replace("-", " ").split() if w[0].isupper()] or [name]
    code = "".join(w[0] for w in words)[:2].upper()
    if len(code) < 2:
        code = name[:2].upper()
    while code in taken:
        code = code[0] + chr((ord(code[1]) - 64) % 26 + 65)
    taken.add(code)
    return code


def make_hampshire_thames_valley(shared: Path) -> None:
    src = shared / "hampshire-thames-valley"
    out = PACKS / "hampshire-thames-valley"
    out.mkdir(parents=True, exist_ok=True)
    forces = {"Hampshire Constabulary": "hampshire", "Thames Valley Police": "thames-valley"}
    data = json.loads((src / "districts.geojson").read_text("utf-8"))
    districts = [
        (f["properties"]["name"], shape(f["geometry"]), forces[f["properties"]["force"]])
        for f in data["features"]
    ]
    taken: set[str] = set()
    _write_geojson(out / "districts.geojson", [
        _feature(g, name=name, code=_initials(name, taken), force=force)
        for name, g, force in districts
    ])
    _write_csv(out / "bases.csv", ["name", "lat", "lon", "district", "force"],
               _centre_bases(districts, "response base"))
    with (src / "places.csv").open(encoding="utf-8") as f:
        rows = [[r["name"], r["lat"], r["lon"], r["district"], r["kind"]]
                for r in csv.DictReader(f)]
    _write_csv(out / "gazetteer.csv", ["name", "lat", "lon", "district", "kind"], rows)


def make_san_francisco(shared: Path) -> None:
    src = shared / "san-francisco"
    out = PACKS / "san-francisco"
    out.mkdir(parents=True, exist_ok=True)
    data = json.loads((src / "neighborhoods.geojson").read_text("utf-8"))
    districts = [(f["properties"]["name"], shape(f["geometry"]), "sffd") for f in data["features"]]
    taken: set[str] = set()
    _write_geojson(out / "districts.geojson", [
        _feature(g, name=name, code=_initials(name, taken), force=force)
        for name, g, force in districts
    ])
    _write_csv(out / "bases.csv", ["name", "lat", "lon", "district", "force"],
               _centre_bases(districts, "response base"))
    _write_csv(out / "gazetteer.csv", ["name", "lat", "lon", "district", "kind"], [
        [name, round(g.representative_point().y, 5), round(g.representative_point().x, 5),
         name, "neighborhood"]
        for name, g, _force in districts
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    make_london()
    make_hampshire_thames_valley(args.shared)
    make_san_francisco(args.shared)


if __name__ == "__main__":
    main()
