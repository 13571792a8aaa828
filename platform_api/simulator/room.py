"""The simulated room: callers who ring and hang up, a call-taker colleague who answers and
raises incidents, and a dispatcher colleague who sends the nearest unit and closes the job.

The colleagues help the humans and never take their work: a 999 call rings for
`SimConfig.human_first_999_s` before the call-taker may take it; a call a human answers,
an incident a human raised and an incident a human sent a unit to are left to the humans
(the room never dispatches to it again or closes it). What the room knows of a call it
made (the truth behind it: `Caller`) and of an incident it handles (`Job`) lives here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from platform_api.geo import haversine_m
from platform_api.packs import ForcePack
from platform_api.simulator import avl, scenarios
from platform_api.simulator.api import Api, World
from platform_api.simulator.config import SimConfig

if TYPE_CHECKING:
    from platform_api.simulator.runner import SimStats

# Units the simulated room sends to any job (specialists only where a job needs them).
GENERAL_TYPES = ("response_car", "foot_patrol", "fire_engine", "ambulance")
OTHER_FORCE_PENALTY = 3.0


@dataclass
class Caller:
    """What the simulator knows of a call it made: the truth behind it."""

    kind: scenarios.Kind
    borough: str
    lat: float
    lon: float
    answer_at: float
    hang_up_at: float


@dataclass
class Job:
    """An incident the simulated room handles: when it may close."""

    kind: scenarios.Kind
    close_at: float | None = None
    next_try: float = 0.0
    units_sent: set[str] = field(default_factory=set)


class Room:
    """The simulated colleagues' side of the shift, one step per tick (`Simulator._tick`)."""

    def __init__(
        self,
        config: SimConfig,
        rng: random.Random,
        api: Api,
        world: World,
        stats: SimStats,
        pack: ForcePack,
        force_rates: dict[str, float],
    ) -> None:
        self.config = config
        self.rng = rng
        self.api = api
        self.world = world
        self.stats = stats
        self.pack = pack
        self.force_rates = force_rates
        self.callers: dict[str, Caller] = {}
        self.jobs: dict[str, Job] = {}

    # ---------------------------------------------------------------- calls

    def answer_delay(self, line: str) -> float:
        """How long the simulated call-takers leave a new call ringing for the humans."""
        lo, hi = self.config.answer_after_s
        delay = self.rng.uniform(lo, hi)
        return max(delay, self.config.human_first_999_s) if line == "999" else delay

    def adopt_waiting_calls(self, now: float) -> None:
        """Calls queued before this start (a restart) get callers, so they are answered."""
        for call in self.world.calls.values():
            if call["state"] != "queued":
                continue
            kind = scenarios.pick_kind(self.rng, call["line"])
            borough, lat, lon = scenarios.pick_place(self.rng, self.pack, self.force_rates)
            answer_at = now + self.answer_delay(call["line"])
            self.callers[call["id"]] = Caller(kind, borough.name, lat, lon, answer_at, now + 300)

    def ring(self, now: float) -> None:
        rng, cfg = self.rng, self.config
        line = "999" if rng.random() < cfg.share_999 else "101"
        kind = scenarios.pick_kind(rng, line)
        borough, lat, lon = scenarios.pick_place(rng, self.pack, self.force_rates)
        body: dict[str, Any] = {"line": line, "caller_number": scenarios.caller_number(rng)}
        if line == "999" and body["caller_number"].startswith("077") and rng.random() < 0.9:
            body["handset_location"] = scenarios.handset_fix(rng, lat, lon)
        result = self.api.send(cfg.gateway_user, "/v1/calls", body)
        if result is None:
            return
        call = result["changes"]["calls"][0]
        patience = rng.uniform(90, 180) if line == "999" else rng.uniform(300, 600)
        answer_at = now + self.answer_delay(line)
        self.callers[call["id"]] = Caller(
            kind, borough.name, lat, lon, answer_at, max(now + patience, answer_at + 30)
        )
        self.stats.calls_made += 1

    def callers_hang_up(self, now: float) -> None:
        for call_id, caller in list(self.callers.items()):
            call = self.world.calls.get(call_id)
            if call is None or call["state"] != "queued":
                if call is None or call["state"] != "answered":
                    self.callers.pop(call_id, None)
                continue
            if now >= caller.hang_up_at:
                self.api.send(self.config.gateway_user, f"/v1/calls/{call_id}/abandon", {})
                self.stats.calls_abandoned += 1
                self.callers.pop(call_id, None)

    def answer_calls(self, now: float) -> None:
        cfg = self.config
        for call_id, caller in list(self.callers.items()):
            call = self.world.calls.get(call_id)
            if call is None or call["state"] != "queued" or now < caller.answer_at:
                continue
            result = self.api.send(
                cfg.calltaker_user, f"/v1/calls/{call_id}/answer", {}, call["version"]
            )
            if result is None:
                continue  # a human (or another console) took it
            answered = result["changes"]["calls"][0]
            self.callers.pop(call_id, None)
            self.raise_incident(answered, caller)

    def raise_incident(
        self, call: dict[str, Any], caller: Caller, advice_share: float = 0.05
    ) -> dict[str, Any] | None:
        """The incident the call-taker raises from an answered call (None: advice only, or
        refused)."""
        cfg, rng = self.config, self.rng
        if rng.random() < advice_share:
            self.api.send(
                cfg.calltaker_user,
                f"/v1/calls/{call['id']}/close",
                {"reason": "advice given"},
                call["version"],
            )
            return None
        kind = caller.kind
        grade = kind.grade_999 if call["line"] == "999" else kind.grade_101
        body = {
            "opening_classification": kind.classification,
            "grade": grade,
            "location": {
                "lat": round(caller.lat, 6),
                "lon": round(caller.lon, 6),
                "address": f"{rng.randrange(1, 200)} High Street, {caller.borough}",
            },
            "thrive": {"threat": kind.threat, "risk": "caller remains on scene"},
            "narrative": f"Caller reports {kind.classification.lower()}: {kind.threat}.",
        }
        result = self.api.send(
            cfg.calltaker_user, f"/v1/calls/{call['id']}/incident", body, call["version"]
        )
        if result is None:
            return None
        incident: dict[str, Any] = result["changes"]["incidents"][0]
        self.jobs[incident["id"]] = Job(kind)
        self.stats.incidents_created += 1
        return incident

    # ---------------------------------------------------------------- dispatch

    def hand_over_to_humans(self) -> None:
        """An incident of the room's that a person sent a unit to is theirs from then on."""
        mine = self.config.dispatcher_user
        for assignment in self.world.assignments.values():
            if assignment["dispatched_by"] != mine and assignment["incident_id"] in self.jobs:
                del self.jobs[assignment["incident_id"]]
                self.stats.handed_over += 1

    def dispatch(self, now: float) -> None:
        world = self.world
        staffed = {a["incident_id"] for a in world.assignments.values()}
        for incident_id, job in list(self.jobs.items()):
            incident = world.incidents.get(incident_id)
            if incident is None:
                self.jobs.pop(incident_id, None)
                continue
            if incident_id in staffed or job.close_at is not None or now < job.next_try:
                continue
            if incident["grade"] in ("scheduled", "resolved_without_deployment"):
                job.close_at = now + self.rng.uniform(60, 240) / self.config.speed_factor
                continue
            unit = self.nearest_unit(incident, job.kind.needs)
            job.next_try = now + 5.0
            if unit is None:
                continue
            body = {"incident_id": incident_id}
            if unit.get("force") != incident.get("force"):  # the platform asks why
                body["reason"] = "nearest available unit; none of the force's own free"
            result = self.api.send(
                self.config.dispatcher_user, f"/v1/units/{unit['id']}/assign", body, unit["version"]
            )
            if result is not None:
                self.stats.assignments += 1
                job.units_sent.add(unit["id"])

    def nearest_unit(self, incident: dict[str, Any], needs: str | None) -> dict[str, Any] | None:
        loc = incident["location"]
        best: tuple[float, dict[str, Any]] | None = None
        for unit in self.world.units.values():
            if unit["status"] != "available" or unit["position"] is None:
                continue
            if needs is not None and needs not in unit["capabilities"]:
                continue
            if needs is None and unit["type"] not in GENERAL_TYPES:
                continue
            pos = unit["position"]
            d = haversine_m(pos["lat"], pos["lon"], loc["lat"], loc["lon"])
            speed = avl.SPEED_KMH.get(unit["type"], 40.0)
            eta = d / speed
            if unit.get("force") != incident.get("force"):
                eta *= OTHER_FORCE_PENALTY  # a force sends its own unless far nearer
            if best is None or eta < best[0]:
                best = (eta, unit)
        return None if best is None else best[1]

    # ---------------------------------------------------------------- closing

    def scene_time(self) -> float:
        return self.rng.uniform(*self.config.scene_s) / self.config.speed_factor

    def arrived(self, incident_id: str, now: float) -> None:
        """A unit reached one of the room's incidents: the job closes after its scene time."""
        job = self.jobs.get(incident_id)
        if job is not None and job.close_at is None:
            job.close_at = now + self.scene_time()

    def close_finished(self, now: float) -> None:
        for incident_id, job in list(self.jobs.items()):
            if job.close_at is None or now < job.close_at:
                continue
            incident = self.world.incidents.get(incident_id)
            self.jobs.pop(incident_id, None)
            if incident is None:
                continue
            result = self.api.send(
                self.config.dispatcher_user,
                f"/v1/incidents/{incident_id}/close",
                {"closing_classification": job.kind.closing},
                incident["version"],
            )
            if result is not None:
                self.stats.incidents_closed += 1
