"""The console checks every event's hash and link, and raises an alarm on a break."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx

from console.chain_guard import ChainGuard
from console.store import Store
from platform_api.contract import StatePublic
from platform_api.embedded import EmbeddedPlatform
from tests.platform_api.helpers import make_call

EMPTY = StatePublic(as_of_seq=0, calls=[], incidents=[], units=[], assignments=[])


def _events(platform: EmbeddedPlatform) -> list[dict[str, Any]]:
    token = platform.login("dispatcher")
    page = httpx.get(
        f"{platform.url}/v1/events",
        params={"after": 0},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    events: list[dict[str, Any]] = page["events"]
    return events


def _guarded(events: list[dict[str, Any]]) -> ChainGuard:
    store = Store()
    guard = ChainGuard(store)
    store.bootstrap(EMPTY)
    for event in events:
        assert store.apply(event)
    return guard


def _db(platform: EmbeddedPlatform) -> Path:
    return Path(platform.settings.db_url.removeprefix("sqlite:///"))


def test_an_untouched_log_raises_no_alarm(platform: EmbeddedPlatform, gateway: Any) -> None:
    for _ in range(4):
        make_call(gateway)
    assert _guarded(_events(platform)).breaks == []


def test_an_altered_event_raises_the_alarm_at_its_seq(
    platform: EmbeddedPlatform, gateway: Any
) -> None:
    for _ in range(4):
        make_call(gateway)
    with sqlite3.connect(_db(platform)) as db:
        db.execute("UPDATE events SET payload = replace(payload, '07700', '07999') WHERE seq = 3")
    guard = _guarded(_events(platform))
    assert guard.breaks == [(3, "its content does not match its hash")]


def test_a_broken_link_raises_the_alarm(platform: EmbeddedPlatform, gateway: Any) -> None:
    for _ in range(4):
        make_call(gateway)
    with sqlite3.connect(_db(platform)) as db:
        db.execute("UPDATE events SET prev_hash = ? WHERE seq = 2", ("0" * 64,))
    breaks = _guarded(_events(platform)).breaks
    assert breaks[0] == (2, "it does not link to the event before it")
