"""The platform client: one long-lived httpx.AsyncClient for commands, state and events.

Every failure surfaces as a `console.errors` class: no httpx exception leaks to callers.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import aconnect_sse
from pydantic import TypeAdapter

from console.errors import (
    PlatformError,
    Timeout,
    Unauthorised,
    Unreachable,
    rejected_from,
    stream_error,
)
from platform_api.contract import (
    CallPublic,
    CallState,
    CommandResult,
    GeoResults,
    HistoryPublic,
    PlacePublic,
    ReversePublic,
    StatePublic,
    TokenPublic,
)
from platform_api.contract.area import PackMapPublic

_CALLS = TypeAdapter(list[CallPublic])


@dataclass(frozen=True)
class Command:
    """One operator action, ready to send (and to keep in the outbox until it is sent)."""

    path: str
    body: dict[str, Any]
    label: str  # what the operator did, in words, for the pending list and errors
    if_match: int | None = None
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    method: str = "POST"
    # The question to ask the operator before this is sent (its answer is the body's
    # `reason`): a unit sent across the force border. Never kept in the outbox.
    needs_reason: str | None = None


class PlatformClient:
    def __init__(self, base_url: str, token: str | None = None, *, timeout_s: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout_s, connect=5.0),
            headers=self._auth(),
        )

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    @property
    def token(self) -> str | None:
        return self._token

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise Timeout(
                f"the platform did not answer in time ({exc.__class__.__name__})"
            ) from exc
        except httpx.TransportError as exc:
            raise Unreachable(f"cannot reach the platform at {self.base_url}: {exc}") from exc
        if response.status_code >= 500:
            raise Unreachable(f"the platform failed ({response.status_code}); will retry")
        if response.status_code >= 400:
            try:
                body = response.json()
            except json.JSONDecodeError:
                body = None
            raise rejected_from(response.status_code, body)
        return response

    async def login(self, username: str, password: str) -> TokenPublic:
        response = await self._request(
            "POST", "/v1/auth/login", json={"username": username, "password": password}
        )
        token = TokenPublic.model_validate_json(response.content)
        self._token = token.token
        self._http.headers.update(self._auth())
        return token

    async def state(self) -> StatePublic:
        response = await self._request("GET", "/v1/state")
        return StatePublic.model_validate_json(response.content)

    async def calls(self, state: CallState, limit: int = 100) -> list[CallPublic]:
        """Calls in one state, newest first (`abandoned`: the callers to ring back)."""
        response = await self._request(
            "GET", "/v1/calls", params={"state": state.value, "limit": limit}
        )
        return _CALLS.validate_json(response.content)

    async def pack_map(self) -> PackMapPublic:
        """The area the platform serves: its force pack and base map layers (every console
        of a room draws these, so all agree)."""
        response = await self._request("GET", "/v1/pack/map")
        return PackMapPublic.model_validate_json(response.content)

    async def call(self, call_id: str) -> CallPublic:
        """One call, in whatever state (a caller linked to an incident, long closed)."""
        response = await self._request("GET", f"/v1/calls/{call_id}")
        return CallPublic.model_validate_json(response.content)

    async def geocode(self, text: str, limit: int = 10) -> list[PlacePublic]:
        """Places matching an address or name, best first (the platform's geolocation
        service). Raises `Unreachable` if the platform or its geocoding server is down."""
        response = await self._request("GET", "/v1/geo/search", params={"q": text, "limit": limit})
        return GeoResults.model_validate_json(response.content).results

    async def reverse_geocode(self, lat: float, lon: float) -> ReversePublic:
        """What is at a point: the nearest known place and the borough it falls in."""
        response = await self._request("GET", "/v1/geo/reverse", params={"lat": lat, "lon": lon})
        return ReversePublic.model_validate_json(response.content)

    async def history(
        self,
        lat: float | None,
        lon: float | None,
        caller_number: str | None,
        exclude_call_id: str | None = None,
        radius_m: float = 250.0,
    ) -> HistoryPublic:
        """Incidents near a place in the last year and earlier calls from a number."""
        params: dict[str, Any] = {"radius_m": radius_m}
        if lat is not None and lon is not None:
            params |= {"lat": lat, "lon": lon}
        if caller_number:
            params["caller_number"] = caller_number
        if exclude_call_id:
            params["exclude_call_id"] = exclude_call_id
        response = await self._request("GET", "/v1/history", params=params)
        return HistoryPublic.model_validate_json(response.content)

    async def send(self, command: Command) -> CommandResult:
        headers = {"Idempotency-Key": command.key}
        if command.if_match is not None:
            headers["If-Match"] = str(command.if_match)
        response = await self._request(
            command.method, command.path, json=command.body, headers=headers
        )
        return CommandResult.model_validate_json(response.content)

    async def export_recording(
        self, path: Path, since: datetime | None = None, until: datetime | None = None
    ) -> int:
        """Stream a recording of the event log (trainer, supervisor) into `path`; its size.

        Written to a temporary file first and renamed at the end, so a dropped link never
        leaves a half recording under the chosen name.
        """
        params = {
            key: value.isoformat()
            for key, value in (("from", since), ("to", until))
            if value is not None
        }
        partial = path.with_suffix(path.suffix + ".part")
        try:
            async with self._http.stream(
                "GET", "/v1/recordings", params=params, timeout=httpx.Timeout(30.0, read=300.0)
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise rejected_from(response.status_code, response.json())
                size = 0
                with partial.open("wb") as out:  # local disk: short writes, no await needed
                    async for chunk in response.aiter_bytes():
                        out.write(chunk)
                        size += len(chunk)
        except httpx.TransportError as exc:
            partial.unlink(missing_ok=True)
            raise Unreachable(f"the export was cut: {exc}") from exc
        partial.replace(path)
        return size

    async def first_event_at(self) -> datetime | None:
        """When the platform's log begins (None: an empty log)."""
        response = await self._request("GET", "/v1/events", params={"after": 0, "limit": 1})
        events = response.json()["events"]
        return datetime.fromisoformat(events[0]["ts"]) if events else None

    async def events(
        self, after: int, on_open: Callable[[], None] | None = None
    ) -> AsyncGenerator[dict[str, Any], None]:
        """Stream events after `after` until the connection ends; each is a parsed dict.
        `on_open` is called once the platform has accepted the stream (the link is up)."""
        try:
            async with aconnect_sse(
                self._http,
                "GET",
                "/v1/events",
                params={"after": after},
                timeout=httpx.Timeout(10.0, read=60.0),
            ) as source:
                if source.response.status_code >= 400:
                    await source.response.aread()
                    if source.response.status_code == 401:
                        raise Unauthorised(401, "unauthenticated", "sign in again")
                    raise rejected_from(source.response.status_code, source.response.json())
                if on_open is not None:
                    on_open()
                async with contextlib.aclosing(source.aiter_sse()) as messages:
                    async for sse in messages:
                        if sse.event == "error":  # the platform ends the stream on purpose
                            raise stream_error(json.loads(sse.data))
                        if sse.data:
                            event: dict[str, Any] = json.loads(sse.data)
                            yield event
        except PlatformError:
            raise
        except httpx.TimeoutException as exc:
            raise Timeout("the event stream went quiet") from exc
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise Unreachable(f"the event stream was cut: {exc}") from exc
