"""The player: seeking anywhere gives exactly the state of playing through; play by the clock."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest

from console.recording import Recording, RecordingError, load_recording, open_recording
from console.replay import ENDED, PLAYING, Player, Snapshots
from console.store import Store
from tests.shiftgen import build_shift


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    path = tmp_path_factory.mktemp("rec") / "shift.jsonl"
    build_shift(path, events=2500, hours=3, units=25, incidents_per_hour=40)
    return load_recording(path)


def state_of(store: Store) -> dict[str, Any]:
    tables = {
        kind: {k: v.model_dump(mode="json") for k, v in store.table(kind).items()}
        for kind in ("calls", "incidents", "units", "assignments")
    }
    return {"seq": store.seq, "last_event_ts": store.last_event_ts, **tables}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def played_through(recording: Recording, seqs: set[int]) -> dict[int, dict[str, Any]]:
    store = Store()
    store.bootstrap(recording.header.initial_state.model_copy(deep=True))
    seen = {}
    if recording.first_seq - 1 in seqs:
        seen[recording.first_seq - 1] = state_of(store)
    for index in range(len(recording)):
        assert store.apply(recording.event(index))
        if store.seq in seqs:
            seen[store.seq] = state_of(store)
    return seen


def test_seeking_backwards_and_forwards_gives_the_played_through_state(
    qapp: Any, recording: Recording
) -> None:
    rng = random.Random(3)
    targets = [0, 1, 2, recording.last_seq, *rng.sample(range(1, recording.last_seq), 25)]
    expected = played_through(recording, set(targets))
    player = Player(Store(), step_window=20)
    player.install(recording, Snapshots(recording, every=100))
    for seq in [*targets, *reversed(targets), *rng.sample(targets, len(targets))]:
        player.seek_seq(seq)
        assert state_of(player.store) == expected[seq], f"seek to {seq}"
    # small steps forward (event by event) and big jumps (snapshots) agree too
    player.seek_seq(500)
    for seq in (505, 519, 540, 1500, 1510):
        player.seek_seq(seq)
        assert state_of(player.store) == played_through(recording, {seq})[seq]


def test_seeking_to_a_time_applies_every_event_up_to_it(qapp: Any, recording: Recording) -> None:
    player = Player(Store())
    player.install(recording)
    middle = (recording.start_time + recording.end_time) / 2
    player.seek_time(middle)
    index = recording.last_index_at(middle)
    assert player.store.seq == recording.first_seq + index
    assert recording.times[index] <= middle < recording.times[index + 1]
    assert player.time == middle
    player.seek_time(recording.start_time - 100)
    assert player.store.seq == recording.first_seq - 1


def test_play_releases_events_by_their_time(qtbot: Any, recording: Recording) -> None:
    clock = FakeClock()
    player = Player(Store(), tick_ms=5, clock=clock)
    player.install(recording)
    player.set_speed(60)
    player.play()
    assert player.state == PLAYING
    clock.now += 10  # 10 s of wall time at 60x: ten minutes of the shift
    target = recording.start_time + 600
    expected = recording.first_seq + recording.last_index_at(target)
    qtbot.waitUntil(lambda: player.time == pytest.approx(target, abs=1e-3), timeout=5000)
    assert player.store.seq == expected
    player.pause()
    clock.now += 10
    with qtbot.assertNotEmitted(player.position_changed, wait=30):  # six ticks' worth
        pass
    assert player.time == pytest.approx(target, abs=1e-3)


class TickingClock(FakeClock):
    """Each reading is one more second: every timer tick sees time pass."""

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def test_a_fast_busy_replay_applies_a_bounded_batch_per_tick_and_skips_nothing(
    qtbot: Any, recording: Recording
) -> None:
    player = Player(Store(), tick_ms=2, max_per_tick=20, clock=TickingClock())
    player.install(recording)
    states: list[str] = []
    applied: list[int] = []
    batches: list[int] = []
    player.state_changed.connect(states.append)
    player.store.event_applied.connect(lambda e: applied.append(e["seq"]))
    player.position_changed.connect(lambda t, s: batches.append(len(applied)))
    player.set_speed(120)
    player.play()
    qtbot.waitUntil(lambda: player.state == ENDED, timeout=20000)
    assert applied == list(range(recording.first_seq, recording.last_seq + 1))
    sizes = [b - a for a, b in itertools.pairwise(batches)]
    assert max(sizes) == 20  # some ticks were full: the clock waited for the backlog
    assert states == [PLAYING, ENDED]
    assert player.time == recording.end_time


def test_step_applies_one_event_and_pause_holds(qapp: Any, recording: Recording) -> None:
    player = Player(Store())
    positions: list[tuple[float, int]] = []
    player.position_changed.connect(lambda t, s: positions.append((t, s)))
    player.install(recording)
    assert player.step()
    assert player.store.seq == recording.first_seq
    assert positions[-1] == (recording.times[0], recording.first_seq)
    with pytest.raises(ValueError, match="1x to 120x"):
        player.set_speed(500)


def test_density_counts_every_incident_once(qapp: Any, recording: Recording) -> None:
    player = Player(Store())
    player.install(recording)
    counts = player.density(60)
    assert len(counts) == 60
    assert sum(counts) == len(recording.incident_times) > 0


def test_the_take_over_state_is_the_stores(qapp: Any, recording: Recording) -> None:
    player = Player(Store())
    player.install(recording)
    player.seek_seq(1200)
    state = player.state_now()
    assert state.as_of_seq == 1200
    assert {u.id for u in state.units} == set(player.store.units)


async def _open(player: Player, path: Path) -> None:
    await player.open(path)


def test_open_loads_off_the_gui_thread(aloop: Any, tmp_path: Path) -> None:
    path = tmp_path / "small.jsonl"
    build_shift(path, events=300, hours=1, units=5)
    player = Player(Store())
    loaded: list[tuple[int, float, float]] = []
    player.loaded.connect(lambda n, a, b: loaded.append((n, a, b)))
    aloop.run_until_complete(_open(player, path))
    assert player.recording is not None
    assert loaded and loaded[0][0] == player.recording.header.event_count


def test_an_altered_recording_opens_at_its_start_then_stops_with_the_line_at_fault(
    aloop: Any, tmp_path: Path
) -> None:
    path = tmp_path / "altered.jsonl"
    build_shift(path, events=3000, hours=2, units=10)
    lines = path.read_bytes().split(b"\n")
    lines[2500] = lines[2500].replace(b'"lat":5', b'"lat":4', 1)  # move one fix
    path.write_bytes(b"\n".join(lines))
    player = Player(Store())
    failures: list[str] = []
    player.check_failed.connect(failures.append)

    async def body() -> None:
        await player.open(path)
        # the start is on screen before the check has read the file
        assert player.store.units and player.store.seq == 0
        with pytest.raises(RecordingError, match=r"line 2501 \(seq 2500\): content does not"):
            await player.checked()
        assert failures and "line 2501" in failures[0]
        player.play()
        assert player.state != PLAYING  # an altered recording is not played on

    aloop.run_until_complete(body())


def test_seeking_while_the_check_runs_never_goes_past_what_is_checked(
    qapp: Any, tmp_path: Path
) -> None:
    path = tmp_path / "shift.jsonl"
    build_shift(path, events=4000, hours=3, units=15)
    recording = open_recording(path)
    snapshots = Snapshots(recording, every=500, build=False)
    player = Player(Store())
    player.install(recording, snapshots)
    seen: list[tuple[int, int]] = []

    def after_chunk() -> None:  # called by the check, between two chunks of the file
        snapshots.extend()
        player.seek_time(recording.end_time)  # "take me to the end", mid-check
        seen.append((player.store.seq, recording.first_seq + len(recording) - 1))
        assert player.store.seq <= recording.first_seq + len(recording) - 1

    with path.open("rb") as reader:
        recording.verify(chunk_bytes=64 * 1024, reader=reader, after_chunk=after_chunk)
    assert len(seen) > 5  # many chunks, each seek stopped at the checked edge
    assert [s for s, _ in seen] == sorted(s for s, _ in seen)
    assert seen[-1][0] == recording.last_seq
    assert len(snapshots.seqs) == len(recording) // 500 + 1
