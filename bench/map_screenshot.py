"""Render the incident map with a simulated London shift, offscreen, to PNG in both themes.

    .venv/bin/python bench/map_screenshot.py [OUT_DIR] [--wait 40] [--zoom 11]

Starts an embedded platform with a busy simulated shift, lets it run for `--wait` seconds,
then saves OUT_DIR/map-day.png and OUT_DIR/map-night.png (default OUT_DIR: current dir).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from maps.engine import prepare_webengine

prepare_webengine()

from PySide6.QtWidgets import QApplication  # noqa: E402

from console.client import PlatformClient  # noqa: E402
from console.gui_gc import GuiThreadCollector  # noqa: E402
from console.loop import close_event_loop, make_event_loop  # noqa: E402
from console.store import Store  # noqa: E402
from console.sync import Sync  # noqa: E402
from maps.screenshot import save_png_when_drawn  # noqa: E402
from maps.view import MapView  # noqa: E402
from platform_api.embedded import EmbeddedPlatform  # noqa: E402
from platform_api.settings import Settings  # noqa: E402
from platform_api.simulator import SimConfig, Simulator  # noqa: E402


async def shoot(view: MapView, path: Path) -> None:
    done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    save_png_when_drawn(view, path, done.set_result)
    if not await done:
        raise SystemExit(f"could not save {path}")
    print(path)


async def run(args: argparse.Namespace, view: MapView, store: Store, sync: Sync) -> None:
    ready = asyncio.Event()
    view.ready.connect(ready.set)
    sync.start()
    await asyncio.wait_for(ready.wait(), 60)
    await asyncio.sleep(args.wait)
    if args.zoom != 11:
        view.run_js(f"CAD.map.setZoom({args.zoom}, {{animate: false}})")
    if store.incidents:  # ring the incident nearest the centre, so the view stays put
        centre = (51.505, -0.115)
        nearest = min(
            store.incidents.values(),
            key=lambda i: (i.location.lat - centre[0]) ** 2 + (i.location.lon - centre[1]) ** 2,
        )
        view.select_incident(nearest.id)
    out = Path(args.out_dir)
    await shoot(view, out / f"map-day{args.suffix}.png")
    view.set_theme("night")
    await shoot(view, out / f"map-night{args.suffix}.png")
    await sync.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=".")
    parser.add_argument("--wait", type=float, default=40.0, help="seconds of shift first")
    parser.add_argument("--zoom", type=int, default=11)
    parser.add_argument("--suffix", default="")
    parser.add_argument("--call-rate", type=float, default=2400.0)
    args = parser.parse_args()
    Path(args.out_dir).mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    loop = make_event_loop(app)
    GuiThreadCollector(app)  # as the console does: no QObject freed off the GUI thread
    tmp = tempfile.mkdtemp(prefix="map-shot-")
    with EmbeddedPlatform(Settings(db_url=f"sqlite:///{tmp}/p.db", demo_users=True)) as platform:
        sim = Simulator(
            platform.url,
            SimConfig(call_rate_per_hour=args.call_rate, answer_after_s=(2.0, 6.0), seed=5),
        )
        sim.start()
        client = PlatformClient(platform.url)
        loop.run_until_complete(client.login("dispatcher", "demo"))
        store = Store()
        sync = Sync(client, store)
        view = MapView(store)
        view.resize(1400, 900)
        view.show()
        try:
            loop.run_until_complete(run(args, view, store, sync))
        finally:
            sim.stop()
            loop.run_until_complete(client.aclose())
            view.close()
    close_event_loop(loop)
    os._exit(0)  # PySide6 may crash tearing down QtWebEngine at exit; the PNGs are out


if __name__ == "__main__":
    main()
