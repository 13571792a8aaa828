"""The simulated shift: callers ringing, colleagues in the room, and units on the move.

Everything goes through the platform's HTTP API as three people would: the telephony and
AVL gateway, a call-taker colleague and a dispatcher colleague. This module runs the shift
(start, the tick, stop) and seeds the force; what happens in a tick is the room's
(room.py: callers, the colleagues who answer, raise, dispatch and close, and who leave the
humans their work) and the crews' (crews.py: acknowledging, driving, the AVL and the
rota). A mid-shift opening is midshift.py's.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass

import httpx

from platform_api.packs import ForcePack, load_pack
from platform_api.simulator import midshift
from platform_api.simulator.api import Api, World
from platform_api.simulator.config import SimConfig
from platform_api.simulator.crews import Crews
from platform_api.simulator.room import Room
from platform_api.simulator.shifts import Rota
from platform_api.simulator.world import plan_units

log = logging.getLogger("platform_api.simulator")

TICK_S = 0.25


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
        self._next_call = 0.0
        self._next_avl = 0.0
        self._next_refresh = 0.0
        self.room = Room(
            self.config,
            self._rng,
            self._api,
            self._world,
            self.stats,
            self._pack,
            self._force_rates,
        )
        self.crews = Crews(
            self.config,
            self._rng,
            self._api,
            self._world,
            self.stats,
            Rota(self._rng, self.config.shift_speed, time.monotonic()),
            self.room.arrived,
            self._stop,
        )
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
        self.room.adopt_waiting_calls(now)
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
        cfg, room, crews = self.config, self.room, self.crews
        if now >= self._next_refresh:
            self._api.refresh(cfg.dispatcher_user)
            self._next_refresh = now + cfg.refresh_s
        else:
            self._api.follow(cfg.dispatcher_user)
        room.hand_over_to_humans()
        while now >= self._next_call:
            room.ring(now)
            self._next_call += self._gap()
        room.callers_hang_up(now)
        if cfg.room:
            room.answer_calls(now)
            room.dispatch(now)
            room.close_finished(now)
        crews.respond(now)
        if now >= crews.next_rota:
            crews.next_rota = now + cfg.rota_check_s
            crews.run_rota(now)
        if now >= self._next_avl:
            crews.move_units(now)
            self._next_avl = now + cfg.avl_interval_s
        self.stats.refused = self._api.refused
        self.stats.ticks += 1
