"""An SSE client on any instance gets every instance's events, once each and in seq order
(PostgreSQL LISTEN/NOTIFY, platform_api/relay.py)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from httpx_sse import connect_sse

from platform_api.embedded import EmbeddedPlatform
from tests.conftest import Api
from tests.databases import on_postgres
from tests.platform_api.helpers import make_call
from tests.platform_api.instances import instances

pytestmark = pytest.mark.skipif(not on_postgres(), reason="fan-out between processes")


@pytest.fixture
def pair(db_url: str) -> Iterator[list[EmbeddedPlatform]]:
    with instances(db_url, 2) as platforms:
        yield platforms


def _collect(
    url: str,
    token: str,
    count: int,
    connected: threading.Event,
    milestone: tuple[int, threading.Event],
) -> list[int]:
    """Stream from the head; return the seqs of the next `count` events, and say when the
    first `milestone[0]` have come."""
    seqs: list[int] = []
    headers = {"Authorization": f"Bearer {token}"}
    with (
        httpx.Client(base_url=url, timeout=20) as client,
        connect_sse(client, "GET", "/v1/events", headers=headers) as source,
    ):
        assert source.response.status_code == 200
        connected.set()
        for sse in source.iter_sse():
            if sse.data:
                seqs.append(json.loads(sse.data)["seq"])
            if len(seqs) == milestone[0]:
                milestone[1].set()
            if len(seqs) >= count:
                break
    return seqs


def test_a_subscriber_on_one_instance_gets_what_the_other_writes(
    pair: list[EmbeddedPlatform],
) -> None:
    a, b = pair
    writers = [Api(p.url, p.login("gateway")) for p in pair]
    reader = Api(a.url, a.login("dispatcher"))  # the gateway reads no events
    head = reader.get("/v1/events", limit=1)["head_seq"]
    reader.close()
    only_a, both = 15, 30
    total = only_a + both
    with ThreadPoolExecutor(4) as pool:
        readers: list[Future[list[int]]] = []
        phase_one = [threading.Event(), threading.Event()]
        for platform, seen in zip((b, a), phase_one, strict=True):
            connected = threading.Event()
            token = platform.login("dispatcher")
            readers.append(
                pool.submit(_collect, platform.url, token, total, connected, (only_a, seen))
            )
            assert connected.wait(20)
        for _ in range(only_a):  # instance B writes nothing itself...
            make_call(writers[0])
        for seen in phase_one:  # ...and its subscriber still sees all of A's events
            assert seen.wait(20)

        def write(api: Api) -> None:
            for _ in range(both // 2):
                make_call(api)

        for done in [pool.submit(write, w) for w in writers]:
            done.result()
        streams = [r.result(timeout=30) for r in readers]
    expected = list(range(head + 1, head + total + 1))
    assert streams == [expected, expected]
    for api in writers:
        api.close()


def test_a_subscriber_resumes_on_another_instance_from_its_last_seq(
    pair: list[EmbeddedPlatform],
) -> None:
    a, b = pair
    gateway = Api(a.url, a.login("gateway"))
    for _ in range(5):
        make_call(gateway)
    token = b.login("dispatcher")
    headers: dict[str, Any] = {"Authorization": f"Bearer {token}", "Last-Event-ID": "3"}
    with (
        httpx.Client(base_url=b.url, timeout=20) as client,
        connect_sse(client, "GET", "/v1/events", headers=headers) as source,
    ):
        seqs: list[int] = []
        for sse in source.iter_sse():
            if sse.data:
                seqs.append(json.loads(sse.data)["seq"])
                if len(seqs) == 2:
                    make_call(gateway)  # live, written on the other instance
            if len(seqs) == 3:
                break
    assert seqs == [4, 5, 6]
    gateway.close()
