"""The simulator's view of the platform: signed-in clients and a local copy of the state.

It is an API client like any gateway: it reads `/v1/state` (as its dispatcher user: the
gateway role reads nothing of callers), sends commands with an Idempotency-Key (and If-Match
where needed), and folds each command's `changes` into its copy. Refusals (another console
got there first) are counted, never fatal.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx

log = logging.getLogger("platform_api.simulator")


class World:
    """The latest known form of every live entity, by kind and id."""

    def __init__(self) -> None:
        self.calls: dict[str, dict[str, Any]] = {}
        self.incidents: dict[str, dict[str, Any]] = {}
        self.units: dict[str, dict[str, Any]] = {}
        self.assignments: dict[str, dict[str, Any]] = {}

    def load(self, state: dict[str, Any]) -> None:
        for kind in ("calls", "incidents", "units", "assignments"):
            setattr(self, kind, {e["id"]: e for e in state[kind]})

    def apply(self, changes: dict[str, list[dict[str, Any]]]) -> None:
        for kind, items in changes.items():
            table: dict[str, dict[str, Any]] = getattr(self, kind)
            for item in items:
                table[item["id"]] = item
        # Entities that left the live state are dropped, as the console's Store does.
        self.calls = {k: c for k, c in self.calls.items() if c["state"] in ("queued", "answered")}
        self.incidents = {k: i for k, i in self.incidents.items() if i["status"] == "open"}
        self.assignments = {k: a for k, a in self.assignments.items() if a["state"] != "cleared"}


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
