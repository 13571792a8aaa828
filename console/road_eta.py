"""Starting road ETAs for a console: an OSRM server at once, or a road graph read in the
background, handed to whoever ranks units (the recommendations panel) when ready.

The straight line serves until then, and for good if the site's file cannot be read: that
is expected (said through the message bridge, never a widget), not a fault of the console.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx

from console.message import MessageBridge
from console.routing import (
    OsmError,
    Osrm,
    Router,
    StraightLine,
    load_policy,
    load_road_graph,
)
from console.tasks import spawn


def start_road_eta(
    straight: StraightLine,
    set_router: Callable[[Router], None],
    messages: MessageBridge,
    *,
    road_graph: Path | None = None,
    osrm_url: str | None = None,
    routing_file: Path | None = None,
) -> httpx.AsyncClient | None:
    """Give `set_router` a road router: at once for an OSRM server (its client is
    returned, for the console to close at stop), or once a road graph is read (seconds
    for a city, in an executor). None of either: nothing to do."""
    if road_graph is None and osrm_url is None:
        return None
    policy = load_policy(routing_file)
    if osrm_url is not None:
        client = httpx.AsyncClient(timeout=5.0)
        set_router(Osrm(osrm_url, client, policy, straight))
        return client
    path = road_graph
    assert path is not None

    async def load() -> None:
        loop = asyncio.get_running_loop()
        set_router(await loop.run_in_executor(None, load_road_graph, path, policy, straight))

    spawn(
        load(),
        lambda exc: messages.error(f"Road graph not loaded ({path.name}): {exc}"),
        expected=(OsmError, OSError),
    )
    return None
