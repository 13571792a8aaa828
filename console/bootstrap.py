"""The composition root: the one place that builds a console, for every mode.

`await bootstrap(mode, settings, overrides)` returns a started `Console` (cosmicpython's
`bootstrap.py` is the model). It is the only module that knows the concrete classes: the
platform client, the Store and its sync, the outbox, the command services, the window, the
replay player, and the embedded platforms (`platform_api.sandbox`, the one edge into the
server the import contracts allow). The command line (`console.app`) and every test that
needs a console call it, so the wiring cannot drift between them.

Modes:
    live      a platform at `settings.platform_url`; signed in by the sign-in dialog
              (`Overrides.signed_in`) or with `settings.username`/`password`.
    embedded  no platform given: a demo platform with a simulated shift starts on
              127.0.0.1 and the demo user of `settings.role` signs in.
    replay    `settings.recording` in the same window, fed by a Player; nothing is sent.
              "Take over from here" builds a training console (below) at that moment.
    training  a sandbox platform seeded with a replay's moment (`Overrides.sandbox`); its
              commands reach that sandbox and nothing else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
from PySide6.QtWidgets import QApplication, QMenu

from console import last_state
from console.allocation import load_config
from console.classifications import Classifications
from console.client import PlatformClient
from console.command_service import NOT_SIGNED_IN_MESSAGE, CommandService
from console.drafts import Drafts
from console.errors import Rejected, Unreachable
from console.message import MessageBridge
from console.models import EntityModel
from console.outbox import Outbox
from console.reauth import with_password
from console.recording import RecordingError, open_recording
from console.replay import Player
from console.road_eta import start_road_eta
from console.routing import StraightLine
from console.session import LIVE, REPLAY, TRAINING, Session
from console.settings import (
    DEMO_PASSWORD,
    DEMO_USERS,
    ConsoleSettings,
    pack_for_area,
    pack_word,
)
from console.store import Store
from console.sync import Sync
from console.tasks import spawn
from console.watchdog import LoopWatchdog
from platform_api.contract.area import PackMapPublic
from platform_api.sandbox import DemoPlatform, TrainingSandbox
from widgets.forces_view import ForcesView
from widgets.main_window import MainWindow
from widgets.replay_bar import ReplayBar
from widgets.screenshot import save_when_ready
from widgets.theme import apply_theme

EMBEDDED = "embedded"
MODES = (LIVE, EMBEDDED, REPLAY, TRAINING)
# Never contacted: a replay has no platform (port 9 is "discard"; nothing listens).
REPLAY_URL = "http://127.0.0.1:9"
TRAINING_USER = "supervisor"  # who a trainer is signed in as on a sandbox


@dataclass(frozen=True)
class SignedIn:
    """A client the platform has accepted, and who for."""

    client: PlatformClient
    username: str
    role: str
    # signs the client in again when the platform ends its session (None: the operator must)
    sign_in_again: Callable[[], Awaitable[bool]] | None = None
    force: str | None = None  # the user's force (platforms of several forces)


@dataclass(frozen=True)
class Overrides:
    """What the caller already has, instead of what the bootstrap would make."""

    signed_in: SignedIn | None = None  # live: the sign-in dialog's answer
    sandbox: TrainingSandbox | None = None  # training: the started sandbox (the console owns it)


@dataclass
class Console:
    """One running console: its session, its window and whatever platform it started."""

    mode: str
    settings: ConsoleSettings
    session: Session
    window: MainWindow
    demo: DemoPlatform | None = None
    sandbox: TrainingSandbox | None = None
    player: Player | None = None
    take_over: TakeOver | None = None
    routing_client: httpx.AsyncClient | None = None  # an OSRM server's, when given one

    async def stop(self) -> None:
        """Close the window (its layout is saved), stop the session and any platform it ran."""
        if self.player is not None:
            self.player.pause()
        if self.take_over is not None:
            await self.take_over.stop()
        # The session first: work in flight (a look-up, a fetch) ends before its window goes.
        await self.session.stop()
        if self.routing_client is not None:
            await self.routing_client.aclose()
        self.window.close()
        self.window.deleteLater()  # and every box it opened
        loop = asyncio.get_running_loop()
        if self.sandbox is not None:
            await loop.run_in_executor(None, self.sandbox.stop)
        if self.demo is not None:
            await loop.run_in_executor(None, self.demo.stop)


async def bootstrap(
    mode: str, settings: ConsoleSettings, overrides: Overrides | None = None
) -> Console:
    """Build, show and start a console; see the module docstring for the modes."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; one of {', '.join(MODES)}")
    overrides = overrides or Overrides()
    demo: DemoPlatform | None = None
    sandbox = overrides.sandbox
    later: tuple[last_state.LastState, str] | None = None  # a start from the last known state
    if mode == REPLAY:
        signed = SignedIn(PlatformClient(REPLAY_URL), "replay", "trainer")
        folder = settings.scratch_folder("replay")
        layout_name, theme = "console-replay", settings.theme or "day"
    else:
        if mode == EMBEDDED:
            demo = DemoPlatform(settings.db_url, settings.call_rate, settings.pack)
            url = demo.url
            signed = await _sign_in(url, DEMO_USERS[settings.role], DEMO_PASSWORD)
        elif mode == TRAINING:
            if sandbox is None:
                raise ValueError("a training console needs its sandbox (Overrides.sandbox)")
            url = sandbox.url
            signed = await _sign_in(url, TRAINING_USER, DEMO_PASSWORD)
        else:
            url = settings.platform_url or ""
            if overrides.signed_in is not None:
                signed = overrides.signed_in
            else:
                user, password = settings.username or "", settings.password or ""
                try:
                    signed = await _sign_in(url, user, password)
                except Unreachable:
                    # Down at start: the last known state, read-only, until it answers.
                    kept = last_state.load(settings.session_folder(url, user))
                    if kept is None:
                        raise
                    client = PlatformClient(url)
                    again = with_password(client, kept.username, password)
                    signed = SignedIn(client, kept.username, kept.role, again)
                    later = (kept, password)
        if mode == TRAINING:
            folder = settings.scratch_folder("training")
            layout_name = "console-training"
        else:
            folder = settings.session_folder(url, signed.username)
            layout_name = f"console-{signed.username}"
        theme = settings.theme or ""
    area = _pack_of(mode, settings) if mode == REPLAY else await _served_area(signed, settings)
    layout = settings.layout(layout_name)
    theme = theme or str(layout.value("theme", "day"))
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_theme(app, theme)

    session = _session(mode, signed, folder)
    session.sync.sign_in_again = signed.sign_in_again
    pack_id = area.pack.id if isinstance(area, PackMapPublic) else area
    allocation = load_config(settings.allocation_file, settings.plans_file, pack_id)
    if mode == LIVE:
        session.keep_last_state = folder
    if later is not None:
        kept, password = later
        session.store.bootstrap(kept.state)
        session.sync.sign_in_later(kept.username, password)
        session.commands.read_only = True
        session.commands.read_only_message = NOT_SIGNED_IN_MESSAGE
    window = MainWindow(
        session,
        layout,
        theme,
        # A screenshot shows the default layout and must not overwrite the operator's own;
        # a training window is a moment's, not a user's.
        remember_layout=not settings.screenshot and mode != TRAINING,
        allocation=allocation,
        classifications=Classifications.load(settings.classifications_file),
        with_map=settings.with_map,
        tile_url=settings.tile_url,
        pack=area,
    )
    if sandbox is not None:
        window.training.sandbox = sandbox
    _name_districts(window, area)
    if isinstance(area, PackMapPublic) and len(area.pack.forces) > 1 and signed.force:
        window.forces_view = ForcesView(
            window,
            session,
            {"incidents": window.incidents, "units": window.units},
            signed.force,
            _menu(window, "&View"),
            {f.code: f.name for f in area.pack.forces},
            {kind: window.docks[kind] for kind in ("incidents", "units") if kind in window.docks},
            window.map.feed if window.map is not None else None,
        )
    routing_client = start_road_eta(
        StraightLine(allocation.road_factor, allocation.speed_kmh),
        window.recommendations.set_router,
        session.messages,
        road_graph=settings.road_graph,
        osrm_url=settings.osrm_url,
        routing_file=settings.routing_file,
    )
    console = Console(
        mode, settings, session, window, demo=demo, sandbox=sandbox, routing_client=routing_client
    )
    if mode == REPLAY:
        console.player = Player(session.store)
        bar = ReplayBar(console.player)
        window.add_replay_bar(bar)
        console.take_over = TakeOver(console)
        bar.take_over_requested.connect(console.take_over.start)
        # An altered recording is an alarm, through the one message bridge.
        messages = session.messages
        console.player.check_failed.connect(
            lambda text: messages.alert("The recording cannot be trusted", text)
        )
    if later is not None and window.link_banner is not None:
        window.link_banner.read_only = True
        session.sync.signed_in.connect(window.link_banner.signed_in)
    window.show()
    session.start()
    if console.player is not None and settings.recording is not None:
        await _open_recording(console, settings.recording)
        bar.play_button.setFocus()  # the replay bar has the keys: Space plays
    if settings.screenshot is not None:
        if console.player is not None:
            console.player.set_speed(60)
            console.player.play()
        save_when_ready(window, session.store, settings.screenshot, window.close)
    return console


async def _sign_in(url: str, username: str, password: str) -> SignedIn:
    client = PlatformClient(url)
    try:
        token = await client.login(username, password)
    except BaseException:
        await client.aclose()
        raise
    return SignedIn(
        client,
        token.user.username,
        token.user.role.value,
        with_password(client, token.user.username, password),
        token.user.force,
    )


def _session(mode: str, signed: SignedIn, folder: Path) -> Session:
    """The console core; a replay's refuses every command (its widgets are disabled too)."""
    client, store = signed.client, Store()
    outbox = Outbox(folder / "outbox.db", client)
    read_only = mode == REPLAY
    sync = Sync(client, store)
    messages = MessageBridge()
    # An unexpected failure anywhere in this console: the status bar must not say Connected.
    messages.failed.connect(sync.mark_faulty)
    return Session(
        client=client,
        store=store,
        sync=sync,
        outbox=outbox,
        watchdog=LoopWatchdog(),
        username=signed.username,
        role=signed.role,
        drafts=Drafts(folder / "drafts.json"),
        commands=CommandService(store, client, outbox, signed.username, read_only=read_only),
        messages=messages,
        mode=TRAINING if mode == TRAINING else REPLAY if read_only else LIVE,
    )


async def _open_recording(console: Console, path: Path) -> None:
    """Open the recording (its start at once, the check after); on failure, stop and raise."""
    assert console.player is not None
    try:
        await console.player.open(path)
    except BaseException:
        await console.stop()
        raise


def _name_districts(window: MainWindow, area: PackMapPublic | str) -> None:
    """The boards and the Room view call districts what the area does (boroughs in London,
    districts in Hampshire, neighborhoods in San Francisco)."""
    word = area.pack.district_word if isinstance(area, PackMapPublic) else pack_word(area)
    for board in (window.incidents, window.units):
        model = board.model
        if isinstance(model, EntityModel):
            model.rename_header("Borough", word.capitalize())
    window.room.name_districts(word)


def _menu(window: MainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if action.text() == title and isinstance(menu, QMenu):
            return menu
    return None


async def _served_area(signed: SignedIn, settings: ConsoleSettings) -> PackMapPublic | str:
    """The area the platform serves (every console of the room draws the same). A
    platform that cannot be reached at start (the last known state) or that predates
    serving its area: the console's own `--pack`, until the next start."""
    try:
        return await signed.client.pack_map()
    except (Unreachable, Rejected):
        return settings.pack


def _pack_of(mode: str, settings: ConsoleSettings) -> str:
    """The pack whose map the window shows: a recording's own (replay, and training taken
    over from one), else the settings'. The header is read here only for its area; an
    unreadable file falls back, and opening it later says what is wrong."""
    if settings.recording is not None and mode in (REPLAY, TRAINING):
        try:
            return pack_for_area(open_recording(settings.recording).header.pack)
        except RecordingError:
            return settings.pack
    return settings.pack


@dataclass
class TakeOver:
    """ "Take over from here": a sandbox at the replay's moment, in a console of its own that
    says TRAINING. The sandbox holds only its own URL: nothing reaches live."""

    replay: Console
    consoles: list[Console] = field(default_factory=list)

    def start(self, _time: float = 0.0, _seq: int = 0) -> None:
        player = self.replay.player
        assert player is not None
        player.pause()
        messages = self.replay.session.messages
        messages.info("Starting a training sandbox from here…", 0)
        spawn(
            self._start(),
            lambda exc: messages.error(f"No training sandbox: {exc}"),
            expected=(Exception,),  # a sandbox that cannot start is said, not a console fault
        )

    async def _start(self) -> Console:
        player = self.replay.player
        assert player is not None
        state, moment = player.state_now(), player.moment
        # the recording's own area: a San Francisco shift trains on San Francisco, and the
        # sandbox's simulator raises San Francisco calls
        recording = player.recording
        pack = pack_for_area(recording.header.pack) if recording else self.replay.settings.pack
        sandbox = await asyncio.get_running_loop().run_in_executor(
            None, lambda: TrainingSandbox.start(state, moment, simulate=True, pack=pack)
        )
        try:
            settings = replace(self.replay.settings, recording=None, screenshot=None)
            console = await bootstrap(TRAINING, settings, Overrides(sandbox=sandbox))
        except BaseException:
            sandbox.stop()
            raise
        self.consoles.append(console)
        self.replay.session.messages.info(f"Training sandbox at {sandbox.url}", 10000)
        return console

    async def stop(self) -> None:
        while self.consoles:
            await self.consoles.pop().stop()
