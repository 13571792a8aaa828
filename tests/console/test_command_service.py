"""The one send policy, against a real platform that goes away and comes back.

Answering is refused at once while the platform cannot be reached (never queued: the caller
may be gone); every other command waits in the outbox, is said to wait once, and takes
effect once when the link is back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import qasync

from platform_api.contract import Grade, IncidentCreate, IncidentLocation
from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings
from tests.conftest import Api
from tests.console.conftest import console_core, run, until
from tests.platform_api.helpers import make_call, make_incident


def test_offline_an_answer_is_refused_at_once_and_a_grade_waits_then_goes_once(
    aloop: qasync.QEventLoop, tmp_path: Path
) -> None:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", demo_users=True)
    first = EmbeddedPlatform(settings).start()
    holder: dict[str, Any] = {"platform": first}
    gateway = Api(first.url, first.login("gateway"))
    calltaker = Api(first.url, first.login("calltaker"))
    incident = make_incident(gateway, calltaker)
    call = make_call(gateway, "999", caller_number="07700 900321")
    gateway.close()
    calltaker.close()

    async def body() -> None:
        async with console_core(first.url, tmp_path / "console") as core:
            commands = core.commands
            store = core.store
            await until(lambda: call["id"] in store.calls and incident["id"] in store.incidents)
            refused: list[str] = []
            queued: list[str] = []
            sent: list[str] = []
            commands.answer_refused.connect(lambda _id, message: refused.append(message))
            commands.queued.connect(queued.append)
            commands.sent.connect(sent.append)
            first.stop()
            await until(lambda: core.sync.state in ("reconnecting", "offline"), what="link lost")

            assert commands.answer(call["id"])
            await until(lambda: bool(refused), what="the answer refused")
            assert "never queued" in refused[0] and "still waiting" in refused[0]
            assert core.outbox.pending_count() == 0  # an answer never waits in the outbox

            commands.grade(core.store.incidents[incident["id"]], Grade.PRIORITY, "suspect left")
            assert core.outbox.pending_count() == 1
            await until(lambda: bool(queued), what="told the grade waits")
            second = EmbeddedPlatform(settings, port=first.port).start()
            holder["platform"] = second
            await until(lambda: bool(sent), what="the grade delivered")
            assert queued == sent == [f"Grade {incident['reference']} Priority"]
            assert core.store.incidents[incident["id"]].grade == Grade.PRIORITY
            assert core.outbox.pending_count() == 0 and core.outbox.failures() == []

    try:
        run(aloop, body())
        second = holder["platform"]
        reader = Api(second.url, second.login("dispatcher"))
        events = reader.get("/v1/events", after=0)["events"]
        reader.close()
        assert [e["type"] for e in events].count("incident.graded") == 1
    finally:
        holder["platform"].stop()


def test_a_new_incident_is_reported_done_with_its_reference_first(
    aloop: qasync.QEventLoop, tmp_path: Path
) -> None:
    """The reference is what the call-taker reads to the caller; the status bar is narrow
    and cuts the end of a message, so the reference leads."""
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'p.db'}", demo_users=True)
    platform = EmbeddedPlatform(settings).start()

    async def body() -> None:
        async with console_core(platform.url, tmp_path / "console") as core:
            sent: list[str] = []
            core.commands.sent.connect(sent.append)
            core.commands.raise_incident(
                None,
                IncidentCreate(
                    opening_classification="Burglary",
                    grade=Grade.IMMEDIATE,
                    location=IncidentLocation(lat=51.5074, lon=-0.1278),
                ),
            )
            await until(lambda: bool(sent), what="the incident raised")
            [raised] = [i for i in core.store.incidents.values() if i.reference in sent[0]]
            assert sent[0].startswith(f"{raised.reference} raised: New incident: Burglary")

    try:
        run(aloop, body())
    finally:
        platform.stop()
