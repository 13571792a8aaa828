"""The console client's geolocation calls against a real platform."""

from __future__ import annotations

import pytest
import qasync

from console.client import PlatformClient
from console.errors import Invalid, Unauthorised
from platform_api.embedded import EmbeddedPlatform
from tests.console.conftest import run


def test_the_client_searches_and_asks_what_is_here(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform
) -> None:
    async def body() -> None:
        client = PlatformClient(platform.url)
        try:
            await client.login("calltaker", "demo")
            places = await client.geocode("waterloo", limit=2)
            assert [p.name for p in places] == ["Waterloo station", "Waterloo East station"]
            here = await client.reverse_geocode(places[0].lat, places[0].lon)
            assert here.place is not None and here.place.name == "Waterloo station"
            assert here.borough == "Lambeth"
            assert here.inside_force_area
        finally:
            await client.aclose()

    run(aloop, body())


def test_the_client_reports_what_the_platform_refused(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform
) -> None:
    async def body() -> None:
        client = PlatformClient(platform.url)
        try:
            with pytest.raises(Unauthorised):
                await client.geocode("Bank")
            await client.login("dispatcher", "demo")
            with pytest.raises(Invalid) as refused:
                await client.reverse_geocode(95.0, 0.0)
            assert refused.value.field == "lat"
        finally:
            await client.aclose()

    run(aloop, body())
