"""The map page, built once with Folium and served with no request off the machine.

Folium links Leaflet, jQuery, Bootstrap and awesome-markers from CDNs by default; the page
instead takes Leaflet from the `xstatic-leaflet` package and our own JS/CSS from
resources/map, by file:// URL, and uses none of the others. The base layers (boroughs,
their names, tube lines) are inline GeoJSON. A street map is added beneath them only when
a tile server is configured. Folium's part ends with the page: live entities are drawn by
resources/map/*.js and fed over the QWebChannel bridge (maps/bridge.py).
"""

from __future__ import annotations

import html
import importlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template
from PySide6.QtCore import QUrl

from maps.basemap import DEFAULT_PACK, PackMap, pack_map

# Our scripts in load order: drawing primitives, canvas overlays, then the live layer.
SCRIPTS = ("glyphs.js", "overlays.js", "legend.js", "live.js")


def resource_dir() -> Path:
    """resources/map on disk (the package is installed as files, never zipped)."""
    return Path(str(resources.files("resources") / "map"))


def leaflet_dir() -> Path:
    module = importlib.import_module("xstatic.pkg.leaflet")
    return Path(str(module.BASE_DIR))


def _file_url(path: Path) -> str:
    return str(QUrl.fromLocalFile(str(path)).toString())


class _Init(MacroElement):
    """The last script of the page: hands folium's layers to our live layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            CAD.init({{ this._parent.get_name() }}, {{ this.layers }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(self, layers: dict[str, Any], config: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's __init__ is untyped
        self._name = "CadInit"
        # JS object literal whose values are folium's variable names (identifiers it made).
        self.layers = "{" + ",".join(f"{json.dumps(k)}: {v.get_name()}" for k, v in layers.items())
        self.layers += "}"
        self.config = json.dumps(config)


def build_map(
    tile_url: str | None = None,
    tile_attribution: str | None = None,
    theme: str = "day",
    pack: str | PackMap = DEFAULT_PACK,
) -> folium.Map:
    """The folium map with offline assets and base layers, before any live entity; `pack`
    is what the platform serves, or a shipped pack's name (a replay)."""
    area = pack if isinstance(pack, PackMap) else pack_map(pack)
    fmap = folium.Map(
        location=area.centre,
        zoom_start=11,
        min_zoom=7,
        max_zoom=18,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
    )
    leaflet, ours = leaflet_dir(), resource_dir()
    # Replace (not extend) folium's CDN links: the page must work with no network at all.
    fmap.default_js = [("leaflet", _file_url(leaflet / "leaflet.js"))] + [
        (name, _file_url(ours / name)) for name in SCRIPTS
    ]
    fmap.default_css = [
        ("leaflet_css", _file_url(leaflet / "leaflet.css")),
        ("cad_css", _file_url(ours / "live.css")),
    ]
    layers: dict[str, Any] = {}
    if tile_url:
        street = folium.TileLayer(
            tiles=tile_url,
            attr=tile_attribution or "Street map: the configured tile server",
            name="Street map",
            overlay=False,
            max_zoom=18,
        )
        street.add_to(fmap)
        layers["Street map"] = street
    districts = folium.GeoJson(area.districts, name=area.districts_layer, smooth_factor=0.5)
    districts.add_to(fmap)
    layers[area.districts_layer] = districts
    for name, geojson in area.overlays:
        overlay = folium.GeoJson(geojson, name=name, smooth_factor=0.5)
        overlay.add_to(fmap)
        layers[name] = overlay
    folium.map.CustomPane("cadBoroughNames", z_index=405, pointer_events=False).add_to(fmap)
    names = folium.FeatureGroup(name=area.names_layer)
    for name, lat, lon in area.labels:
        folium.Marker(
            (lat, lon),
            icon=folium.DivIcon(
                html=f"<span>{html.escape(name)}</span>",
                class_name="cad-borough-name",
                icon_size=(0, 0),
            ),
            pane="cadBoroughNames",
            interactive=False,
            keyboard=False,
        ).add_to(names)
    names.add_to(fmap)
    layers[area.names_layer] = names
    w, south, e, n = area.extent
    fmap.fit_bounds([[south, w], [n, e]])
    config = {
        "attribution": area.attribution,
        "theme": theme,
        "streetMap": bool(tile_url),
        "districts": area.districts_layer,
        "lines": [name for name, _ in area.overlays],
    }
    fmap.add_child(_Init(layers, config))
    return fmap


def render(fmap: folium.Map) -> str:
    page: str = fmap.get_root().render()
    return page


def build_page(
    tile_url: str | None = None,
    tile_attribution: str | None = None,
    theme: str = "day",
    pack: str | PackMap = DEFAULT_PACK,
) -> tuple[str, QUrl]:
    """The page's HTML and the file:// base URL to give `setHtml` with it."""
    page = render(build_map(tile_url, tile_attribution, theme, pack))
    return page, QUrl.fromLocalFile(str(resource_dir()) + "/")
