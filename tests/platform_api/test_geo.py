"""Geolocation over real HTTP: the offline gazetteer, and a site's server through geopy.

The site's geocoding server is a third-party service, so its stand-in is a tiny fake
Nominatim on loopback, started here; the platform itself is always the real one.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from platform_api.cli import build_parser
from platform_api.embedded import EmbeddedPlatform
from platform_api.geo import borough_at, haversine_m
from platform_api.geocoding import GazetteerError, GazetteerGeocoder
from platform_api.settings import Settings
from tests.conftest import Api

BRIXTON_STATION = (51.4627, -0.1145)
PARIS = (48.8566, 2.3522)


def names(api: Api, q: str, limit: int = 10) -> list[str]:
    return [p["name"] for p in api.get("/v1/geo/search", q=q, limit=limit)["results"]]


# ------------------------------------------------------------------ search (gazetteer)


def test_a_borough_is_found_by_its_name(calltaker: Api) -> None:
    first = calltaker.get("/v1/geo/search", q="croydon")["results"][0]
    assert first["name"] == "Croydon"
    assert first["kind"] == "borough"
    assert first["precision"] == "exact"
    assert first["source"] == "gazetteer"
    assert first["borough"] == "Croydon"
    assert borough_at(first["lat"], first["lon"]) == "Croydon"


def test_a_station_is_found_by_part_of_its_name(calltaker: Api) -> None:
    first = calltaker.get("/v1/geo/search", q="Padding")["results"][0]
    assert first["name"] == "Paddington station"
    assert first["kind"] == "place"
    assert first["borough"] == "Westminster"


def test_search_ignores_case_and_punctuation(calltaker: Api) -> None:
    assert names(calltaker, "KINGS CROSS")[0] == "King's Cross station"
    assert names(calltaker, "elephant and castle")[0] == "Elephant & Castle station"
    assert names(calltaker, "St. Thomas")[0] == "St Thomas' Hospital"


def test_an_exact_name_ranks_above_a_near_miss(calltaker: Api) -> None:
    found = names(calltaker, "Barnet")
    assert found[0] == "Barnet"  # the borough, exactly
    assert "Barnes station" in found  # one letter off: offered, but after every real match
    assert found.index("Barnes station") > found.index("High Barnet station")


def test_a_misspelt_name_is_still_found(calltaker: Api) -> None:
    assert names(calltaker, "Padingtn")[0] == "Paddington station"


def test_an_address_falls_back_to_the_place_or_borough_it_names(calltaker: Api) -> None:
    results = calltaker.get("/v1/geo/search", q="12 High Street, Croydon")["results"]
    first = results[0]
    assert first["borough"] == "Croydon"
    assert first["precision"] in ("place", "borough")  # approximate, and says so
    assert haversine_m(first["lat"], first["lon"], 51.3727, -0.1000) < 5_000


def test_nothing_found_is_an_empty_list(calltaker: Api) -> None:
    assert calltaker.get("/v1/geo/search", q="xyzzy qwv")["results"] == []
    assert calltaker.get("/v1/geo/search", q="!!!")["results"] == []


def test_limit_caps_the_results(calltaker: Api) -> None:
    assert len(names(calltaker, "station", limit=3)) == 3


def test_a_site_gazetteer_adds_its_places(tmp_path: Path, db_url: str) -> None:
    site = tmp_path / "site.csv"
    site.write_text("name,lat,lon,notes\nLambeth Custody Suite,51.4700,-0.1200,x\n", "utf-8")
    settings = Settings(db_url=db_url, demo_users=True, gazetteer_files=(str(site),))
    with EmbeddedPlatform(settings) as platform:
        api = Api(platform.url, platform.login("dispatcher"))
        try:
            first = api.get("/v1/geo/search", q="custody")["results"][0]
            assert first["name"] == "Lambeth Custody Suite"
            assert first["borough"] == "Lambeth"
            assert api.get("/v1/geo/search", q="Croydon")["results"][0]["name"] == "Croydon"
        finally:
            api.close()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("name,lat\nX,51.5\n", "missing column(s) lon"),
        ("name,lat,lon\nX,north,0.1\n", ":2: lat and lon must be numbers"),
        ("name,lat,lon\nX,51.5,0.1\nY,95,0.1\n", ":3:"),
        ("name,lat,lon\n,51.5,0.1\n", "the name is empty"),
    ],
)
def test_a_bad_site_gazetteer_is_refused_with_its_line(
    tmp_path: Path, content: str, problem: str
) -> None:
    site = tmp_path / "site.csv"
    site.write_text(content, "utf-8")
    with pytest.raises(GazetteerError, match=r"missing|must|is not|empty") as info:
        GazetteerGeocoder([site])
    assert problem in str(info.value)
    assert str(site) in str(info.value)


def test_every_shipped_place_is_in_or_beside_the_force_area() -> None:
    gazetteer = GazetteerGeocoder()
    outside = [p.name for p in gazetteer.search("a", 10_000) if p.borough is None]
    # Only points on the Thames, which the simplified borough boundaries leave out.
    assert set(outside) <= {"London Eye", "Tower Bridge"}


# ------------------------------------------------------------------ reverse (gazetteer)


def test_reverse_gives_the_nearest_place_and_the_borough(calltaker: Api) -> None:
    lat, lon = BRIXTON_STATION[0] + 0.0004, BRIXTON_STATION[1]  # ~45 m north
    here = calltaker.get("/v1/geo/reverse", lat=lat, lon=lon)
    assert here["place"]["name"] == "Brixton station"
    assert 30 < here["place"]["distance_m"] < 60
    assert here["borough"] == "Lambeth"
    assert here["inside_force_area"] is True


def test_a_point_in_paris_is_outside_the_force_area(calltaker: Api) -> None:
    here = calltaker.get("/v1/geo/reverse", lat=PARIS[0], lon=PARIS[1])
    assert here == {"place": None, "borough": None, "inside_force_area": False}


# ------------------------------------------------------------------ input and roles


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/geo/search", {}, "q"),
        ("/v1/geo/search", {"q": ""}, "q"),
        ("/v1/geo/search", {"q": "   "}, "q"),
        ("/v1/geo/search", {"q": "x" * 201}, "q"),
        ("/v1/geo/search", {"q": "Bank", "limit": 0}, "limit"),
        ("/v1/geo/search", {"q": "Bank", "limit": 51}, "limit"),
        ("/v1/geo/search", {"q": "Bank", "limit": "many"}, "limit"),
        ("/v1/geo/reverse", {"lon": 0}, "lat"),
        ("/v1/geo/reverse", {"lat": 51.5}, "lon"),
        ("/v1/geo/reverse", {"lat": 91, "lon": 0}, "lat"),
        ("/v1/geo/reverse", {"lat": -90.5, "lon": 0}, "lat"),
        ("/v1/geo/reverse", {"lat": "nan", "lon": 0}, "lat"),
        ("/v1/geo/reverse", {"lat": 51.5, "lon": 180.1}, "lon"),
        ("/v1/geo/reverse", {"lat": 51.5, "lon": "east"}, "lon"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    calltaker: Api, path: str, params: dict[str, Any], field: str
) -> None:
    response = calltaker.client.get(path, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


def test_geolocation_needs_a_signed_in_user(platform: EmbeddedPlatform) -> None:
    for path, params in (
        ("/v1/geo/search", {"q": "Bank"}),
        ("/v1/geo/reverse", {"lat": 51.5, "lon": -0.1}),
    ):
        response = httpx.get(platform.url + path, params=params)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("role", ["trainer", "gateway", "supervisor", "admin"])
def test_every_role_may_geocode(api_for: Any, role: str) -> None:
    assert names(api_for(role), "Bank")[0] == "Bank station"


def test_the_command_line_takes_a_geocoder_and_gazetteers() -> None:
    parser = build_parser()
    url = "http://127.0.0.1:8080/nominatim"
    args = parser.parse_args(
        ["serve", "--geocoder-url", url, "--gazetteer", "a.csv", "--gazetteer", "b.csv"]
    )
    assert args.geocoder_url == url
    assert args.gazetteer == ["a.csv", "b.csv"]
    assert parser.parse_args(["serve"]).gazetteer == []
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--geocoder-url", "ftp://example.invalid"])


# ------------------------------------------------------------------ a site's server (geopy)


class FakeNominatim:
    """The two endpoints of Nominatim's API that geopy calls, with canned answers."""

    SEARCH = [
        {"lat": "51.46150", "lon": "-0.11230", "display_name": "12 Acre Lane, Brixton, SW2"},
        {"lat": "48.85660", "lon": "2.35220", "display_name": "Acre Lane, Paris"},
    ]
    REVERSE = {"lat": "51.46150", "lon": "-0.11230", "display_name": "12 Acre Lane, Brixton"}

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self.broken = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                fake.requests.append((url.path, parse_qs(url.query)))
                if fake.broken:
                    self.send_error(500, "database offline")
                    return
                if url.path.endswith("/search"):
                    body: Any = fake.SEARCH
                elif url.path.endswith("/reverse"):
                    body = fake.REVERSE
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep the test output quiet

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/nominatim"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.thread.join()


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    fake = FakeNominatim()
    yield fake
    fake.stop()


@pytest.fixture
def geopy_api(db_url: str, nominatim: FakeNominatim) -> Iterator[Api]:
    settings = Settings(db_url=db_url, demo_users=True, geocoder_url=nominatim.url)
    with EmbeddedPlatform(settings) as platform:
        api = Api(platform.url, platform.login("calltaker"))
        yield api
        api.close()


def test_a_sites_geocoding_server_answers_through_geopy(
    geopy_api: Api, nominatim: FakeNominatim
) -> None:
    results = geopy_api.get("/v1/geo/search", q="12 Acre Lane", limit=5)["results"]
    assert [r["name"] for r in results] == ["12 Acre Lane, Brixton, SW2", "Acre Lane, Paris"]
    assert results[0]["source"] == "geopy"
    assert results[0]["kind"] == "address"
    assert results[0]["borough"] == "Lambeth"  # from our boundaries, not the server's words
    assert results[1]["borough"] is None
    path, query = nominatim.requests[-1]
    assert path == "/nominatim/search"
    assert query["q"] == ["12 Acre Lane"]
    assert query["limit"] == ["5"]


def test_reverse_through_geopy_gives_the_address_and_its_distance(geopy_api: Api) -> None:
    here = geopy_api.get("/v1/geo/reverse", lat=51.4617, lon=-0.1123)
    assert here["place"]["name"] == "12 Acre Lane, Brixton"
    assert here["place"]["source"] == "geopy"
    assert 15 < here["place"]["distance_m"] < 30
    assert here["borough"] == "Lambeth"
    assert here["inside_force_area"] is True


def test_a_geocoding_server_that_is_down_is_a_503_not_a_500(
    geopy_api: Api, nominatim: FakeNominatim
) -> None:
    nominatim.stop()
    for path, params in (
        ("/v1/geo/search", {"q": "Acre Lane"}),
        ("/v1/geo/reverse", {"lat": 51.46, "lon": -0.11}),
    ):
        response = geopy_api.client.get(path, params=params)
        assert response.status_code == 503, response.text
        error = response.json()["error"]
        assert error["code"] == "geocoder_unavailable"
        assert nominatim.url in error["message"]


def test_a_geocoding_server_that_fails_is_a_503(geopy_api: Api, nominatim: FakeNominatim) -> None:
    nominatim.broken = True
    response = geopy_api.client.get("/v1/geo/search", params={"q": "Acre Lane"})
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "geocoder_unavailable"
