"""The platform client: one long-lived httpx.AsyncClient for commands, state and events.

Every failure surfaces as a `console.errors` class: no httpx exception leaks to callers.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import aconnect_sse

from console.errors import PlatformError, Timeout, Unauthorised, Unreachable, rejected_from
from platform_api.contract import CommandResult, StatePublic, TokenPublic


@dataclass(frozen=True)
class Command:
    """One operator action, ready to send (and to keep in the outbox until it is sent)."""

    path: str
    body: dict[str, Any]
    label: str  # what the operator did, in words, for the pending list and errors
    if_match: int | None = None
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    method: str = "POST"


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

    async def send(self, command: Command) -> CommandResult:
        headers = {"Idempotency-Key": command.key}
        if command.if_match is not None:
            headers["If-Match"] = str(command.if_match)
        response = await self._request(
            command.method, command.path, json=command.body, headers=headers
        )
        return CommandResult.model_validate_json(response.content)

    async def events(self, after: int) -> AsyncGenerator[dict[str, Any], None]:
        """Stream events after `after` until the connection ends; each is a parsed dict."""
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
                async with contextlib.aclosing(source.aiter_sse()) as messages:
                    async for sse in messages:
                        if sse.data:
                            event: dict[str, Any] = json.loads(sse.data)
                            yield event
        except PlatformError:
            raise
        except httpx.TimeoutException as exc:
            raise Timeout("the event stream went quiet") from exc
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise Unreachable(f"the event stream was cut: {exc}") from exc
