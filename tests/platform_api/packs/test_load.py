"""Force packs: the shipped ones load and place points in the right district; a broken pack
is refused with the file and the feature or line at fault."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from platform_api.packs import PackError, load_pack, pack_folder, shipped_packs


def test_the_shipped_packs_load_with_their_districts_forces_and_places() -> None:
    assert shipped_packs() == ["hampshire-thames-valley", "london", "san-francisco"]
    london = load_pack("london")
    assert len(london.districts) == 33 and [f.prefix for f in london.forces] == ["LDN"]
    two = load_pack("hampshire-thames-valley")
    by_force = {f.code: sum(d.force == f.code for d in two.districts) for f in two.forces}
    assert by_force == {"hampshire": 14, "thames-valley": 13}
    assert len(two.places) == 1158 and len(two.bases) == 27
    sf = load_pack("san-francisco")
    assert len(sf.districts) == 41 and sf.timezone == "America/Los_Angeles"
    for pack in (london, two, sf):
        assert pack.attribution, f"{pack.id} must credit its data"
        for base in pack.bases:  # every response base lies in its own district
            found = pack.district_at(base.lat, base.lon)
            assert found is not None and found.name == base.district


@pytest.mark.parametrize(
    ("pack", "lat", "lon", "district"),
    [
        ("london", 51.5154, -0.1755, "Westminster"),  # Paddington station
        ("london", 51.4627, -0.1145, "Lambeth"),  # Brixton station
        ("hampshire-thames-valley", 51.4588, -0.9718, "Reading"),  # Reading station
        ("hampshire-thames-valley", 50.9070, -1.4136, "Southampton"),  # Southampton Central
        ("hampshire-thames-valley", 50.6930, -1.3040, "Isle of Wight"),  # Newport, IoW
        ("san-francisco", 37.7955, -122.3937, "Financial District/South Beach"),  # Ferry Bldg
    ],
)
def test_a_point_falls_in_its_district(pack: str, lat: float, lon: float, district: str) -> None:
    found = load_pack(pack).district_at(lat, lon)
    assert found is not None and found.name == district


def test_outside_the_area_there_is_no_district() -> None:
    assert load_pack("london").district_at(48.8566, 2.3522) is None  # Paris
    assert load_pack("hampshire-thames-valley").district_at(51.5072, -0.1276) is None  # London


def test_the_gazetteer_agrees_with_the_districts_it_names() -> None:
    # the places' districts were computed by the data's own derive script, not by us
    pack = load_pack("hampshire-thames-valley")
    placed = [p for p in pack.places if p.district]
    wrong = [
        p.name
        for p in placed
        if (d := pack.district_at(p.lat, p.lon)) is None or d.name != p.district
    ]
    assert len(wrong) <= len(placed) // 100, wrong  # a few on a border or the coast


def test_random_points_stay_inside_their_district() -> None:
    import random

    pack = load_pack("hampshire-thames-valley")
    rng = random.Random(5)
    for district in pack.districts:
        for _ in range(5):
            lat, lon = district.random_point(rng)
            assert district.contains(lat, lon)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(pack_folder("london"), folder)
    load_pack.cache_clear()
    return folder


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "words"),
    [
        (
            "districts.geojson",
            '"force":"met"',
            '"force":"mps"',
            "districts.geojson: feature 0 (Barking and Dagenham): properties.force: 'mps'",
        ),
        (
            "districts.geojson",
            '"type":"Polygon"',
            '"type":"Point"',
            "districts.geojson: feature 1 (Barnet): geometry: ",
        ),
        (
            "gazetteer.csv",
            "King's Cross station,51.5317",
            "King's Cross station,151.5317",
            "gazetteer.csv: line 2: lat 151.5317",
        ),
        (
            "gazetteer.csv",
            ",Camden,place",
            ",Camdne,place",
            "gazetteer.csv: line 2: district 'Camdne' is not in the pack",
        ),
        (
            "bases.csv",
            "Barking and Dagenham,met",
            "Barking and Dagenham,xx",
            "bases.csv: line 2: force 'xx' is not in the pack",
        ),
        (
            "pack.toml",
            'timezone = "Europe/London"',
            'timezone = "Europe/Londres"',
            "pack.toml: timezone: unknown time zone 'Europe/Londres'",
        ),
        (
            "pack.toml",
            'type = "response_car"',
            'type = "panda_car"',
            "pack.toml: roster.per_district[0].type: unknown unit type 'panda_car'",
        ),
        (
            "pack.toml",
            'id = "london"',
            'colour = 3\nid = "london"',
            "pack.toml: unknown key(s) colour",
        ),
        (
            "pack.toml",
            'prefix = "LDN"',
            'prefix = "LDN"\nmotto = "x"',
            "pack.toml: forces[0]: unknown key(s) motto",
        ),
        (
            "pack.toml",
            "extent = [-0.52, 51.28, 0.34, 51.70]",
            "extent = [0.34, 51.28, -0.52]",
            "pack.toml: map.extent",
        ),
    ],
)
def test_a_broken_pack_is_refused_naming_the_file_and_what_is_wrong(
    broken: Path, file: str, old: str, new: str, words: str
) -> None:
    _replace(broken / file, old, new)
    with pytest.raises(PackError) as caught:
        load_pack(broken)
    assert words in str(caught.value)
    assert str(broken) in str(caught.value)


def test_an_unknown_pack_name_lists_the_shipped_ones() -> None:
    with pytest.raises(PackError, match=r"no such force pack.*london"):
        load_pack("atlantis")
