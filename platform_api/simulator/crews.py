"""The simulated crews and their vehicles: they answer dispatches, drive, and keep a rota.

They serve every dispatcher, the room's and the humans': a unit acknowledges on its device
after a human delay (now and then it never presses and sets off late, after a radio call),
goes en route, drives to the scene reporting its position (the AVL feed) and arrives;
units not on a job drift on patrol and report now and then. The rota books crews on and
off at shift changes and sends them on their breaks (shifts.py decides; this sends).
The dispatches are read from the log every tick, so a person's are served within a tick.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from platform_api.simulator import avl
from platform_api.simulator.api import Api, World
from platform_api.simulator.config import SimConfig
from platform_api.simulator.shifts import Rota

if TYPE_CHECKING:
    from platform_api.simulator.runner import SimStats

ROTA_BATCH = 12  # rota commands per tick at most, so a tick (and stop) stays short


class Crews:
    """The crews' side of the shift, one step per tick (`Simulator._tick`)."""

    def __init__(
        self,
        config: SimConfig,
        rng: random.Random,
        api: Api,
        world: World,
        stats: SimStats,
        rota: Rota,
        arrived: Callable[[str, float], None],  # (incident id, now): a unit reached it
        stop: threading.Event,
    ) -> None:
        self.config = config
        self.rng = rng
        self.api = api
        self.world = world
        self.stats = stats
        self.rota = rota
        self._arrived = arrived
        self._stop = stop
        self._last_report: dict[str, float] = {}
        # Dispatches the crews have seen: when they will respond, and whether they press
        # acknowledge (False: they go en route later, after a radio call, without it).
        self._responses: dict[str, tuple[float, bool]] = {}
        self.next_rota = 0.0

    # ---------------------------------------------------------------- dispatches

    def respond(self, now: float) -> None:
        """Every dispatch the crews know of (the room's or a person's): acknowledge after a
        human delay and set off, or, now and then, set off late without acknowledging."""
        rng, cfg = self.rng, self.config
        for assignment in list(self.world.assignments.values()):
            if assignment["state"] != "dispatched":
                continue
            planned = self._responses.get(assignment["id"])
            if planned is None:
                presses = rng.random() >= cfg.no_ack_share
                if presses:
                    delay = min(55.0, max(2.0, rng.lognormvariate(math.log(cfg.ack_median_s), 0.6)))
                else:
                    delay = rng.uniform(75.0, 150.0)
                self._responses[assignment["id"]] = (now + delay / cfg.speed_factor, presses)
                continue
            due, presses = planned
            if now < due:
                continue
            del self._responses[assignment["id"]]
            version = assignment["version"]
            if presses:
                result = self.api.send(
                    cfg.gateway_user,
                    f"/v1/assignments/{assignment['id']}/acknowledge",
                    {},
                    version,
                )
                if result is None:
                    continue
                version = result["changes"]["assignments"][0]["version"]
            self.api.send(
                cfg.gateway_user,
                f"/v1/assignments/{assignment['id']}/progress",
                {"state": "en_route"},
                version,
            )

    # ---------------------------------------------------------------- rota

    def run_rota(self, now: float) -> None:
        """Shift changes and refreshment breaks (platform_api/simulator/shifts.py)."""
        who = self.config.gateway_user
        done = 0
        for unit in list(self.world.units.values()):
            if done >= ROTA_BATCH or self._stop.is_set():
                self.next_rota = now  # the rest at the next tick
                return
            action = self.rota.decide(unit, now)
            if action is None:
                continue
            done += 1
            path = f"/v1/units/{unit['id']}"
            if action == "book_on":
                shift, members = self.rota.new_crew(unit, now)
                body: dict[str, Any] = {"crew": members, "shift": shift}
                self.api.send(who, f"{path}/book-on", body, unit["version"])
            elif action == "book_off":
                self.api.send(who, f"{path}/book-off", {}, unit["version"])
            elif action == "break":
                end = self.rota.break_end(unit["id"]) or now
                until = datetime.now(UTC) + timedelta(seconds=max(1.0, end - now))
                body = {"status": "refreshment", "until": until.isoformat()}
                self.api.send(who, f"{path}/status", body, unit["version"])
            else:  # back from the break
                self.rota.ended_break(unit["id"])
                self.api.send(who, f"{path}/status", {"status": "available"}, unit["version"])

    # ---------------------------------------------------------------- AVL

    def move_units(self, now: float) -> None:
        world, cfg = self.world, self.config
        by_unit = {a["unit_id"]: a for a in world.assignments.values()}
        fixes: list[dict[str, Any]] = []
        for unit in world.units.values():
            pos = unit["position"]
            if pos is None:
                continue
            assignment = by_unit.get(unit["id"])
            incident = world.incidents.get(assignment["incident_id"]) if assignment else None
            if (
                assignment is not None
                and incident is not None
                and assignment["state"] in ("acknowledged", "en_route")
            ):
                fixes.append(self._drive(unit, assignment, incident, now))
            elif now - self._last_report.get(unit["id"], 0.0) >= cfg.patrol_report_s:
                self._last_report[unit["id"]] = now
                metres = 0.0 if unit["status"] != "available" else self.rng.uniform(0, 60)
                lat, lon = avl.drift(self.rng, pos["lat"], pos["lon"], metres)
                unit["position"] = {**pos, "lat": lat, "lon": lon}
                fixes.append(avl.fix(unit["id"], lat, lon, None, 0.0 if metres == 0 else 5.0))
        if fixes:
            self.api.send(cfg.gateway_user, "/v1/positions", {"positions": fixes})
            self.stats.positions_posted += len(fixes)

    def _drive(
        self, unit: dict[str, Any], assignment: dict[str, Any], incident: dict[str, Any], now: float
    ) -> dict[str, Any]:
        pos, loc = unit["position"], incident["location"]
        speed = avl.SPEED_KMH.get(unit["type"], 40.0)
        metres = speed / 3.6 * self.config.avl_interval_s * self.config.speed_factor
        lat, lon, heading, arrived = avl.step_towards(
            pos["lat"], pos["lon"], loc["lat"], loc["lon"], metres
        )
        if arrived:
            self.api.send(
                self.config.gateway_user,
                f"/v1/assignments/{assignment['id']}/progress",
                {"state": "at_scene"},
                assignment["version"],
            )
            self._arrived(incident["id"], now)
        # Update our copy now: the platform echoes positions only in the event stream.
        unit["position"] = {**pos, "lat": lat, "lon": lon}
        return avl.fix(unit["id"], lat, lon, heading, 0.0 if arrived else speed)
