"""Signed out by the platform mid-stream, the console signs in again and resumes from its
last seq without losing an event (issue 12, item 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import qasync

from console.reauth import with_password
from platform_api.embedded import EmbeddedPlatform
from tests.console.conftest import run, until
from tests.console.test_sync import console_core
from tests.platform_api.helpers import make_call


def test_the_console_signs_in_again_and_resumes_from_its_seq(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, gateway: Any, tmp_path: Path
) -> None:
    async def body() -> None:
        async with console_core(platform.url, tmp_path / "outbox.db", "dispatcher") as core:
            signed_in: list[str] = []
            again = with_password(core.client, "dispatcher", "demo")

            async def sign_in_again() -> bool:
                ok = await again()
                signed_in.append(str(core.client.token))
                return ok

            core.sync.sign_in_again = sign_in_again
            first = make_call(gateway)
            await until(lambda: first["id"] in core.store.calls, what="the first call")
            old = core.client.token
            async with httpx.AsyncClient(base_url=platform.url) as http:
                out = await http.post("/v1/auth/logout", headers={"Authorization": f"Bearer {old}"})
                assert out.status_code == 204
            # written while this console has no session: it must still arrive, once
            later = [make_call(gateway) for _ in range(3)]
            await until(
                lambda: all(c["id"] in core.store.calls for c in later), what="the later calls"
            )
            assert len(signed_in) == 1 and signed_in[0] != old
            assert core.sync.state == "connected"
            assert core.store.seq == 4  # four calls, four events, none lost or doubled

    run(aloop, body())


def test_without_a_way_to_sign_in_again_the_console_says_it_was_signed_out(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, tmp_path: Path
) -> None:
    async def body() -> None:
        async with console_core(platform.url, tmp_path / "outbox.db", "dispatcher") as core:
            # signed in by an operator who typed the password: the console does not keep it
            core.sync.sign_in_again = None
            messages: list[str] = []
            core.sync.failed.connect(messages.append)
            await until(lambda: core.sync.state == "connected")
            async with httpx.AsyncClient(base_url=platform.url) as http:
                token = core.client.token
                await http.post("/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
            await until(lambda: messages, what="the signed-out message")
            assert "sign in again" in messages[0]
            assert core.sync.state == "offline"

    run(aloop, body())
