"""Platform settings: one frozen object handed to `create_app`, never read from globals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "control-room"


def default_db_url() -> str:
    """A SQLite file under the user's data directory (created if missing)."""
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'platform.db'}"


@dataclass(frozen=True)
class Settings:
    db_url: str
    # Demo users (one per role, password "demo") exist only in embedded/simulated mode.
    demo_users: bool = False
    token_ttl_s: int = 12 * 3600  # one shift
    reference_prefix: str = "LDN"
    sse_ping_s: float = 15.0
    sse_max_backlog: int = 20_000
    page_limit_max: int = 10_000
    # Geolocation: a site's geocoding server (Nominatim API, via geopy), else the offline
    # gazetteer, to which a site may add its own CSV files (name,lat,lon).
    geocoder_url: str | None = None
    gazetteer_files: tuple[str, ...] = ()
    # One log line per request (`platform_api.logs`); `platform-api serve` turns it on.
    access_log: bool = False
    # A training sandbox (platform_api.sandbox): says so on /livez and /readyz and accepts
    # POST /v1/training/seed. Never set for a live platform; no command-line flag sets it.
    training: bool = False
    # Seconds a unit has to acknowledge a dispatch, by grade ("immediate": 60): site data
    # every console sees as an assignment's `ack_due_at`; a grade left out keeps
    # `contract.ACK_WITHIN_S`.
    ack_within_s: dict[str, int] = field(default_factory=dict)
