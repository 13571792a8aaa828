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


def test_each_pack_draws_its_own_area_names_and_credits() -> None:
    london, _ = build_page()
    assert '"Boroughs"' in london and '"Tube lines"' in london and "Westminster" in london
    two, _ = build_page(pack="hampshire-thames-valley")
    assert '"Districts"' in two and "Tube lines" not in two and "Westminster" not in two
    assert "Southampton" in two and "Reading" in two
    assert "Office for National Statistics" in two and "vega-datasets" not in two
    sf, _ = build_page(pack="san-francisco")
    assert '"Neighborhoods"' in sf and "Mission" in sf and "DataSF" in sf
    # the view fits the pack's extent: San Francisco's, not London's
    bounds = re.search(r"fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\], \[([-\d.]+), ([-\d.]+)\]\]", sf)
    assert bounds is not None
    south, west, north, east = (float(v) for v in bounds.groups())
    assert 37.6 < south < north < 37.9 and -122.6 < west < east < -122.3
