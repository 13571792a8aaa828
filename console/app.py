"""`control-room`: the composition root. Builds the platform link, the Store and the window.

With no `--platform`, an embedded platform with a simulated London shift starts on
127.0.0.1 and the demo user of `--role` is signed in, so a first run shows a live room.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from console.client import PlatformClient
from console.loop import close_event_loop, make_event_loop
from console.outbox import Outbox
from console.store import Store
from console.sync import Sync
from console.watchdog import LoopWatchdog
from platform_api.settings import APP_NAME

log = logging.getLogger("console")

DEMO_ROLES = {
    "call_taker": "calltaker",
    "dispatcher": "dispatcher",
    "supervisor": "supervisor",
    "trainer": "trainer",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="control-room", description=__doc__)
    parser.add_argument(
        "--platform", metavar="URL", help="platform server (default: embedded demo)"
    )
    parser.add_argument(
        "--role",
        choices=sorted(DEMO_ROLES),
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
    return parser


def outbox_path(url: str, username: str) -> Path:
    """One outbox per user and platform, kept across restarts."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return folder / f"outbox-{username}-{digest}.db"


class Embedded:
    """The embedded platform and its simulated shift (only when no --platform is given)."""

    def __init__(self, db_url: str | None, call_rate: float) -> None:
        from platform_api.embedded import EmbeddedPlatform
        from platform_api.settings import Settings, default_db_url
        from platform_api.simulator import SimConfig, Simulator

        self.platform = EmbeddedPlatform(
            Settings(db_url=db_url or default_db_url(), demo_users=True)
        ).start()
        self.simulator = Simulator(self.platform.url, SimConfig(call_rate_per_hour=call_rate))
        self.simulator.start()

    def stop(self) -> None:
        self.simulator.stop()
        self.platform.stop()


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    args = build_parser().parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    loop = make_event_loop(app)

    embedded: Embedded | None = None
    if args.platform:
        url = args.platform
        from widgets.sign_in import sign_in

        signed = sign_in(loop, url, args.user)
        if signed is None:
            return 1
        client, username, role = signed
    else:
        embedded = Embedded(args.db, args.call_rate)
        url = embedded.platform.url
        client = PlatformClient(url)
        username = DEMO_ROLES[args.role]
        token = loop.run_until_complete(client.login(username, "demo"))
        role = token.user.role.value
    try:
        return _run(app, loop, client, url, username, role, args)
    finally:
        if embedded is not None:
            embedded.stop()
        close_event_loop(loop)


def _run(
    app: QApplication,
    loop: Any,
    client: PlatformClient,
    url: str,
    username: str,
    role: str,
    args: argparse.Namespace,
) -> int:
    from widgets.main_window import MainWindow
    from widgets.theme import apply_theme

    settings = QSettings(APP_NAME, f"console-{username}")
    theme = args.theme or str(settings.value("theme", "day"))
    apply_theme(app, theme)
    store = Store()
    sync = Sync(client, store)
    outbox = Outbox(outbox_path(url, username), client)
    watchdog = LoopWatchdog()
    sync.link_changed.connect(outbox.on_link_changed)
    # A screenshot shows the default layout, and must not overwrite the operator's own.
    window = MainWindow(
        store,
        sync,
        outbox,
        watchdog,
        username,
        role,
        settings,
        theme,
        remember_layout=not args.screenshot,
    )
    window.show()
    sync.start()
    outbox.start()
    watchdog.start()
    if args.screenshot:
        _screenshot_when_ready(window, store, Path(args.screenshot), app)

    async def shutdown() -> None:
        await outbox.stop()
        await sync.stop()
        await client.aclose()

    app.aboutToQuit.connect(window.save_layout)
    loop.run_forever()
    loop.run_until_complete(shutdown())
    return 0


def _screenshot_when_ready(window: Any, store: Store, path: Path, app: QApplication) -> None:
    """Save the window once the state has loaded and a few events have arrived."""
    start_seq: list[int] = []

    def check() -> None:
        if store.seq and not start_seq:
            start_seq.append(store.seq)
        ready = (
            bool(start_seq) and store.incidents and store.units and store.seq >= start_seq[0] + 5
        )
        if ready:
            for panel in (window.calls, window.incidents, window.units):
                panel.fit_columns()
            if window.incidents.proxy.rowCount():
                window.incidents.view.selectRow(0)
            QTimer.singleShot(300, lambda: (window.grab().save(str(path)), app.quit()))
        else:
            QTimer.singleShot(250, check)

    QTimer.singleShot(250, check)


if __name__ == "__main__":
    sys.exit(main())
