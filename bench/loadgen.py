"""Load generation shared by the benchmarks: a platform process, sign-in, units, AVL posts.

The platform runs as its own process (`platform-api serve`) so that the load generator's
GIL never slows the server being measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def platform_server() -> Iterator[str]:
    """A platform with demo users on a temporary SQLite file; yields its URL."""
    with platform_servers("sqlite", 1) as urls:
        yield urls[0]


def _cli(*args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "platform_api.cli", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        # the platform's own log (errors, warnings) goes to the bench's stderr
        stderr=None if os.environ.get("CR_BENCH_VERBOSE") else subprocess.DEVNULL,
        **kwargs,
    )


@contextlib.contextmanager
def database(db: str) -> Iterator[str]:
    """A new empty database: a SQLite file, or a throwaway PostgreSQL cluster."""
    if db == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            yield f"sqlite:///{tmp}/p.db"
    elif db == "postgres":
        from bench import pgcluster

        with pgcluster.single() as cluster:
            yield cluster.url
    else:
        raise SystemExit(f"--db is sqlite or postgres, not {db}")


@contextlib.contextmanager
def platform_servers(db: str, instances: int) -> Iterator[list[str]]:
    """`instances` platform processes (demo users) on one new database; yields their URLs.

    `platform-api migrate` runs first, as its own step, then every `serve --no-migrate`."""
    with database(db) as db_url:
        if _cli("migrate", "--db", db_url).wait(timeout=120) != 0:
            raise SystemExit("platform-api migrate failed")
        ports = [free_port() for _ in range(instances)]
        servers = [
            _cli("serve", "--db", db_url, "--port", str(port), "--demo-users", "--no-migrate")
            for port in ports
        ]
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        try:
            for url, server in zip(urls, servers, strict=True):
                deadline = time.time() + 30
                while True:
                    with contextlib.suppress(httpx.HTTPError):
                        # demo users exist before the server listens: answering means ready
                        if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                            break
                    if time.time() > deadline or server.poll() is not None:
                        raise SystemExit("the platform did not start")
                    time.sleep(0.1)
            yield urls
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=10)


def server_pids() -> list[int]:
    """The `platform-api serve` processes this process started (its children, on Linux)."""
    me, pids = str(os.getpid()), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            if stat.rsplit(")", 1)[1].split()[1] == me and b"serve" in cmdline:
                pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds the processes have used so far."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / os.sysconf("SC_CLK_TCK")


def login(url: str, user: str) -> str:
    r = httpx.post(f"{url}/v1/auth/login", json={"username": user, "password": "demo"})
    r.raise_for_status()
    return str(r.json()["token"])


def head_seq(url: str) -> int:
    headers = {"Authorization": f"Bearer {login(url, 'dispatcher')}"}
    page = httpx.get(f"{url}/v1/events", params={"limit": 1}, headers=headers).json()
    return int(page["head_seq"])


def seed_units(url: str, token: str, count: int) -> list[str]:
    """Create `count` response cars around central London, from four connections, and say
    how long it took on stderr (it is the slow part of a bench's start)."""
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {token}"}

    def create(chunk: range) -> list[str]:
        ids = []
        with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
            for i in chunk:
                body = {
                    "callsign": f"B{i:05d}",
                    "type": "response_car",
                    "home_station": "bench",
                    "position": {"lat": 51.45 + (i % 100) * 0.001, "lon": -0.2 + (i // 100) * 0.01},
                }
                r = client.post("/v1/units", json=body)
                r.raise_for_status()
                ids.append(r.json()["changes"]["units"][0]["id"])
        return ids

    chunks = [range(k, count, 4) for k in range(4)]
    with ThreadPoolExecutor(4) as pool:
        ids = [uid for part in pool.map(create, chunks) for uid in part]
    print(f"seeded {len(ids)} units in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return ids


WARM_UP_S = 2.0


def _drift(_i: int, rnd: int) -> tuple[float, float]:
    step = rnd % 10 * 1e-4
    return 51.45 + step, -0.2 + step


def _circle(i: int, rnd: int) -> tuple[float, float]:
    """Spread over London, each unit circling its own start: every fix moves on the map."""
    angle = rnd * 0.3 + i
    return (
        51.40 + (i % 50) * 0.004 + 0.002 * math.sin(angle),
        -0.35 + (i // 50) * 0.012 + 0.003 * math.cos(angle),
    )


PATHS: dict[str, Callable[[int, int], tuple[float, float]]] = {"drift": _drift, "circle": _circle}


def post_positions(
    url: str,
    token: str,
    ids: list[str],
    batch: int,
    duration: float,
    out: Any,
    calls_per_s: float = 0.0,
    path: str = "drift",
) -> None:
    """Every second each unit reports once, batches spread evenly; optionally calls too.
    `path` names how the units move (a key of PATHS: a picklable choice for a subprocess)."""
    where = PATHS[path]
    numbered = list(enumerate(ids))
    batches = [numbered[i : i + batch] for i in range(0, len(numbered), batch)]
    gap = 1.0 / len(batches)
    latencies: list[float] = []
    posted = calls = 0
    with httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        start = time.perf_counter()
        n = 0
        while time.perf_counter() - start < duration:
            pause = start + n * gap - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            units = batches[n % len(batches)]
            rnd = n // len(batches)
            positions = []
            for i, unit_id in units:
                lat, lon = where(i, rnd)
                positions.append({"unit_id": unit_id, "lat": lat, "lon": lon, "speed_kmh": 30.0})
            body = {"positions": positions}
            t = time.perf_counter()
            r = client.post("/v1/positions", json=body)
            latencies.append((time.perf_counter() - t) * 1000)
            r.raise_for_status()
            posted += len(units)
            n += 1
            if calls_per_s and calls < (time.perf_counter() - start) * calls_per_s:
                client.post(
                    "/v1/calls", json={"line": "999", "caller_number": f"07700 9{calls:05d}"}
                )
                calls += 1
        elapsed = time.perf_counter() - start
    out.put(
        {
            "posts": n,
            "positions": posted,
            "calls": calls,
            "elapsed_s": elapsed,
            "post_ms": latencies,
        }
    )


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def measured(
    poster: Any, watchdog: Any, measuring: dict[str, bool], duration: float, out: Any
) -> tuple[float, float, dict[str, Any]]:
    """Start the load, let it settle, then measure for `duration` seconds.

    Returns the worst event-loop lateness, the seconds measured, and the poster's report.
    """
    poster.start()
    await asyncio.sleep(WARM_UP_S)
    watchdog.reset()
    measuring["on"] = True
    started = time.perf_counter()
    await asyncio.sleep(duration)
    measuring["on"] = False
    worst: float = watchdog.worst_ms
    elapsed = time.perf_counter() - started
    posted: dict[str, Any] = await asyncio.get_running_loop().run_in_executor(
        None, out.get, True, 60
    )
    return worst, elapsed, posted
