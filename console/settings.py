"""What a console is started with: which platform, who, how it looks, the site's policy files.

`ConsoleSettings` is everything the composition root (`console.bootstrap`) needs to build a
console in any mode; `console.app` fills one from the command line, tests fill one directly
(with their own folders, so nothing of the operator's is read or written).
"""

from __future__ import annotations

import hashlib
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import platformdirs
from PySide6.QtCore import QSettings

APP_NAME = "control-room"  # QSettings and the user data folder (the platform's own name too)

# The demo user of each role on an embedded platform (password "demo").
DEMO_USERS = {
    "call_taker": "calltaker",
    "dispatcher": "dispatcher",
    "supervisor": "supervisor",
    "trainer": "trainer",
}
DEMO_PASSWORD = "demo"


# A recording's `area` (its header) -> the force pack whose map shows it.
AREA_PACKS = {"london": "london", "san_francisco": "san-francisco"}


def pack_for_area(area: str) -> str:
    """The shipped pack for a recording's area (an area may also name a pack itself)."""
    if area in AREA_PACKS:
        return AREA_PACKS[area]
    shipped = resources.files("resources") / "packs" / area / "pack.toml"
    return area if shipped.is_file() else "london"


def _manifest(pack: str) -> dict[str, object]:
    manifest = resources.files("resources") / "packs" / pack_for_area(pack) / "pack.toml"
    return tomllib.loads(manifest.read_text("utf-8"))


def pack_word(pack: str) -> str:
    """What a shipped pack calls its districts ("borough"); "district" if it says nothing."""
    return str(_manifest(pack).get("district_word", "district"))


def pack_zone(pack: str) -> ZoneInfo:
    """A shipped pack's time zone: a recording's times are shown in its area's."""
    return ZoneInfo(str(_manifest(pack)["timezone"]))


@dataclass(frozen=True)
class ConsoleSettings:
    platform_url: str | None = None  # live: the platform; None starts the embedded demo
    username: str | None = None  # live: who signs in (the sign-in dialog asks otherwise)
    password: str | None = None  # live, without the dialog (tests, demo users)
    role: str = "dispatcher"  # embedded: the demo role signed in
    call_rate: float = 240.0  # embedded: the simulator's calls per hour
    db_url: str | None = None  # embedded: the platform's database (default: user data dir)
    recording: Path | None = None  # replay: the JSON Lines file to open
    theme: str | None = None  # "day" or "night"; None: the user's last (live) or day
    tile_url: str | None = None  # an XYZ street map under the map's own layers
    pack: str = "london"  # the force pack whose map is shown (a replay: its recording's)
    with_map: bool = True  # tests turn the map (a Chromium per window) off where not needed
    screenshot: Path | None = None  # save the window once loaded, then quit
    # Where outboxes, drafts and saved layouts live; None: the user's data dir and QSettings.
    data_folder: Path | None = None
    allocation_file: Path | None = None  # the site's allocation policy (TOML)
    plans_file: Path | None = None  # the site's response plans (TOML), over the shipped ones
    classifications_file: Path | None = None  # the site's opening classifications (JSON)
    # Road ETA for recommendations: an OpenStreetMap file the site provides (loaded in an
    # executor at start; the straight line until then), or the site's OSRM server.
    road_graph: Path | None = None
    osrm_url: str | None = None
    routing_file: Path | None = None  # speeds per road class and unit type (TOML)

    def folder(self, name: str) -> Path:
        root = self.data_folder or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        return root / name

    def scratch_folder(self, name: str) -> Path:
        """A fresh folder for a console whose outbox must not outlive it (replay, training)."""
        if self.data_folder is not None:
            self.data_folder.mkdir(parents=True, exist_ok=True)
            return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.data_folder))
        return Path(tempfile.mkdtemp(prefix=f"{APP_NAME}-{name}-"))

    def session_folder(self, url: str, username: str) -> Path:
        """One outbox and one set of drafts per user and platform, kept across restarts."""
        digest = hashlib.sha256(url.encode()).hexdigest()[:12]
        return self.folder(f"{username}-{digest}")

    def layout(self, name: str) -> QSettings:
        """Where one console's layout and theme are kept (per user, or per mode)."""
        if self.data_folder is not None:
            return QSettings(str(self.data_folder / f"{name}.ini"), QSettings.Format.IniFormat)
        return QSettings(APP_NAME, name)
