"""The simulator's view of the platform: signed-in clients and a local copy of the state.

It is an API client like any gateway: it reads `/v1/state` (as its dispatcher user: the
gateway role reads nothing of callers), then follows the event log (`/v1/events?after=`)
every tick, so what people at other consoles do (a human's dispatch, above all) reaches the
crews within a tick, not at the next full read. It sends commands with an Idempotency-Key
(and If-Match where needed) and folds each command's `changes` into its copy. Refusals
(another console got there first) are counted, never fatal.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

import httpx

log = logging.getLogger("platform_api.simulator")

KINDS = ("calls", "incidents", "units", "assignments")
EVENT_PAGE = 1000


class World:
    """The latest known form of every live entity, by kind and id."""

    def __init__(self) -> None:
        self.calls: dict[str, dict[str, Any]] = {}
        self.incidents: dict[str, dict[str, Any]] = {}
        self.units: dict[str, dict[str, Any]] = {}
        self.assignments: dict[str, dict[str, Any]] = {}
        self.seq = 0  # the last event of the log folded in (or the state's as_of_seq)
        # Entities that left the live state since the last load, with their last version:
        # an older event of theirs from the log must not bring them back.
        self._gone: dict[str, int] = {}

    def load(self, state: dict[str, Any]) -> None:
        for kind in KINDS:
            setattr(self, kind, {e["id"]: e for e in state[kind]})
        self.seq = int(state["as_of_seq"])
        self._gone = {}  # the log is followed from this state on: nothing older comes

    def apply(self, changes: dict[str, list[dict[str, Any]]]) -> None:
        """Upsert what changed. A version older than the one held is skipped (the log may
        bring an event from before a command whose result was folded already); an event's
        incident lacks its growing lists, so the fields held are kept under the new ones."""
        for kind, items in changes.items():
            if kind not in KINDS:
                continue
            table: dict[str, dict[str, Any]] = getattr(self, kind)
            for item in items:
                held = table.get(item["id"])
                version = item.get("version", 0)
                if held is not None and held.get("version", 0) > version:
                    continue
                if self._gone.get(item["id"], -1) >= version:
                    continue
                if held is None:
                    table[item["id"]] = item
                    continue
                merged = {**held, **item}
                if kind == "units" and held.get("position") is not None:
                    # The simulator is the AVL feed: its copy is where the unit really is,
                    # and an event's may be a step behind.
                    merged["position"] = held["position"]
                table[item["id"]] = merged
        # Entities that left the live state are dropped, as the console's Store does.
        self.calls = self._live(self.calls, lambda c: c["state"] in ("queued", "answered"))
        self.incidents = self._live(self.incidents, lambda i: i["status"] == "open")
        self.assignments = self._live(self.assignments, lambda a: a["state"] != "cleared")

    def _live(
        self, table: dict[str, dict[str, Any]], live: Callable[[dict[str, Any]], bool]
    ) -> dict[str, dict[str, Any]]:
        kept = {}
        for key, entity in table.items():
            if live(entity):
                kept[key] = entity
            else:
                self._gone[key] = entity.get("version", 0)
        return kept


class Api:
    """One httpx.Client per simulated person, all sharing one World."""

    def __init__(self, base_url: str, world: World) -> None:
        self._base = base_url
        self._clients: dict[str, httpx.Client] = {}
        self.world = world
        self.refused = 0

    def sign_in(self, who: str, password: str) -> None:
        response = httpx.post(
            f"{self._base}/v1/auth/login", json={"username": who, "password": password}, timeout=10
        )
        response.raise_for_status()
        token = response.json()["token"]
        self._clients[who] = httpx.Client(
            base_url=self._base, timeout=10, headers={"Authorization": f"Bearer {token}"}
        )

    def close(self) -> None:
        for client in self._clients.values():
            client.close()

    def refresh(self, who: str) -> None:
        response = self._clients[who].get("/v1/state")
        response.raise_for_status()
        self.world.load(response.json())

    def follow(self, who: str) -> None:
        """Fold in every event since the last one seen. Positions are skipped: the
        simulator is the AVL feed, and its own copy is never behind what it posted."""
        while True:
            response = self._clients[who].get(
                "/v1/events", params={"after": self.world.seq, "limit": EVENT_PAGE}
            )
            response.raise_for_status()
            page = response.json()
            for event in page["events"]:
                if event["type"] != "unit.positions":
                    self.world.apply(event["payload"].get("changes") or {})
            self.world.seq = max(self.world.seq, int(page["next_after"]))
            if len(page["events"]) < EVENT_PAGE:
                return

    def send(
        self, who: str, path: str, body: dict[str, Any], version: int | None = None
    ) -> dict[str, Any] | None:
        """Send a command; its result (and the World updated), or None if refused."""
        headers = {"Idempotency-Key": f"sim-{uuid.uuid4().hex}"}
        if version is not None:
            headers["If-Match"] = str(version)
        response = self._clients[who].post(path, json=body, headers=headers)
        if response.status_code >= 500:
            response.raise_for_status()
        if response.status_code >= 400:
            self.refused += 1
            log.debug("refused %s %s: %s", path, response.status_code, response.text[:200])
            return None
        result: dict[str, Any] = response.json()
        self.world.apply(result.get("changes", {}))
        return result
