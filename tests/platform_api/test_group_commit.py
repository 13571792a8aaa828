"""Commands that share a transaction (group commit) behave as if each had its own: a refused
one undoes only itself, the others commit in order, the chain holds and a retried key
replays (platform_api/eventlog.py `execute_batch`, platform_api/group_commit.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy.orm import Session

from platform_api.db.models import CallRow, CounterRow
from platform_api.embedded import EmbeddedPlatform
from platform_api.errors import Conflict
from platform_api.eventlog import (
    Command,
    CommandContext,
    EventLog,
    Idempotency,
    StoredResponse,
    iter_all,
    verify_chain,
)
from platform_api.services import snapshots
from tests.platform_api.helpers import make_call


def _counted(name: str) -> Any:
    def handler(ctx: CommandContext) -> None:
        ctx.session.add(CounterRow(name=name, value=1))
        ctx.emit("test.counted", None, None, name=name)

    return handler


def _refused(ctx: CommandContext) -> None:
    ctx.session.add(CounterRow(name="refused", value=1))
    ctx.session.flush()  # the row is written inside the transaction before the refusal
    raise Conflict("refused on purpose")


def test_a_refused_command_in_a_batch_undoes_only_itself(platform: EmbeddedPlatform) -> None:
    log: EventLog = platform._app.state.event_log
    idem = Idempotency("tester", "k1", "f" * 64)
    outcomes = log.execute_batch(
        [
            Command("tester", _counted("first"), idem),
            Command("tester", _refused),
            Command("tester", _counted("second")),
            Command("tester", _counted("never"), idem),  # the same key again: a replay
        ]
    )
    first, refused, second, replay = outcomes
    assert isinstance(first, StoredResponse) and isinstance(second, StoredResponse)
    assert isinstance(refused, Conflict)
    assert isinstance(replay, StoredResponse) and replay.replayed
    assert replay.body == first.body
    with Session(platform._app.state.engine) as session:
        names = {row.name for row in session.query(CounterRow)}
        report = verify_chain(iter_all(session))
    assert {"first", "second"} <= names
    assert not {"refused", "never"} & names
    assert report.ok and report.checked == 2


def test_commands_sent_at_once_each_take_effect_once(
    platform: EmbeddedPlatform, gateway: Any, api_for: Any
) -> None:
    """Sixteen answers to eight calls at once (two per call): every call is answered once,
    the loser of each pair hears 409, and the log's chain holds."""
    calls = [make_call(gateway) for _ in range(8)]
    takers = [api_for("calltaker"), api_for("sim-calltaker")]

    def answer(i: int) -> httpx.Response:
        call = calls[i // 2]
        response: httpx.Response = takers[i % 2].post(
            f"/v1/calls/{call['id']}/answer", version=call["version"]
        )
        return response

    with ThreadPoolExecutor(16) as pool:
        codes = [r.status_code for r in pool.map(answer, range(16))]
    assert sorted(codes) == [200] * 8 + [409] * 8
    for pair in range(8):
        assert sorted(codes[2 * pair : 2 * pair + 2]) == [200, 409]
    with Session(platform._app.state.engine) as session:
        assert verify_chain(iter_all(session)).ok


def test_a_command_reads_what_an_earlier_one_in_its_batch_wrote_with_core(
    platform: EmbeddedPlatform, gateway: Any
) -> None:
    """Handlers write some rows with Core (services/snapshots.py), which the ORM's identity
    map does not see: a later command of the same transaction that loads the row through
    the ORM must get the new version, not the copy an earlier command loaded."""
    call = make_call(gateway)
    seen: list[int] = []
    # The identity map holds clean objects weakly: keep them alive, as another object
    # that refers to a row would, so that a stale copy could be found there.
    held: list[CallRow] = []

    def read(ctx: CommandContext) -> None:
        row = ctx.session.get(CallRow, call["id"])
        assert row is not None
        held.append(row)
        seen.append(row.version)
        ctx.emit("test.read", None, None)

    def bump(ctx: CommandContext) -> None:
        row = snapshots.load(ctx.session, CallRow, call["id"])
        snapshots.save(ctx.session, row, version=row.version + 1)
        ctx.emit("test.bumped", None, None)

    log: EventLog = platform._app.state.event_log
    outcomes = log.execute_batch(
        [Command("tester", read), Command("tester", bump), Command("tester", read)]
    )
    assert all(isinstance(o, StoredResponse) for o in outcomes)
    assert seen == [call["version"], call["version"] + 1]
    with Session(platform._app.state.engine) as session:
        assert verify_chain(iter_all(session)).ok
