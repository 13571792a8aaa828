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
from console.gui_gc import GuiThreadCollector
from console.loop import close_event_loop, make_event_loop
from console.reauth import with_password
from console.session import Session
from console.store import Store
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
    return parser


def session_folder(url: str, username: str) -> Path:
    """One outbox and one set of drafts per user and platform, kept across restarts."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return folder / f"{username}-{digest}"


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
    from maps.engine import prepare_webengine

    prepare_webengine()  # before the QApplication: QtWebEngine reads it at start-up
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    loop = make_event_loop(app)
    GuiThreadCollector(app)  # the embedded platform's thread must never destroy a QObject

    if args.replay:
        try:
            return _run_replay(app, loop, Path(args.replay), args)
        finally:
            close_event_loop(loop)
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
    session = Session.build(client, username, role, session_folder(url, username))
    if not args.platform:  # the embedded demo platform: sign in again as the same demo user
        session.sync.sign_in_again = with_password(client, username, "demo")
    # A screenshot shows the default layout, and must not overwrite the operator's own.
    window = MainWindow(
        session, settings, theme, remember_layout=not args.screenshot, tile_url=args.tile_url
    )
    window.show()
    session.start()
    if args.screenshot:
        _screenshot_when_ready(window, session.store, Path(args.screenshot), app)

    app.aboutToQuit.connect(window.save_layout)
    loop.run_forever()
    loop.run_until_complete(session.stop())
    return 0


def _run_replay(app: QApplication, loop: Any, path: Path, args: argparse.Namespace) -> int:
    """A recorded shift in the same window as live, fed by a Player; nothing is sent."""
    import tempfile

    from console.recording import RecordingError
    from console.replay import Player
    from widgets.main_window import MainWindow
    from widgets.replay_bar import ReplayBar
    from widgets.theme import apply_theme

    theme = args.theme or "day"
    apply_theme(app, theme)
    folder = Path(tempfile.mkdtemp(prefix="control-room-replay-"))
    session = Session.build_replay(folder)
    settings = QSettings(APP_NAME, "console-replay")
    window = MainWindow(
        session, settings, theme, remember_layout=not args.screenshot, tile_url=args.tile_url
    )
    player = Player(session.store)
    bar = ReplayBar(player)
    window.add_replay_bar(bar)
    trainer = Training(window, player, args)
    bar.take_over_requested.connect(trainer.take_over)
    window.show()
    session.start()
    try:
        loop.run_until_complete(player.open(path))
    except (OSError, RecordingError) as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(window, "Cannot open the recording", f"{path}\n\n{exc}")
        return 2
    area = player.recording.header.area if player.recording else "london"
    if area == "san_francisco" and window.map is not None:
        window.map.run_js("CAD.map.setView([37.765, -122.44], 12)")
    if args.screenshot:
        player.set_speed(60)
        player.play()
        _screenshot_when_ready(window, session.store, Path(args.screenshot), app)
    loop.run_forever()
    player.pause()
    trainer.stop()
    loop.run_until_complete(session.stop())
    return 0


class Training:
    """A sandbox ("take over from here"): a platform at the replay's moment, in a window of its
    own that says TRAINING. The sandbox holds only its own URL: nothing reaches live."""

    def __init__(self, replay_window: Any, player: Any, args: argparse.Namespace) -> None:
        self._replay_window = replay_window
        self._player = player
        self._args = args
        self.sandboxes: list[Any] = []
        self.windows: list[Any] = []

    def take_over(self, _time: float, _seq: int) -> None:
        from console.tasks import spawn

        self._player.pause()
        self._replay_window.status.showMessage("Starting a training sandbox from here…")
        spawn(self._start(), lambda exc: self._replay_window.status.showMessage(f"{exc}"))

    async def _start(self) -> None:
        import asyncio
        import tempfile

        from console.sandbox import TrainingSandbox
        from widgets.main_window import MainWindow

        state, moment = self._player.state_now(), self._player.moment
        sandbox = await asyncio.get_running_loop().run_in_executor(
            None, lambda: TrainingSandbox.start(state, moment, simulate=True)
        )
        self.sandboxes.append(sandbox)
        client = PlatformClient(sandbox.url)
        token = await client.login("supervisor", "demo")
        folder = Path(tempfile.mkdtemp(prefix="control-room-training-"))
        session = Session.build(client, "supervisor", token.user.role.value, folder, "training")
        settings = QSettings(APP_NAME, "console-training")
        window = MainWindow(session, settings, self._args.theme or "day", remember_layout=False)
        window.training.sandbox = sandbox
        window.show()
        session.start()
        self.windows.append((window, session))
        self._replay_window.status.showMessage(f"Training sandbox at {sandbox.url}", 10000)

    def stop(self) -> None:
        for sandbox in self.sandboxes:
            sandbox.stop()


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
            # The map composites a moment after its first batch of live positions.
            QTimer.singleShot(1500, lambda: (window.grab().save(str(path)), app.quit()))
        else:
            QTimer.singleShot(250, check)

    QTimer.singleShot(250, check)


if __name__ == "__main__":
    sys.exit(main())
