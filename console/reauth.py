"""Signing a console in again when the platform ends its session (`Sync.sign_in_again`).

The platform ends an event stream when its token is signed out or expires. The console then
needs a new token to resume from its last seq; how it gets one depends on how it signed in:
the embedded demo platform has a known password, a real platform asks the operator.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from console.client import PlatformClient


def with_password(
    client: PlatformClient, username: str, password: str
) -> Callable[[], Awaitable[bool]]:
    """A `sign_in_again` that signs `username` in with a password it was given."""

    async def sign_in_again() -> bool:
        await client.login(username, password)
        return True

    return sign_in_again
