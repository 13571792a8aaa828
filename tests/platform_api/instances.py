"""Several platform instances on one database, as a room runs them behind a load balancer.

Each instance is a whole platform (its own uvicorn server, engine, pool and process lock),
so what serialises them is only the database, as between processes on different hosts.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any

from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings


@contextmanager
def instances(
    db_url: str, count: int = 2, **settings: Any
) -> Iterator[list[EmbeddedPlatform]]:
    """`count` platforms on `db_url`, started at the same moment (each migrates and seeds);
    `settings` are further `Settings` fields, the same for every instance."""
    platforms = [
        EmbeddedPlatform(Settings(db_url=db_url, demo_users=True, sse_ping_s=1, **settings))
        for _ in range(count)
    ]
    with ExitStack() as stack:
        with ThreadPoolExecutor(count) as pool:
            starts = [pool.submit(p.start) for p in platforms]
        for platform, start in zip(platforms, starts, strict=True):
            if start.exception() is None:
                stack.callback(platform.stop)
        for start in starts:
            start.result()  # re-raise the first failure, after the others are stopped
        yield platforms
