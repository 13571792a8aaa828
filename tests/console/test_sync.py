"""The console core against a real platform: live state, outages, the outbox, gaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import qasync

from console.client import Command, PlatformClient
from console.outbox import Outbox
from console.tables import CallQueueModel, UnitModel
from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings
from tests.console.conftest import console_core, core_settings, run, until
from tests.platform_api.helpers import make_call, make_unit


def test_an_event_written_through_the_api_reaches_the_model(
    aloop: qasync.QEventLoop,
    platform: EmbeddedPlatform,
    gateway: Any,
    tmp_path: Path,
    qtmodeltester: Any,
) -> None:
    async def body() -> None:
        async with console_core(platform.url, tmp_path) as core:
            calls = CallQueueModel(core.store)
            await until(lambda: core.sync.state == "connected")
            call = make_call(gateway)
            await until(lambda: calls.rowCount() == 1, what="the call in the queue model")
            assert calls.data(calls.index(0, 0)) == "999"
            assert core.store.calls[call["id"]].caller_number == "07700 900123"
            qtmodeltester.check(calls)

    run(aloop, body())


def test_commands_issued_while_the_platform_is_down_apply_once_when_it_returns(
    aloop: qasync.QEventLoop, tmp_path: Path
) -> None:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", demo_users=True)
    first = EmbeddedPlatform(settings).start()
    port = first.port
    gateway_token = first.login("gateway")
    seed = PlatformClient(first.url, gateway_token)
    holder: dict[str, Any] = {}

    async def body() -> None:
        for n in range(3):
            result = await seed.send(
                Command("/v1/calls", {"line": "999", "caller_number": f"0{n}"}, "seed")
            )
            holder.setdefault("calls", []).append(result.changes.calls[0])
        async with console_core(first.url, tmp_path) as core:
            await until(lambda: len(core.store.calls) == 3)
            first.stop()
            await until(lambda: core.sync.state in ("reconnecting", "offline"), what="link lost")
            waiting: list[str] = []
            core.outbox.command_waiting.connect(lambda key, _label: waiting.append(key))
            for call in holder["calls"]:
                core.outbox.submit(
                    Command(f"/v1/calls/{call.id}/answer", {}, "answer", if_match=call.version)
                )
            await until(lambda: len(waiting) >= 2, what="the outbox trying and failing")
            assert core.outbox.pending_count() == 3
            second = EmbeddedPlatform(settings, port=port).start()
            holder["second"] = second
            await until(lambda: core.outbox.pending_count() == 0, what="outbox drained")
            await until(lambda: all(c.state == "answered" for c in core.store.calls.values()))
            assert core.outbox.failures() == []
            assert core.sync.state == "connected"
        await seed.aclose()

    try:
        run(aloop, body())
        second = holder["second"]
        token = second.login("dispatcher")
        events = httpx.get(
            f"{second.url}/v1/events",
            params={"after": 0},
            headers={"Authorization": f"Bearer {token}"},
        ).json()["events"]
        answered = [e for e in events if e["type"] == "call.answered"]
        assert len(answered) == 3  # each exactly once
    finally:
        holder.get("second", first).stop()


def test_a_console_restarted_with_pending_commands_delivers_them(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, gateway: Any, tmp_path: Path
) -> None:
    call = make_call(gateway)
    outbox_path = core_settings(platform.url, tmp_path).session_folder(platform.url, "calltaker")
    outbox_path = outbox_path / "outbox.db"

    async def write_while_offline() -> None:
        client = PlatformClient("http://127.0.0.1:9")  # nothing listens there
        outbox = Outbox(outbox_path, client)
        outbox.submit(
            Command(f"/v1/calls/{call['id']}/answer", {}, "answer", if_match=call["version"])
        )
        await client.aclose()
        await outbox.stop()

    async def restart() -> None:
        async with console_core(platform.url, tmp_path) as core:
            await until(lambda: core.outbox.pending_count() == 0, what="outbox drained")
            await until(
                lambda: getattr(core.store.calls.get(call["id"]), "state", "") == "answered"
            )

    run(aloop, write_while_offline())
    run(aloop, restart())


def test_a_refused_command_is_kept_and_reported(
    aloop: qasync.QEventLoop, platform: EmbeddedPlatform, gateway: Any, tmp_path: Path
) -> None:
    call = make_call(gateway)
    failed: list[tuple[str, str, str]] = []

    async def body() -> None:
        async with console_core(platform.url, tmp_path) as core:
            core.outbox.command_failed.connect(lambda *args: failed.append(args))
            core.outbox.submit(
                Command(f"/v1/calls/{call['id']}/answer", {}, "Answer 999 call", if_match=41)
            )
            await until(lambda: bool(failed), what="the refusal")
            assert failed[0][1] == "Answer 999 call"
            assert "changed since you saw it" in failed[0][2]
            assert [f.label for f in core.outbox.failures()] == ["Answer 999 call"]
            core.outbox.dismiss(core.outbox.failures()[0].id)
            assert core.outbox.failures() == []

    run(aloop, body())


def test_a_gap_in_seq_triggers_a_fresh_bootstrap(
    aloop: qasync.QEventLoop,
    platform: EmbeddedPlatform,
    gateway: Any,
    tmp_path: Path,
    qtmodeltester: Any,
) -> None:
    unit = make_unit(gateway)

    async def body() -> None:
        async with console_core(platform.url, tmp_path) as core:
            units = UnitModel(core.store)
            await until(lambda: units.rowCount() == 1)
            resets: list[int] = []
            core.store.reset.connect(lambda: resets.append(core.store.seq))
            # A forged event far ahead: the Store refuses it and Sync bootstraps again.
            assert not core.store.apply(
                {"seq": core.store.seq + 5, "type": "x", "ts": "2026-01-01T00:00:00Z"}
            )
            make_unit(gateway, "LX11")
            await until(lambda: units.rowCount() == 2, what="second unit after re-bootstrap")
            await until(lambda: bool(resets), what="a bootstrap")
            assert unit["id"] in core.store.units
            qtmodeltester.check(units)

    run(aloop, body())
