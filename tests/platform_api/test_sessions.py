"""Sessions end when they should: streams close on sign-out and expiry, sign-ins are
throttled with a lockout an admin lifts, and an unknown user costs what a known one does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import argon2
import httpx
import pytest
from httpx_sse import ServerSentEvent, connect_sse
from sqlalchemy import update

from platform_api import auth
from platform_api.cli import main as cli_main
from platform_api.contract import Role
from platform_api.db.engine import write_session
from platform_api.db.models import UserRow
from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import LoginPolicy, Settings
from tests.platform_api.helpers import make_call
from tests.platform_api.instances import instances


@contextmanager
def stream(url: str, token: str) -> Iterator[Iterator[ServerSentEvent]]:
    headers = {"Authorization": f"Bearer {token}"}
    with (
        httpx.Client(base_url=url, timeout=20) as client,
        connect_sse(client, "GET", "/v1/events", headers=headers, params={"after": 0}) as source,
    ):
        assert source.response.status_code == 200
        yield (sse for sse in source.iter_sse() if sse.event != "ping" and (sse.data or sse.event))


def _until_end(events: Iterator[ServerSentEvent]) -> tuple[list[ServerSentEvent], Any]:
    """Read to the stream's last event: (the events before it, the error event's body)."""
    seen: list[ServerSentEvent] = []
    for sse in events:
        if sse.event == "error":
            return seen, json.loads(sse.data)
        seen.append(sse)
    return seen, None


def test_a_stream_ends_when_its_token_is_signed_out(
    platform: EmbeddedPlatform, gateway: Any
) -> None:
    token = platform.login("dispatcher")
    make_call(gateway)
    with stream(platform.url, token) as events:
        assert json.loads(next(events).data)["seq"] == 1
        out = httpx.post(
            f"{platform.url}/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}
        )
        assert out.status_code == 204
        for _ in range(3):  # callers' details that must not reach a signed-out console
            make_call(gateway)
        seen, error = _until_end(events)
    assert seen == []
    assert error["error"]["code"] == "unauthenticated"


def test_a_stream_ends_when_its_token_expires(tmp_path: Path) -> None:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", demo_users=True, token_ttl_s=2)
    with EmbeddedPlatform(settings) as platform:
        with stream(platform.url, platform.login("dispatcher")) as events:
            seen, error = _until_end(events)  # nothing happens; the token runs out
        assert seen == [] and error["error"]["code"] == "unauthenticated"


def test_a_stream_ends_when_its_account_is_disabled(tmp_path: Path) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}", demo_users=True, sse_auth_check_s=0.2
    )
    with EmbeddedPlatform(settings) as platform:
        with stream(platform.url, platform.login("dispatcher")) as events:
            engine = platform._app.state.engine
            with write_session(engine) as session, session.begin():
                session.execute(
                    update(UserRow).where(UserRow.username == "dispatcher").values(active=False)
                )
            _, error = _until_end(events)
        assert error["error"]["code"] == "unauthenticated"


def test_one_check_for_all_streams_ends_only_the_disabled_accounts(tmp_path: Path) -> None:
    # The instance looks every open stream's token up in one query (sessions.StreamChecks):
    # the disabled account's stream ends, the other account's stream goes on.
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}", demo_users=True, sse_auth_check_s=0.2
    )
    with (
        EmbeddedPlatform(settings) as platform,
        stream(platform.url, platform.login("dispatcher")) as disabled,
        stream(platform.url, platform.login("supervisor")) as kept,
    ):
        with write_session(platform._app.state.engine) as session, session.begin():
            session.execute(
                update(UserRow).where(UserRow.username == "dispatcher").values(active=False)
            )
        _, error = _until_end(disabled)
        assert error["error"]["code"] == "unauthenticated"
        call = httpx.post(
            f"{platform.url}/v1/calls",
            json={"line": "999", "caller_number": "07700 900123"},
            headers={"Authorization": f"Bearer {platform.login('gateway')}"},
        )
        assert call.status_code == 201, call.text
        assert json.loads(next(kept).data)["type"] == "call.received"


def _login(url: str, username: str, password: str) -> httpx.Response:
    return httpx.post(f"{url}/v1/auth/login", json={"username": username, "password": password})


@pytest.mark.parametrize("username", ["calltaker", "nobody-by-this-name"])
def test_repeated_wrong_passwords_lock_the_name_until_an_admin_lifts_it(
    platform: EmbeddedPlatform, api_for: Any, username: str
) -> None:
    for _ in range(5):
        assert _login(platform.url, username, "wrong").status_code == 401
    locked = _login(platform.url, username, "demo")
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.json()["error"]["field"] == "username"
    assert api_for("supervisor").client.delete(f"/v1/users/{username}/lockout").status_code == 403
    lifted = api_for("admin").client.delete(f"/v1/users/{username}/lockout")
    assert lifted.status_code == 204
    expected = 200 if username == "calltaker" else 401
    assert _login(platform.url, username, "demo").status_code == expected


def test_the_command_line_lifts_a_lockout(platform: EmbeddedPlatform, capsys: Any) -> None:
    for _ in range(5):
        _login(platform.url, "dispatcher", "wrong")
    assert _login(platform.url, "dispatcher", "demo").status_code == 429
    assert cli_main(["unlock", "dispatcher", "--db", platform.settings.db_url]) == 0
    assert "lifted" in capsys.readouterr().out
    assert _login(platform.url, "dispatcher", "demo").status_code == 200


def test_failed_sign_ins_are_throttled_per_client_address(db_url: str) -> None:
    policy = LoginPolicy(address_max_failures=3)
    settings = Settings(db_url=db_url, demo_users=True, login_policy=policy)
    with EmbeddedPlatform(settings) as platform:
        for name in ("a1", "a2", "a3"):  # a different name each time: no lockout applies
            assert _login(platform.url, name, "wrong").status_code == 401
        throttled = _login(platform.url, "calltaker", "demo")
        assert throttled.status_code == 429
        assert int(throttled.headers["Retry-After"]) > 0


def test_two_instances_share_one_lockout_that_an_admin_on_either_lifts(db_url: str) -> None:
    with instances(db_url, 2) as (a, b):
        for platform in (a, b, a, b, a):  # five in a row, through both instances
            assert _login(platform.url, "calltaker", "wrong").status_code == 401
        assert _login(a.url, "calltaker", "demo").status_code == 429
        assert _login(b.url, "calltaker", "demo").status_code == 429
        admin = httpx.Client(
            base_url=b.url, headers={"Authorization": f"Bearer {b.login('admin')}"}
        )
        with admin:
            assert admin.delete("/v1/users/calltaker/lockout").status_code == 204
        assert _login(a.url, "calltaker", "demo").status_code == 200


def test_two_instances_share_one_address_throttle_until_the_command_line_lifts_it(
    db_url: str, capsys: Any
) -> None:
    # On main each instance counted alone: four failures split two and two passed both.
    policy = LoginPolicy(address_max_failures=4)
    with instances(db_url, 2, login_policy=policy) as (a, b):
        for platform, name in ((a, "a1"), (b, "a2"), (a, "a3"), (b, "a4")):
            assert _login(platform.url, name, "wrong").status_code == 401
        for platform in (a, b):
            throttled = _login(platform.url, "calltaker", "demo")
            assert throttled.status_code == 429
            assert int(throttled.headers["Retry-After"]) > 0
        assert cli_main(["unlock", "--address", "127.0.0.1", "--db", db_url]) == 0
        assert "throttle lifted" in capsys.readouterr().out
        assert _login(b.url, "calltaker", "demo").status_code == 200


def test_an_unknown_user_costs_what_a_known_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cost of a sign-in is its argon2 verification: count them and read their parameters
    # (a timing comparison would be at the mercy of the machine's load).
    verified: list[argon2.Parameters] = []
    real = auth._hasher

    class Counting(argon2.PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            verified.append(argon2.extract_parameters(str(hash)))
            return real.verify(hash, password)

    monkeypatch.setattr(auth, "_hasher", Counting())
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}", login_policy=LoginPolicy(max_failures=100)
    )
    with EmbeddedPlatform(settings) as platform:
        with write_session(platform._app.state.engine) as session, session.begin():
            auth.add_user(session, "real.user", "Real User", Role.DISPATCHER, "a-long-password")

        def cost(username: str) -> list[argon2.Parameters]:
            verified.clear()
            assert _login(platform.url, username, "not-the-password").status_code == 401
            return list(verified)

        known, unknown = cost("real.user"), cost("no.such.user")
    # The same argon2 work either way (a dummy hash for unknown names). On main an unknown
    # name was never verified and answered about seven times faster, which let anyone list
    # the user names.
    assert len(known) == 1 and unknown == known, (known, unknown)
