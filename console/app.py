"""`control-room`: the command line. Reads the arguments and hands them to the bootstrap.

With no `--platform`, an embedded platform with a simulated London shift starts on
127.0.0.1 and the demo user of `--role` is signed in, so a first run shows a live room.
Everything that builds the console lives in `console.bootstrap`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from console import last_state
from console.bootstrap import EMBEDDED, Overrides, SignedIn, bootstrap
from console.gui_gc import GuiThreadCollector
from console.loop import close_event_loop, make_event_loop
from console.recording import RecordingError
from console.session import LIVE, REPLAY
from console.settings import APP_NAME, DEMO_USERS, ConsoleSettings
from maps.engine import prepare_webengine
from widgets.sign_in import Offline, sign_in

log = logging.getLogger("console")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="control-room", description=__doc__)
    parser.add_argument(
        "--platform", metavar="URL", help="platform server (default: embedded demo)"
    )
    parser.add_argument(
        "--role",
        choices=sorted(DEMO_USERS),
        default="dispatcher",
        help="demo role for the embedded platform",
    )
    parser.add_argument("--user", help="user name to sign in with (asks for the password)")
    parser.add_argument(
        "--theme", choices=("day", "night"), help="colour theme (default: last used)"
    )
    parser.add_argument(
        "--screenshot", metavar="PNG", help="render the window once state has loaded, save it, exit"
    )
    parser.add_argument(
        "--call-rate", type=float, default=240.0, help="embedded simulator's calls per hour"
    )
    parser.add_argument(
        "--db", help="embedded platform database URL (default: SQLite in the user data dir)"
    )
    parser.add_argument(
        "--replay",
        metavar="FILE",
        help="open a recorded shift (JSON Lines from `platform-api export`) in replay mode",
    )
    parser.add_argument(
        "--tile-url",
        metavar="URL",
        help="XYZ tile server for a street map under the map's own layers, e.g. "
        "https://tiles.example.org/{z}/{x}/{y}.png (default: none; the map stays offline)",
    )
    parser.add_argument(
        "--pack",
        default="london",
        metavar="NAME",
        help="the force pack of the embedded platform: london (default), "
        "hampshire-thames-valley (a room of two forces), san-francisco. A console on a "
        "platform draws the area that platform serves; a replay its recording's own",
    )
    parser.add_argument(
        "--allocation", metavar="TOML", type=Path, help="the site's allocation policy file"
    )
    parser.add_argument(
        "--plans",
        metavar="TOML",
        type=Path,
        help="the site's response plans, laid over the shipped ones (docs/allocation.md)",
    )
    parser.add_argument(
        "--classifications",
        metavar="JSON",
        type=Path,
        help="the site's opening classifications file",
    )
    parser.add_argument(
        "--road-graph",
        metavar="FILE.osm",
        type=Path,
        help="an OpenStreetMap file of the force area: recommendations rank by road time "
        "(loaded in the background; straight-line estimates until it is ready)",
    )
    parser.add_argument(
        "--osrm-url", metavar="URL", help="the site's OSRM server for road times instead"
    )
    parser.add_argument(
        "--routing", metavar="TOML", type=Path, help="speeds per road class and unit type"
    )
    return parser


def settings_from(args: argparse.Namespace) -> tuple[str, ConsoleSettings]:
    mode = REPLAY if args.replay else LIVE if args.platform else EMBEDDED
    return mode, ConsoleSettings(
        platform_url=args.platform,
        username=args.user,
        role=args.role,
        call_rate=args.call_rate,
        db_url=args.db,
        recording=Path(args.replay) if args.replay else None,
        theme=args.theme,
        tile_url=args.tile_url,
        pack=args.pack,
        screenshot=Path(args.screenshot) if args.screenshot else None,
        allocation_file=args.allocation,
        plans_file=args.plans,
        classifications_file=args.classifications,
        road_graph=args.road_graph,
        osrm_url=args.osrm_url,
        routing_file=args.routing,
    )


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    mode, settings = settings_from(build_parser().parse_args(argv))
    prepare_webengine()  # before the QApplication: QtWebEngine reads it at start-up
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    loop = make_event_loop(app)
    GuiThreadCollector(app)  # the embedded platform's thread must never destroy a QObject
    try:
        overrides = Overrides()
        if mode == LIVE:
            assert settings.platform_url is not None
            url = settings.platform_url

            def kept(user: str) -> bool:
                return last_state.load(settings.session_folder(url, user)) is not None

            signed = sign_in(loop, url, settings.username, kept)
            if signed is None:
                return 1
            if isinstance(signed, Offline):  # the bootstrap opens the last known state
                settings = replace(settings, username=signed.username, password=signed.password)
            else:
                overrides = Overrides(signed_in=SignedIn(*signed))
        try:
            return int(loop.run_until_complete(run(app, mode, settings, overrides)))
        except (OSError, RecordingError) as exc:
            if mode != REPLAY:
                raise
            message = f"{settings.recording}\n\n{exc}"
            QMessageBox.critical(None, "Cannot open the recording", message)
            return 2
    finally:
        close_event_loop(loop)


async def run(app: QApplication, mode: str, settings: ConsoleSettings, overrides: Overrides) -> int:
    """The console's whole life inside one run of the loop, so that no task it starts is ever
    left pending while the loop is stopped (httpx then fails with "no running event loop").
    It ends when its last window closes (a screenshot closes its window when saved)."""
    app.setQuitOnLastWindowClosed(False)
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    console = await bootstrap(mode, settings, overrides)
    try:
        await closed.wait()
    finally:
        await console.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
