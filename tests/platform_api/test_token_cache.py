"""An instance remembers who a token belongs to for a few seconds, and no longer: a sign-out
here is refused at once, one on another instance or a disabled account within
`Settings.sse_auth_check_s` (platform_api/token_cache.py)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import update

from platform_api.db.engine import write_session
from platform_api.db.models import UserRow
from platform_api.embedded import EmbeddedPlatform
from platform_api.eventlog import utc_now
from platform_api.settings import Settings
from platform_api.token_cache import TokenCache
from tests.platform_api.instances import instances

CHECK_S = 0.3


def _me(url: str, token: str) -> httpx.Response:
    return httpx.get(f"{url}/v1/auth/me", headers={"Authorization": f"Bearer {token}"})


def _refused_soon(url: str, token: str) -> httpx.Response:
    """Ask until the token is refused; give up long after the bound (a wait, not a timing)."""
    deadline = time.monotonic() + 30
    while True:
        r = _me(url, token)
        if r.status_code != 200 or time.monotonic() > deadline:
            return r
        time.sleep(CHECK_S / 3)


def test_the_cache_serves_a_lookup_for_its_time_and_never_past_the_token_expiry() -> None:
    now = [100.0]
    cache: TokenCache[str] = TokenCache(5.0, clock=lambda: now[0])
    cache.put("a", "calltaker", utc_now() + timedelta(hours=1), read_at=now[0])
    cache.put("b", "dispatcher", utc_now() - timedelta(seconds=1), read_at=now[0])
    assert cache.get("a") == "calltaker"
    assert cache.get("b") is None  # the token has expired, whatever the cache's age
    now[0] += 5.0
    assert cache.get("a") is None  # looked up too long ago: ask the database again
    cache.put("a", "calltaker", utc_now() + timedelta(hours=1), read_at=now[0])
    cache.forget("a")
    assert cache.get("a") is None


def test_a_token_signed_out_here_is_refused_at_once_though_it_was_just_used(
    platform: EmbeddedPlatform,
) -> None:
    token = platform.login("dispatcher")
    assert _me(platform.url, token).status_code == 200  # now in this instance's cache
    out = httpx.post(f"{platform.url}/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert out.status_code == 204
    assert _me(platform.url, token).status_code == 401


def test_a_token_signed_out_on_one_instance_is_refused_by_another_within_the_bound(
    db_url: str,
) -> None:
    with instances(db_url) as (a, b):
        for platform in (a, b):  # the fixture's instances check every 5 s; these faster
            platform._app.state.token_cache = TokenCache(CHECK_S)
        token = a.login("calltaker")
        assert _me(b.url, token).status_code == 200  # B has looked it up: cached there
        out = httpx.post(f"{a.url}/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert out.status_code == 204
        assert _me(a.url, token).status_code == 401
        refused = _refused_soon(b.url, token)
    assert refused.status_code == 401
    assert refused.json()["error"]["field"] == "Authorization"


def test_a_disabled_account_is_refused_within_the_bound(tmp_path: Path) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}", demo_users=True, sse_auth_check_s=CHECK_S
    )
    with EmbeddedPlatform(settings) as platform:
        token = platform.login("dispatcher")
        assert _me(platform.url, token).status_code == 200
        with write_session(platform._app.state.engine) as session, session.begin():
            session.execute(
                update(UserRow).where(UserRow.username == "dispatcher").values(active=False)
            )
        refused = _refused_soon(platform.url, token)
    assert refused.status_code == 401
    assert "disabled" in refused.json()["error"]["message"]
