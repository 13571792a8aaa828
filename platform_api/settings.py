"""Platform settings: one frozen object handed to `create_app`, never read from globals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "control-room"


def default_db_url(pack: str = "london") -> str:
    """A SQLite file under the user's data directory (created if missing), one per pack:
    a demo room belongs to its area's forces (platform_api.forces.check_forces_belong)."""
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(pack).name or "london"
    return f"sqlite:///{folder / ('platform.db' if name == 'london' else f'platform-{name}.db')}"


@dataclass(frozen=True)
class LoginPolicy:
    """Sign-in throttling (platform_api/login_guard.py)."""

    max_failures: int = 5  # in a row, per user name, then a lockout
    lockout_s: int = 15 * 60
    address_max_failures: int = 30  # per client address within the window
    address_window_s: int = 5 * 60


@dataclass(frozen=True)
class Settings:
    db_url: str
    # Demo users (one per role, password "demo") exist only in embedded/simulated mode.
    demo_users: bool = False
    token_ttl_s: int = 12 * 3600  # one shift
    # Incident references: PREFIX-YYYYMMDD-NNNN; None: the prefix of the pack's force.
    reference_prefix: str | None = None
    # The force pack served (a shipped pack's name or a folder): its districts, gazetteer,
    # map layers, forces and time zone (platform_api.packs, docs/packs.md).
    pack: str = "london"
    sse_ping_s: float = 15.0
    sse_max_backlog: int = 20_000
    page_limit_max: int = 10_000
    # Request bodies over this are refused (413) before parsing and before authentication;
    # a full AVL batch (10,000 fixes) is about 1.2 MB.
    max_body_bytes: int = 2 * 1024 * 1024
    # A long-lived bearer token for the Prometheus scraper on /metrics (users with the
    # metrics right may read it with their own token too).
    metrics_token: str | None = None
    # Sign-in throttling (platform_api/login_guard.py).
    login_policy: LoginPolicy = LoginPolicy()
    # An open event stream re-checks its token this often (a logout on this instance ends
    # it at once; one on another instance, or a disabled account, within this time). It is
    # also how long an instance trusts a token it looked up for a request (token_cache).
    sse_auth_check_s: float = 5.0
    # Signed checkpoints of the log's head, outside the database (platform_api/anchor.py):
    # the Ed25519 key file (made on first use) and the append-only checkpoint file. Both
    # None: no anchoring (tests, the embedded console); `platform-api serve` sets them.
    anchor_key_file: str | None = None
    anchor_file: str | None = None
    checkpoint_every: int = 1000  # events
    checkpoint_s: float = 300.0  # or this long, whichever comes first
    # Geolocation: a site's geocoding server (Nominatim API, via geopy), else the offline
    # gazetteer, to which a site may add its own CSV files (name,lat,lon).
    geocoder_url: str | None = None
    gazetteer_files: tuple[str, ...] = ()
    # One log line per request (`platform_api.logs`); `platform-api serve` turns it on.
    access_log: bool = False
    # A training sandbox (platform_api.sandbox): says so on /livez and /readyz and accepts
    # POST /v1/training/seed. Never set for a live platform; no command-line flag sets it.
    training: bool = False
    # Run the migrations at start (under an advisory lock, so concurrent starts are safe).
    # False: `platform-api migrate` is a separate step and a start on an older schema fails.
    migrate: bool = True
    # Seconds a unit has to acknowledge a dispatch, by grade ("immediate": 60): site data
    # every console sees as an assignment's `ack_due_at`; a grade left out keeps
    # `contract.ACK_WITHIN_S`.
    ack_within_s: dict[str, int] = field(default_factory=dict)
