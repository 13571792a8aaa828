"""The page folium builds: local assets only, and a street map only when configured."""

from __future__ import annotations

import re

from maps.page import build_page

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def test_the_page_links_no_asset_off_the_machine() -> None:
    html, base = build_page()
    assets = ASSET.findall(html)
    assert any(a.endswith("/leaflet.js") for a in assets)
    assert all(a.startswith("file:///") for a in assets), assets
    assert "://" not in re.sub(r"file:///[^\"']+", "", html)
    assert base.isLocalFile()


def test_a_configured_tile_server_adds_a_street_map() -> None:
    html, _ = build_page(tile_url="http://tiles.example.test/{z}/{x}/{y}.png")
    assert "tiles.example.test/{z}/{x}/{y}.png" in html
    assert '"Street map"' in html
    assert "Ordnance Survey" in html  # the boundaries' attribution goes with the data
