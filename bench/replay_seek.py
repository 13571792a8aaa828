"""Replay benchmark: open a 24-hour busy shift, then seek at random in it.

The recording (`tests/shiftgen.py`: at least 500,000 events, most of them AVL position
batches, hashed like the platform's log) is written by a child process, so the memory
figure is the player's alone. `open_s` is `Player.open` as the console calls it: the
header read and the first frame (the initial state) in the Store. The check that follows
(every hash verified, the events indexed, snapshots folded, in an executor) is
`check_s`; each seek is then `Player.seek_time` to a random moment, ending with the Store
bootstrapped at that moment, as a trainer dragging the seek bar gets it. `rss_mb` is the
resident memory the player added, measured after the check and the seeks.

    python bench/replay_seek.py [--events 520000] [--seeks 200] [--snapshot-every 2000]
                                [--keep FILE]

Last line: JSON with events, open_s, check_s, rss_mb, seek_p50_ms, seek_p99_ms and context.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication

from bench.loadgen import percentile
from console.replay import Player
from console.store import Store

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    """Resident memory now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=520_000)
    parser.add_argument("--seeks", type=int, default=200)
    parser.add_argument("--snapshot-every", type=int, default=2000)
    parser.add_argument("--keep", type=Path, default=None, help="write the recording here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "shift.jsonl"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tests.shiftgen", str(path), str(args.events)],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        build_s = time.perf_counter() - started
        size_mb = path.stat().st_size / 1e6
        print(f"built {path.name}: {size_mb:.0f} MB in {build_s:.1f} s", flush=True)

        app = QCoreApplication.instance() or QCoreApplication([])
        base_mb = rss_mb()
        player = Player(Store())

        async def open_and_check() -> tuple[float, float]:
            started = time.perf_counter()
            await player.open(path, args.snapshot_every)
            opened = time.perf_counter() - started
            await player.checked()
            return opened, time.perf_counter() - started

        open_s, check_s = asyncio.run(open_and_check())
        recording, snapshots = player.recording, player.snapshots
        assert recording is not None and snapshots is not None
        hours = (recording.end_time - recording.start_time) / 3600
        print(
            f"opened in {open_s:.2f} s (first frame); checked {len(recording):,} events "
            f"({hours:.1f} h) in {check_s:.2f} s, {len(snapshots.seqs)} snapshots",
            flush=True,
        )

        rng = random.Random(7)
        times: list[float] = []
        for _ in range(args.seeks):
            target = rng.uniform(recording.start_time, recording.end_time)
            t0 = time.perf_counter()
            player.seek_time(target)
            times.append((time.perf_counter() - t0) * 1000)
        p50, p99 = percentile(times, 50), percentile(times, 99)
        print(
            f"{args.seeks} random seeks: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
            f"max {max(times):.1f} ms"
        )
        gc.collect()
        used_mb = rss_mb() - base_mb
        print(f"RSS +{used_mb:.0f} MB after the check and the seeks", flush=True)
        del app
        print(
            json.dumps(
                {
                    "events": len(recording),
                    "hours": round(hours, 2),
                    "file_mb": round(size_mb, 1),
                    "build_s": round(build_s, 2),
                    "open_s": round(open_s, 3),
                    "check_s": round(check_s, 2),
                    "rss_mb": round(used_mb, 1),
                    "peak_rss_mb": round(
                        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                    ),
                    "snapshots": len(snapshots.seqs),
                    "seek_p50_ms": round(p50, 2),
                    "seek_p99_ms": round(p99, 2),
                    "seek_max_ms": round(max(times), 2),
                }
            )
        )


if __name__ == "__main__":
    main()
