"""The simulated shift: callers ringing, colleagues in the room, and units on the move.

Everything goes through the platform's HTTP API as three people would: the telephony and
AVL gateway, a call-taker colleague and a dispatcher colleague. The simulated room helps the
humans and never takes their work: a 999 call rings for `SimConfig.human_first_999_s` before
a simulated call-taker may take it; a call a human answers, an incident a human raised and
an incident a human sent a unit to are left to the humans (the room never dispatches to it
again or closes it). The crews and the AVL serve everyone: a unit acknowledges, drives and
arrives whoever dispatched it (the log is followed every tick, so within a tick).
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from platform_api.geo import haversine_m
from platform_api.packs import ForcePack, load_pack
from platform_api.simulator import avl, midshift, scenarios
from platform_api.simulator.api import Api, World
from platform_api.simulator.config import SimConfig
from platform_api.simulator.shifts import Rota
from platform_api.simulator.world import plan_units

log = logging.getLogger("platform_api.simulator")

TICK_S = 0.25
# Units the simulated room sends to any job (specialists only where a job needs them).
GENERAL_TYPES = ("response_car", "foot_patrol", "fire_engine", "ambulance")
OTHER_FORCE_PENALTY = 3.0
ROTA_BATCH = 12  # rota commands per tick at most, so a tick (and stop) stays short


@dataclass
class SimStats:
    units_seeded: int = 0
    calls_made: int = 0
    calls_abandoned: int = 0
    incidents_created: int = 0
    assignments: int = 0
    incidents_closed: int = 0
    positions_posted: int = 0
    refused: int = 0  # commands another console beat us to (409/412): normal in a busy room
    errors: int = 0  # the platform could not be reached
    ticks: int = 0  # room ticks run to the end (something to wait on, instead of time)
    handed_over: int = 0  # the room's incidents a human sent a unit to: theirs from then on


@dataclass
class _Caller:
    """What the simulator knows of a call it made: the truth behind it."""

    kind: scenarios.Kind
    borough: str
    lat: float
    lon: float
    answer_at: float
    hang_up_at: float


@dataclass
class _Job:
    """An incident the simulated room handles: when it may close."""

    kind: scenarios.Kind
    close_at: float | None = None
    next_try: float = 0.0
    units_sent: set[str] = field(default_factory=set)


def force_rates(config: SimConfig, pack: ForcePack) -> dict[str, float]:
    """Calls per hour of each force: the config's, else the room's rate by call shares."""
    if config.force_rates:
        return {code: config.force_rates[code] for code in config.force_rates}
    total = sum(f.call_share for f in pack.forces)
    return {f.code: config.call_rate_per_hour * f.call_share / total for f in pack.forces}


class Simulator:
    def __init__(self, base_url: str, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        self.stats = SimStats()
        self._rng = random.Random(self.config.seed)
        self._pack = load_pack(self.config.pack)
        self._force_rates = force_rates(self.config, self._pack)
        self._world = World()
        self._api = Api(base_url, self._world)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._callers: dict[str, _Caller] = {}
        self._jobs: dict[str, _Job] = {}
        self._next_call = 0.0
        self._next_avl = 0.0
        self._next_refresh = 0.0
        self._last_report: dict[str, float] = {}
        # Dispatches the crews have seen: when they will respond, and whether they press
        # acknowledge (False: they go en route later, after a radio call, without it).
        self._responses: dict[str, tuple[float, bool]] = {}
        self._rota = Rota(self._rng, self.config.shift_speed, time.monotonic())
        self._next_rota = 0.0
        self._opening = 0  # incidents to open the room with (SimConfig.mid_shift)
        # Set once the room is open (at once when there is no mid-shift opening to do).
        self.opened = threading.Event()

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> None:
        cfg = self.config
        for who in (cfg.gateway_user, cfg.calltaker_user, cfg.dispatcher_user):
            self._api.sign_in(who, cfg.password)
        self._api.refresh(cfg.dispatcher_user)
        if not self._world.units:
            self._seed()
            if cfg.mid_shift is not None:  # on the simulator's thread: see _run
                self._opening = self._rng.randint(*cfg.mid_shift)
        now = time.monotonic()
        self._adopt_waiting_calls(now)
        # A first call within seconds, so a new user sees the room come alive at once.
        self._next_call = now + min(self._gap(), self._rng.uniform(2, 5))
        self._next_refresh = now + cfg.refresh_s
        self._thread = threading.Thread(target=self._run, name="simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._api.close()

    def _seed(self) -> None:
        for plan in plan_units(self._rng, self._pack):
            if self._api.send(self.config.gateway_user, "/v1/units", plan.body()) is not None:
                self.stats.units_seeded += 1
        log.info("seeded %d units", self.stats.units_seeded)

    def _adopt_waiting_calls(self, now: float) -> None:
        """Calls queued before this start (a restart) get callers, so they are answered."""
        for call in self._world.calls.values():
            if call["state"] != "queued":
                continue
            kind = scenarios.pick_kind(self._rng, call["line"])
            borough, lat, lon = scenarios.pick_place(self._rng, self._pack, self._force_rates)
            answer_at = now + self._answer_delay(call["line"])
            self._callers[call["id"]] = _Caller(kind, borough.name, lat, lon, answer_at, now + 300)

    def _answer_delay(self, line: str) -> float:
        """How long the simulated call-takers leave a new call ringing for the humans."""
        lo, hi = self.config.answer_after_s
        delay = self._rng.uniform(lo, hi)
        return max(delay, self.config.human_first_999_s) if line == "999" else delay

    def _run(self) -> None:
        # The opening takes some hundreds of commands (seconds): here, so the console that
        # started this platform shows at once and watches the room fill.
        if self._opening:
            try:
                midshift.open_room(self, self._opening)
            except httpx.HTTPError as exc:
                self.stats.errors += 1
                log.warning("simulator: the room did not open mid-shift (%s)", exc)
        self.opened.set()
        backoff = 1.0
        while not self._stop.is_set():
            try:
                self._tick(time.monotonic())
                backoff = 1.0
            except httpx.HTTPError as exc:
                self.stats.errors += 1
                log.warning(
                    "simulator: platform unavailable (%s); retrying in %.0f s", exc, backoff
                )
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            self._stop.wait(TICK_S)

    def _gap(self) -> float:
        return self._rng.expovariate(sum(self._force_rates.values()) / 3600.0)

    # ---------------------------------------------------------------- one tick

    def _tick(self, now: float) -> None:
        cfg = self.config
        if now >= self._next_refresh:
            self._api.refresh(cfg.dispatcher_user)
            self._next_refresh = now + cfg.refresh_s
        else:
            self._api.follow(cfg.dispatcher_user)
        self._hand_over_to_humans()
        while now >= self._next_call:
            self._ring(now)
            self._next_call += self._gap()
        self._callers_hang_up(now)
        if cfg.room:
            self._answer_calls(now)
            self._dispatch(now)
            self._close_finished(now)
        self._crews_respond(now)
        if now >= self._next_rota:
            self._next_rota = now + cfg.rota_check_s
            self._run_rota(now)
        if now >= self._next_avl:
            self._move_units(now)
            self._next_avl = now + cfg.avl_interval_s
        self.stats.refused = self._api.refused
        self.stats.ticks += 1

    def _ring(self, now: float) -> None:
        rng, cfg = self._rng, self.config
        line = "999" if rng.random() < cfg.share_999 else "101"
        kind = scenarios.pick_kind(rng, line)
        borough, lat, lon = scenarios.pick_place(rng, self._pack, self._force_rates)
        body: dict[str, Any] = {"line": line, "caller_number": scenarios.caller_number(rng)}
        if line == "999" and body["caller_number"].startswith("077") and rng.random() < 0.9:
            body["handset_location"] = scenarios.handset_fix(rng, lat, lon)
        result = self._api.send(cfg.gateway_user, "/v1/calls", body)
        if result is None:
            return
        call = result["changes"]["calls"][0]
        patience = rng.uniform(90, 180) if line == "999" else rng.uniform(300, 600)
        answer_at = now + self._answer_delay(line)
        self._callers[call["id"]] = _Caller(
            kind, borough.name, lat, lon, answer_at, max(now + patience, answer_at + 30)
        )
        self.stats.calls_made += 1

    def _callers_hang_up(self, now: float) -> None:
        for call_id, caller in list(self._callers.items()):
            call = self._world.calls.get(call_id)
            if call is None or call["state"] != "queued":
                if call is None or call["state"] != "answered":
                    self._callers.pop(call_id, None)
                continue
            if now >= caller.hang_up_at:
                self._api.send(self.config.gateway_user, f"/v1/calls/{call_id}/abandon", {})
                self.stats.calls_abandoned += 1
                self._callers.pop(call_id, None)

    def _answer_calls(self, now: float) -> None:
        cfg = self.config
        for call_id, caller in list(self._callers.items()):
            call = self._world.calls.get(call_id)
            if call is None or call["state"] != "queued" or now < caller.answer_at:
                continue
            result = self._api.send(
                cfg.calltaker_user, f"/v1/calls/{call_id}/answer", {}, call["version"]
            )
            if result is None:
                continue  # a human (or another console) took it
            answered = result["changes"]["calls"][0]
            self._callers.pop(call_id, None)
            self._raise_incident(answered, caller)

    def _raise_incident(
        self, call: dict[str, Any], caller: _Caller, advice_share: float = 0.05
    ) -> dict[str, Any] | None:
        """The incident the call-taker raises from an answered call (None: advice only, or
        refused)."""
        cfg, rng = self.config, self._rng
        if rng.random() < advice_share:
            self._api.send(
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
        result = self._api.send(
            cfg.calltaker_user, f"/v1/calls/{call['id']}/incident", body, call["version"]
        )
        if result is None:
            return None
        incident: dict[str, Any] = result["changes"]["incidents"][0]
        self._jobs[incident["id"]] = _Job(kind)
        self.stats.incidents_created += 1
        return incident

    def _hand_over_to_humans(self) -> None:
        """An incident of the room's that a person sent a unit to is theirs from then on."""
        mine = self.config.dispatcher_user
        for assignment in self._world.assignments.values():
            if assignment["dispatched_by"] != mine and assignment["incident_id"] in self._jobs:
                del self._jobs[assignment["incident_id"]]
                self.stats.handed_over += 1

    # ---------------------------------------------------------------- dispatch

    def _dispatch(self, now: float) -> None:
        world = self._world
        staffed = {a["incident_id"] for a in world.assignments.values()}
        for incident_id, job in list(self._jobs.items()):
            incident = world.incidents.get(incident_id)
            if incident is None:
                self._jobs.pop(incident_id, None)
                continue
            if incident_id in staffed or job.close_at is not None or now < job.next_try:
                continue
            if incident["grade"] in ("scheduled", "resolved_without_deployment"):
                job.close_at = now + self._rng.uniform(60, 240) / self.config.speed_factor
                continue
            unit = self._nearest_unit(incident, job.kind.needs)
            job.next_try = now + 5.0
            if unit is None:
                continue
            body = {"incident_id": incident_id}
            if unit.get("force") != incident.get("force"):  # the platform asks why
                body["reason"] = "nearest available unit; none of the force's own free"
            result = self._api.send(
                self.config.dispatcher_user, f"/v1/units/{unit['id']}/assign", body, unit["version"]
            )
            if result is not None:
                self.stats.assignments += 1
                job.units_sent.add(unit["id"])

    def _run_rota(self, now: float) -> None:
        """Shift changes and refreshment breaks (platform_api/simulator/shifts.py)."""
        who = self.config.gateway_user
        done = 0
        for unit in list(self._world.units.values()):
            if done >= ROTA_BATCH or self._stop.is_set():
                self._next_rota = now  # the rest at the next tick
                return
            action = self._rota.decide(unit, now)
            if action is None:
                continue
            done += 1
            path = f"/v1/units/{unit['id']}"
            if action == "book_on":
                shift, members = self._rota.new_crew(unit, now)
                body: dict[str, Any] = {"crew": members, "shift": shift}
                self._api.send(who, f"{path}/book-on", body, unit["version"])
            elif action == "book_off":
                self._api.send(who, f"{path}/book-off", {}, unit["version"])
            elif action == "break":
                end = self._rota.break_end(unit["id"]) or now
                until = datetime.now(UTC) + timedelta(seconds=max(1.0, end - now))
                body = {"status": "refreshment", "until": until.isoformat()}
                self._api.send(who, f"{path}/status", body, unit["version"])
            else:  # back from the break
                self._rota.ended_break(unit["id"])
                self._api.send(who, f"{path}/status", {"status": "available"}, unit["version"])

    def _crews_respond(self, now: float) -> None:
        """Every dispatch the crews know of (the room's or a person's): acknowledge after a
        human delay and set off, or, now and then, set off late without acknowledging."""
        rng, cfg = self._rng, self.config
        for assignment in list(self._world.assignments.values()):
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
                result = self._api.send(
                    cfg.gateway_user,
                    f"/v1/assignments/{assignment['id']}/acknowledge",
                    {},
                    version,
                )
                if result is None:
                    continue
                version = result["changes"]["assignments"][0]["version"]
            self._api.send(
                cfg.gateway_user,
                f"/v1/assignments/{assignment['id']}/progress",
                {"state": "en_route"},
                version,
            )

    def _nearest_unit(self, incident: dict[str, Any], needs: str | None) -> dict[str, Any] | None:
        loc = incident["location"]
        best: tuple[float, dict[str, Any]] | None = None
        for unit in self._world.units.values():
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

    def _scene_time(self) -> float:
        return self._rng.uniform(*self.config.scene_s) / self.config.speed_factor

    def _close_finished(self, now: float) -> None:
        for incident_id, job in list(self._jobs.items()):
            if job.close_at is None or now < job.close_at:
                continue
            incident = self._world.incidents.get(incident_id)
            self._jobs.pop(incident_id, None)
            if incident is None:
                continue
            result = self._api.send(
                self.config.dispatcher_user,
                f"/v1/incidents/{incident_id}/close",
                {"closing_classification": job.kind.closing},
                incident["version"],
            )
            if result is not None:
                self.stats.incidents_closed += 1

    # ---------------------------------------------------------------- AVL

    def _move_units(self, now: float) -> None:
        world, cfg = self._world, self.config
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
                metres = 0.0 if unit["status"] != "available" else self._rng.uniform(0, 60)
                lat, lon = avl.drift(self._rng, pos["lat"], pos["lon"], metres)
                unit["position"] = {**pos, "lat": lat, "lon": lon}
                fixes.append(avl.fix(unit["id"], lat, lon, None, 0.0 if metres == 0 else 5.0))
        if fixes:
            self._api.send(cfg.gateway_user, "/v1/positions", {"positions": fixes})
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
            self._api.send(
                self.config.gateway_user,
                f"/v1/assignments/{assignment['id']}/progress",
                {"state": "at_scene"},
                assignment["version"],
            )
            job = self._jobs.get(incident["id"])
            if job is not None and job.close_at is None:
                job.close_at = now + self._scene_time()
        # Update our copy now: the platform echoes positions only in the event stream.
        unit["position"] = {**pos, "lat": lat, "lon": lon}
        return avl.fix(unit["id"], lat, lon, heading, 0.0 if arrived else speed)
