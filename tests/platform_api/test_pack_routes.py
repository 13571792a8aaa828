"""The platform serves its force pack (`--pack`): map layers, gazetteer, districts, prefixes.

Each platform app holds its own pack: two platforms with different packs run side by side
in this process (as the console's embedded platform and a training sandbox do), and each
stamps incidents with its own districts and references with its own force's prefix.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from platform_api.cli import build_parser
from platform_api.cli import main as cli_main
from platform_api.embedded import EmbeddedPlatform
from tests.conftest import Api
from tests.databases import platform_on_pack
from tests.platform_api.helpers import first, incident_body, make_incident

MISSION = {"lat": 37.7599, "lon": -122.4148, "address": "Mission Street"}


@pytest.fixture
def sf_platform(tmp_path: Path) -> Iterator[EmbeddedPlatform]:
    with platform_on_pack(tmp_path / "sf", "san-francisco") as running:
        yield running


@pytest.fixture
def sf(sf_platform: EmbeddedPlatform) -> Iterator[dict[str, Api]]:
    apis = {u: Api(sf_platform.url, sf_platform.login(u)) for u in ("gateway", "calltaker")}
    yield apis
    for api in apis.values():
        api.close()


def test_the_default_platform_serves_london(calltaker: Api) -> None:
    pack = calltaker.get("/v1/pack")
    assert (pack["id"], pack["timezone"], pack["district_word"]) == (
        "london",
        "Europe/London",
        "borough",
    )
    assert pack["forces"] == [
        {"code": "met", "name": "Metropolitan Police Service", "prefix": "LDN"}
    ]
    layers = calltaker.get("/v1/pack/map")
    assert len(layers["districts"]["features"]) == 33
    assert [o["name"] for o in layers["overlays"]] == ["Tube lines"]
    assert "Westminster" in {label["name"] for label in layers["labels"]}
    places = calltaker.get("/v1/pack/gazetteer")["places"]
    assert {"name": "Paddington station", "district": "Westminster"}.items() <= next(
        p for p in places if p["name"] == "Paddington station"
    ).items()


def test_a_console_that_has_the_map_is_told_so(calltaker: Api) -> None:
    response = calltaker.client.get("/v1/pack/map")
    etag = response.headers["ETag"]
    again = calltaker.client.get("/v1/pack/map", headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")


def test_the_area_is_for_people_not_gateways(api_for: Any, platform: EmbeddedPlatform) -> None:
    gateway = api_for("gateway")
    assert gateway.client.get("/v1/pack/map").status_code == 403
    anonymous = Api(platform.url, "not-a-token")
    try:
        assert anonymous.client.get("/v1/pack").status_code == 401
    finally:
        anonymous.close()


def test_a_san_francisco_platform_serves_and_stamps_san_francisco(
    sf: dict[str, Api], gateway: Api, calltaker: Api
) -> None:
    pack = sf["calltaker"].get("/v1/pack")
    assert (pack["id"], pack["timezone"]) == ("san-francisco", "America/Los_Angeles")
    assert "DataSF" in pack["attribution"][0]
    assert len(sf["calltaker"].get("/v1/pack/map")["districts"]["features"]) == 41
    # its incidents are in its neighbourhoods, with its force's prefix...
    incident = make_incident(sf["gateway"], sf["calltaker"], location=MISSION)
    assert incident["location"]["borough"] == "Mission"
    assert incident["reference"].startswith("SF-")
    # ...while the London platform in the same process keeps London's
    london = make_incident(gateway, calltaker)
    assert (london["location"]["borough"], london["reference"][:4]) == ("Westminster", "LDN-")
    # and a San Francisco point is outside London's area
    outside = first(
        calltaker.ok("/v1/incidents", incident_body(location=MISSION)), "incidents"
    )
    assert outside["location"].get("borough") is None


def test_geocoding_uses_the_platforms_own_gazetteer(sf: dict[str, Api], calltaker: Api) -> None:
    found = sf["calltaker"].get("/v1/geo/search", q="Mission")["results"][0]
    assert (found["name"], found["borough"]) == ("Mission", "Mission")
    here = sf["calltaker"].get("/v1/geo/reverse", lat=MISSION["lat"], lon=MISSION["lon"])
    assert (here["borough"], here["inside_force_area"]) == ("Mission", True)
    there = calltaker.get("/v1/geo/reverse", lat=MISSION["lat"], lon=MISSION["lon"])
    assert there["inside_force_area"] is False


def test_serve_takes_its_pack_from_a_flag_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert build_parser().parse_args(["serve"]).pack == "london"
    monkeypatch.setenv("CR_PACK", "san-francisco")
    assert build_parser().parse_args(["serve"]).pack == "san-francisco"
    args = build_parser().parse_args(["serve", "--pack", "hampshire-thames-valley"])
    assert args.pack == "hampshire-thames-valley"


def test_an_unknown_pack_is_a_clear_exit(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    assert cli_main(["serve", "--db", db, "--pack", "atlantis"]) == 2
    assert "atlantis: no such force pack" in caplog.text
    assert not (tmp_path / "p.db").exists()  # refused before touching the database
