"""Open the simulated room mid-shift: a new user sees a working control room at once.

An empty room teaches nothing: no incident to select, no unit on its way, nothing for the
Room view to count. With `SimConfig.mid_shift` the simulator, on a fresh platform, books a
crew onto every unit, sends a few on their refreshment break, and raises 20 to 40 incidents
the way its call-takers always do (a call rings, is answered, an incident is raised), then
resources most of them and moves each dispatch on to a different stage: dispatched (not yet
acknowledged), acknowledged, en route, at scene (the unit placed at the address). A few
are left waiting for a unit, as in any busy room. All of it goes through the public API,
as the rest of the simulator does; the incidents are the room's, so it carries on with them
(the crews drive, arrive, and the room closes them) unless a person takes one over.

The platform stamps each incident's creation itself, so the opening's incidents are all
new and their response targets share one time (Immediate: 15 min on). That does not turn
the room red at once: a target is met when a unit arrives (console/attendance.py), and
the opening's are at scene or reached within minutes, the waiting few dispatched by the
room at its next tick; what falls due is only what nobody reached, spread as a shift's.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from platform_api.simulator import avl, scenarios
from platform_api.simulator.room import Caller

if TYPE_CHECKING:
    from platform_api.simulator.runner import Simulator

# Where a resourced incident of the opening room stands, with how often each comes up.
STAGES = (("dispatched", 2), ("acknowledged", 2), ("en_route", 4), ("at_scene", 5))
WAITING_SHARE = 0.2  # incidents still waiting for a unit
BREAK_SHARE = 0.06  # free units on their refreshment break


def open_room(sim: Simulator, incidents: int) -> None:
    """Book the crews on, send some on a break, and raise and resource `incidents`."""
    now = time.monotonic()
    _book_everyone_on(sim, now)
    _send_some_on_break(sim, now)
    fixes: list[dict[str, Any]] = []
    for _ in range(incidents):
        fix = _raise_and_resource(sim, now)
        if fix is not None:
            fixes.append(fix)
    if fixes:  # units at scene stand at the address
        sim._api.send(sim.config.gateway_user, "/v1/positions", {"positions": fixes})


def _book_everyone_on(sim: Simulator, now: float) -> None:
    who = sim.config.gateway_user
    for unit in list(sim._world.units.values()):
        if unit["status"] not in ("available", "off_duty"):
            continue
        shift, members = sim.crews.rota.new_crew(unit, now)
        body = {"crew": members, "shift": shift}
        sim._api.send(who, f"/v1/units/{unit['id']}/book-on", body, unit["version"])


def _send_some_on_break(sim: Simulator, now: float) -> None:
    rng, who = sim._rng, sim.config.gateway_user
    for unit in list(sim._world.units.values()):
        if unit["status"] != "available" or rng.random() >= BREAK_SHARE:
            continue
        crew = sim.crews.rota.crews.get(unit["id"])
        if crew is None:
            continue
        left = rng.uniform(5, 40) * 60 / sim.config.shift_speed
        crew.break_taken = True
        crew.on_break_until = now + left
        until = datetime.now(UTC) + timedelta(seconds=left)
        body = {"status": "refreshment", "until": until.isoformat()}
        sim._api.send(who, f"/v1/units/{unit['id']}/status", body, unit["version"])


def _raise_and_resource(sim: Simulator, now: float) -> dict[str, Any] | None:
    """One incident of the opening room; the fix of its unit when that is at scene."""
    cfg, rng, api = sim.config, sim._rng, sim._api
    line = "999" if rng.random() < cfg.share_999 else "101"
    kind = scenarios.pick_kind(rng, line)
    borough, lat, lon = scenarios.pick_place(rng, sim._pack, sim._force_rates)
    body = {"line": line, "caller_number": scenarios.caller_number(rng)}
    rung = api.send(cfg.gateway_user, "/v1/calls", body)
    if rung is None:
        return None
    call = rung["changes"]["calls"][0]
    answered = api.send(cfg.calltaker_user, f"/v1/calls/{call['id']}/answer", {}, call["version"])
    if answered is None:
        return None
    caller = Caller(kind, borough.name, lat, lon, now, now)
    incident = sim.room.raise_incident(answered["changes"]["calls"][0], caller, advice_share=0.0)
    if incident is None or incident["grade"] in ("scheduled", "resolved_without_deployment"):
        return None  # the room's usual rules close these after a while
    if rng.random() < WAITING_SHARE:
        return None
    unit = sim.room.nearest_unit(incident, kind.needs)
    if unit is None:
        return None
    sent = api.send(
        cfg.dispatcher_user,
        f"/v1/units/{unit['id']}/assign",
        {"incident_id": incident["id"]},
        unit["version"],
    )
    if sent is None:
        return None
    sim.stats.assignments += 1
    job = sim.room.jobs[incident["id"]]
    job.units_sent.add(unit["id"])
    assignment = sent["changes"]["assignments"][0]
    stage = rng.choices([s for s, _ in STAGES], weights=[w for _, w in STAGES])[0]
    if stage == "dispatched":
        return None  # the crew responds in its own time (crews.Crews.respond)
    path = f"/v1/assignments/{assignment['id']}"
    step = api.send(cfg.gateway_user, f"{path}/acknowledge", {}, assignment["version"])
    onwards = {"acknowledged": [], "en_route": ["en_route"], "at_scene": ["en_route", "at_scene"]}
    for state in onwards[stage]:
        if step is None:
            return None
        version = step["changes"]["assignments"][0]["version"]
        step = api.send(cfg.gateway_user, f"{path}/progress", {"state": state}, version)
    if stage != "at_scene" or step is None:
        return None
    job.close_at = now + sim.room.scene_time()
    lat, lon = incident["location"]["lat"], incident["location"]["lon"]
    sim._world.units[unit["id"]]["position"] = {**unit["position"], "lat": lat, "lon": lon}
    return avl.fix(unit["id"], lat, lon, None, 0.0)
