"""The simulator's settings: how busy the shift is and how the simulated room behaves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SimConfig:
    call_rate_per_hour: float = 180.0  # Poisson arrivals, 999 and 101 together
    share_999: float = 0.45
    seed: int | None = None
    pack: str = "london"  # the force pack whose area the shift is in (the platform's)
    # Calls per hour of each force of the pack ({} : `call_rate_per_hour` split by the
    # forces' `call_share`); their sum is the room's rate.
    force_rates: Mapping[str, float] = field(default_factory=dict)
    avl_interval_s: float = 2.0  # moving units report this often
    patrol_report_s: float = 15.0  # units not moving report this often
    room: bool = True  # simulated colleagues answer, raise, dispatch and close
    answer_after_s: tuple[float, float] = (8.0, 40.0)  # a human gets this window first
    # 999 calls are the humans' first: simulated call-takers leave each one this long after
    # it rang (then the later of this and `answer_after_s`), so a person at the console
    # always has the chance to take it.
    human_first_999_s: float = 20.0
    # Open the room mid-shift: this many open incidents (drawn between the two) with units
    # dispatched, acknowledged, en route and at scene, crews booked on and some on a break,
    # so a new user sees a working control room at once. None: an empty room.
    mid_shift: tuple[int, int] | None = None
    scene_s: tuple[float, float] = (180.0, 720.0)  # time at scene before the room closes
    speed_factor: float = 1.0  # >1 shortens scene and reaction times (for tests and demos)
    # Crews acknowledge a dispatch on their device after a median of about 12 s (a
    # lognormal tail to the minute); `no_ack_share` of them never press it and go en route
    # only after the room calls them on the radio (so the console's flag is seen).
    ack_median_s: float = 12.0
    no_ack_share: float = 0.08
    # Crews book on and off at 07:00, 15:00 and 23:00 and take a 45-minute break mid-shift
    # (platform_api/simulator/shifts.py); >1 runs the shift clock faster than the wall.
    shift_speed: float = 1.0
    rota_check_s: float = 5.0
    refresh_s: float = 20.0  # re-read /v1/state to see what other consoles did
    password: str = "demo"
    gateway_user: str = "gateway"
    calltaker_user: str = "sim-calltaker"
    dispatcher_user: str = "sim-dispatcher"
