"""Platforms a console starts for itself: the demo room, and training sandboxes.

`DemoPlatform` is what a console given no `--platform` runs: an embedded platform with demo
users and a simulated London shift.

A training sandbox ("take over from here" in a replay) is an embedded platform of its own
on a fresh temporary SQLite file,
with `Settings(training=True)`: it says `mode: "training"` on `/healthz` (the console shows
TRAINING) and accepts `POST /v1/training/seed`, which no live platform does. The state of
the moment is seeded there, moved in time so that the moment is now; demo users sign in as
on any embedded platform, and the simulator can keep feeding calls.

A sandbox cannot write to a live platform: it holds no URL, token or client but its own.
Starting and stopping block (a server start, a sign-in): run them in an executor.

Only the console's composition root (`console.bootstrap`) imports this module; the
import contracts in pyproject.toml hold every other console module to `platform_api.contract`.
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from platform_api.contract import CallCreate, HandsetLocation, Line, StatePublic, TrainingSeed
from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings, default_db_url
from platform_api.simulator import SimConfig, Simulator

# A console with no platform opens on a room mid-shift (platform_api/simulator/midshift.py).
MID_SHIFT = (20, 40)


class DemoPlatform:
    """An embedded platform with demo users and a simulated shift (a console with no URL),
    opened mid-shift so a new user sees a working room at once."""

    def __init__(self, db_url: str | None, call_rate: float, pack: str = "london") -> None:
        self.platform = EmbeddedPlatform(
            Settings(db_url=db_url or default_db_url(pack), demo_users=True, pack=pack)
        ).start()
        self.url = self.platform.url
        self.simulator = Simulator(
            self.url, SimConfig(call_rate_per_hour=call_rate, pack=pack, mid_shift=MID_SHIFT)
        )
        self.simulator.start()

    def stop(self) -> None:
        self.simulator.stop()
        self.platform.stop()


class TrainingSandbox:
    """A running training platform seeded with one moment of a replay."""

    def __init__(self, platform: EmbeddedPlatform, folder: tempfile.TemporaryDirectory[str]):
        self._platform = platform
        self._folder = folder
        self._simulator: Any = None
        self.url = platform.url

    @classmethod
    def start(
        cls,
        state: StatePublic,
        at: datetime,
        *,
        simulate: bool = False,
        call_rate_per_hour: float = 60.0,
        pack: str = "london",
    ) -> TrainingSandbox:
        """Start, seed with `state` as it was at `at`, optionally run the simulator; both
        in `pack`'s area (a recording's own: a San Francisco shift trains in San Francisco)."""
        folder = tempfile.TemporaryDirectory(prefix="control-room-training-")
        settings = Settings(
            db_url=f"sqlite:///{Path(folder.name) / 'training.db'}",
            demo_users=True,
            training=True,
            reference_prefix="TRN",
            pack=pack,
        )
        platform = EmbeddedPlatform(settings).start()
        sandbox = cls(platform, folder)
        try:
            seed = TrainingSeed(state=state, at=at)
            sandbox._post("admin", "/v1/training/seed", seed.model_dump(mode="json"))
            if simulate:
                sandbox._simulator = Simulator(
                    sandbox.url, SimConfig(call_rate_per_hour=call_rate_per_hour, pack=pack)
                )
                sandbox._simulator.start()
        except BaseException:
            sandbox.stop()
            raise
        return sandbox

    def inject_call(
        self,
        *,
        line: Line | str = Line.EMERGENCY,
        caller_number: str = "07700 900000",
        caller_name: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        accuracy_m: float = 50.0,
    ) -> dict[str, Any]:
        """A trainer's scripted call, rung in as the telephony gateway; returns the call."""
        aml = (
            None
            if lat is None or lon is None
            else HandsetLocation(lat=lat, lon=lon, accuracy_m=accuracy_m)
        )
        body = CallCreate(
            line=Line(line),
            caller_number=caller_number,
            caller_name=caller_name,
            handset_location=aml,
        )
        result = self._post("gateway", "/v1/calls", body.model_dump(mode="json"))
        call: dict[str, Any] = result["changes"]["calls"][0]
        return call

    def login(self, username: str) -> str:
        """A token for a demo user of the sandbox (password "demo")."""
        return self._platform.login(username)

    def stop(self) -> None:
        if self._simulator is not None:
            self._simulator.stop()
            self._simulator = None
        self._platform.stop()
        self._folder.cleanup()

    def _post(self, username: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {
            "Authorization": f"Bearer {self._platform.login(username)}",
            "Idempotency-Key": uuid.uuid4().hex,
        }
        response = httpx.post(f"{self.url}{path}", json=body, headers=headers, timeout=30)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result
