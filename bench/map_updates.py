"""The map under live load: 2,000 units moving at 1 Hz, batched diffs vs re-rendering.

The platform runs in its own process and a poster process moves every unit once a second
(each around its own start, so the map is spread out as in a real shift). This process
runs the console core (Store, Sync) and a MapView offscreen, and measures:

- the time the page spends applying each batch diff (measured in the page with
  performance.now(), canvas drawing included, reported back over the bridge);
- the worst lateness of the Python event loop (LoopWatchdog), i.e. how long the GUI
  thread was ever busy;
- then, in the same run, the naive way Folium examples teach: re-render the whole folium
  map with a marker per unit and `setHtml` it; time per update from `setHtml` to
  `loadFinished`, and the Python time to render the page.

    python bench/map_updates.py [--units 2000] [--duration 20] [--naive-updates 6]

Last line: JSON with batch_p50_ms, batch_p99_ms, naive_p50_ms, max_lateness_ms and context.
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
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from maps.engine import prepare_webengine

prepare_webengine()

import folium  # noqa: E402
from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.loadgen import (  # noqa: E402
    WARM_UP_S,
    login,
    measured,
    percentile,
    platform_server,
    post_positions,
    seed_units,
)
from console.client import PlatformClient  # noqa: E402
from console.gui_gc import GuiThreadCollector  # noqa: E402
from console.loop import close_event_loop, make_event_loop  # noqa: E402
from console.store import Store  # noqa: E402
from console.sync import Sync  # noqa: E402
from console.watchdog import LoopWatchdog  # noqa: E402
from maps.page import build_map, render, resource_dir  # noqa: E402
from maps.view import MapView  # noqa: E402

# QWebEnginePage.setHtml's limit applies to the percent-encoded data: URL.
SETHTML_LIMIT = 1_000_000


def naive_page(store: Store) -> str:
    """The folium way: the whole map again, with a marker for every unit."""
    fmap = build_map()
    for unit in store.units.values():
        if unit.position is not None:
            folium.CircleMarker(
                (unit.position.lat, unit.position.lon),
                radius=4,
                color="#16181c",
                weight=1,
                fill_color="#009E73",
                fill_opacity=1,
                tooltip=unit.callsign,
            ).add_to(fmap)
    return render(fmap)


async def wait_for(predicate: Any, timeout_s: float, what: str) -> None:
    deadline = time.perf_counter() + timeout_s
    while not predicate():
        if time.perf_counter() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def naive_updates(store: Store, count: int, watchdog: LoopWatchdog) -> dict[str, Any]:
    view = QWebEngineView()
    view.resize(1200, 800)
    view.show()
    loaded: list[tuple[float, bool]] = []
    view.loadFinished.connect(lambda ok: loaded.append((time.perf_counter(), ok)))
    base = resource_dir()
    page_file = Path(tempfile.mkdtemp(prefix="naive-map-")) / "map.html"
    render_ms: list[float] = []
    load_ms: list[float] = []
    sizes: list[int] = []
    watchdog.reset()
    for _ in range(count):
        t0 = time.perf_counter()
        html = naive_page(store)
        t1 = time.perf_counter()
        render_ms.append((t1 - t0) * 1000)
        sizes.append(len(html))
        before = len(loaded)
        if len(html) < SETHTML_LIMIT:
            view.setHtml(html, QUrl.fromLocalFile(str(base) + "/"))
        else:  # setHtml refuses pages over 2 MB (percent-encoded): save and load, as folium does
            page_file.write_text(html, "utf-8")
            view.load(QUrl.fromLocalFile(str(page_file)))
        await wait_for(lambda before=before: len(loaded) > before, 30, "naive loadFinished")
        done, ok = loaded[-1]
        if not ok:
            raise SystemExit("the naive page failed to load")
        load_ms.append((done - t1) * 1000)
    worst = watchdog.worst_ms
    view.close()
    view.deleteLater()
    return {"render_ms": render_ms, "load_ms": load_ms, "bytes": max(sizes), "worst": worst}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--naive-updates", type=int, default=6)
    args = parser.parse_args()

    app = QApplication(sys.argv[:1])
    loop = make_event_loop(app)
    GuiThreadCollector(app)  # as the console does: no QObject freed off the GUI thread
    started_all = time.perf_counter()
    with platform_server() as url:
        gateway = login(url, "gateway")
        ids = seed_units(url, gateway, args.units)

        client = PlatformClient(url)
        loop.run_until_complete(client.login("dispatcher", "demo"))
        store = Store()
        sync = Sync(client, store)
        watchdog = LoopWatchdog()
        view = MapView(store)
        view.resize(1200, 800)
        view.show()
        batches: list[tuple[float, int]] = []
        measuring = {"on": False}
        view.batch_applied.connect(
            lambda ms, n: batches.append((ms, n)) if measuring["on"] else None
        )
        ready: list[bool] = []
        view.ready.connect(lambda: ready.append(True))

        ctx = mp.get_context("spawn")
        out: Any = ctx.Queue()
        poster = ctx.Process(
            target=post_positions,
            args=(url, gateway, ids, args.batch, args.duration + WARM_UP_S, out, 0.0, "circle"),
        )

        async def run() -> dict[str, Any]:
            sync.start()
            watchdog.start()
            await wait_for(
                lambda: bool(ready) and len(store.units) >= args.units, 60, "map and units"
            )
            await wait_for(
                lambda: len(view.feed._sent["units"]) >= args.units, 30, "first full batch"
            )
            live_worst, elapsed, posted = await measured(
                poster, watchdog, measuring, args.duration, out
            )
            view.feed.stop()  # the naive phase alone on the GUI thread
            naive = await naive_updates(store, args.naive_updates, watchdog)
            await sync.stop()
            await client.aclose()
            return {"worst": live_worst, "elapsed": elapsed, "posted": posted, "naive": naive}

        result = loop.run_until_complete(run())
        poster.join(timeout=10)
        out.close()
        out.join_thread()
        view.close()
    close_event_loop(loop)
    ms = [b[0] for b in batches]
    naive = result["naive"]
    batch_p50 = percentile(ms, 50)
    naive_p50 = percentile(naive["load_ms"], 50)
    figures = {
        "units": args.units,
        "duration_s": round(result["elapsed"], 2),
        "positions_posted": result["posted"]["positions"],
        "batches": len(batches),
        "entries_per_batch_p50": percentile([float(b[1]) for b in batches], 50),
        "batch_p50_ms": round(batch_p50, 2),
        "batch_p99_ms": round(percentile(ms, 99), 2),
        "batch_max_ms": round(max(ms), 2) if ms else None,
        "max_lateness_ms": round(result["worst"], 1),
        "naive_updates": len(naive["load_ms"]),
        "naive_p50_ms": round(naive_p50, 1),
        "naive_render_p50_ms": round(percentile(naive["render_ms"], 50), 1),
        "naive_page_bytes": naive["bytes"],
        "naive_max_lateness_ms": round(naive["worst"], 1),
        "naive_to_batch_ratio": round(naive_p50 / batch_p50, 1) if batch_p50 else None,
        "wall_s": round(time.perf_counter() - started_all, 1),
    }
    for key in ("batch_p50_ms", "batch_p99_ms", "naive_p50_ms", "max_lateness_ms"):
        print(f"{key}: {figures[key]}", file=sys.stderr)
    print(json.dumps(figures), flush=True)
    # PySide6 can crash while tearing down QtWebEngine at exit; the figures are out.
    os._exit(0)


if __name__ == "__main__":
    main()
