"""Console under live load: 2,000 units moving at 1 Hz plus calls, rendered offscreen.

The platform runs in its own process and a poster process drives it; this process runs
the real console (Store, Sync, models, the main window with every dock) on qasync.
It measures the delay from an event's write (server `ts`) to the moment the Store and
every model have applied it, and the worst event-loop lateness (a 50 ms timer's delay),
which is how long the GUI thread was ever busy.

    python bench/console_live.py [--units 2000] [--duration 20] [--batch 100] [--calls-per-s 1]

Last line: JSON with p50_ms, p99_ms, max_lateness_ms and context.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication

from bench.loadgen import (
    WARM_UP_S,
    login,
    measured,
    percentile,
    platform_server,
    post_positions,
    seed_units,
)
from console.bootstrap import bootstrap
from console.gui_gc import GuiThreadCollector
from console.loop import close_event_loop, make_event_loop
from console.settings import ConsoleSettings
from maps.engine import prepare_webengine
from platform_api.contract.fold import position_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--calls-per-s", type=float, default=1.0)
    args = parser.parse_args()

    prepare_webengine()  # the window includes the live map, as the real console does
    app = QApplication(sys.argv[:1])
    loop = make_event_loop(app)
    GuiThreadCollector(app)  # as the console does: no QObject freed off the GUI thread
    tmp = Path(tempfile.mkdtemp(prefix="console-live-"))
    with platform_server() as url:
        gateway = login(url, "gateway")
        ids = seed_units(url, gateway, args.units)

        settings = ConsoleSettings(
            platform_url=url, username="dispatcher", password="demo", data_folder=tmp
        )
        delays: list[float] = []
        counted = {"events": 0, "positions": 0}
        measuring = {"on": False}

        def on_event_applied(event: dict[str, Any]) -> None:
            # Connected last, so it runs after the Store and every model have applied it.
            if not measuring["on"]:
                return
            ts = datetime.fromisoformat(event["ts"]).timestamp()
            delays.append((time.time() - ts) * 1000)
            counted["events"] += 1
            counted["positions"] += position_count(event["payload"])

        ctx = mp.get_context("spawn")
        out: Any = ctx.Queue()
        poster = ctx.Process(
            target=post_positions,
            args=(url, gateway, ids, args.batch, args.duration + WARM_UP_S, out, args.calls_per_s),
        )

        async def run() -> dict[str, Any]:
            # Built inside the one run of the loop that uses it: no task of the console is
            # left pending while the loop is stopped.
            console = await bootstrap("live", settings)
            session = console.session
            store, sync, watchdog = session.store, session.sync, session.watchdog
            store.event_applied.connect(on_event_applied)
            while sync.state != "connected" or len(store.units) < args.units:  # noqa: ASYNC110
                await asyncio.sleep(0.05)  # polling two conditions of Qt-side state
            worst, elapsed, posted = await measured(poster, watchdog, measuring, args.duration, out)
            await console.stop()
            return {"worst": worst, "elapsed": elapsed, "posted": posted}

        result = loop.run_until_complete(run())
        poster.join(timeout=10)
    close_event_loop(loop)
    figures = {
        "units": args.units,
        "duration_s": round(result["elapsed"], 2),
        "batch": args.batch,
        "events_applied": counted["events"],
        "positions_applied_per_s": round(counted["positions"] / result["elapsed"], 1),
        "calls_posted": result["posted"]["calls"],
        "p50_ms": round(percentile(delays, 50), 2),
        "p99_ms": round(percentile(delays, 99), 2),
        "max_ms": round(max(delays), 2) if delays else None,
        "max_lateness_ms": round(result["worst"], 1),
    }
    print(json.dumps(figures), flush=True)
    # PySide6 can crash while the interpreter tears down its objects (seen here as
    # "bool_dealloc" during finalisation); the figures are out, so leave without it.
    os._exit(0)


if __name__ == "__main__":
    main()
