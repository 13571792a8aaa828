"""Fan-out benchmark: N units posting positions at 1 Hz, M consoles on the event stream.

Measures how many log events and unit fixes the platform ingests per second, and the delay
from an event's write (its server `ts`) to its arrival at each SSE subscriber, p50/p99.
Also checks every subscriber got every event exactly once and in order.

The platform runs in its own process (`platform-api serve`), the AVL posters in a second and
the subscribers in a third, so the GIL of the load generator does not slow the server.

    python bench/platform_fanout.py [--units 2000] [--subscribers 20] [--duration 20]
                                    [--batch 100]

Last line: JSON with events_per_s, positions_per_s, p50_ms, p99_ms and context.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def login(url: str, user: str) -> str:
    r = httpx.post(f"{url}/v1/auth/login", json={"username": user, "password": "demo"})
    r.raise_for_status()
    return str(r.json()["token"])


def seed_units(url: str, token: str, count: int) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"}

    def create(chunk: range) -> list[str]:
        ids = []
        with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
            for i in chunk:
                body = {
                    "callsign": f"B{i:05d}",
                    "type": "response_car",
                    "home_station": "bench",
                    "position": {"lat": 51.5 + (i % 100) * 0.001, "lon": -0.1 - (i // 100) * 0.001},
                }
                r = client.post("/v1/units", json=body)
                r.raise_for_status()
                ids.append(r.json()["changes"]["units"][0]["id"])
        return ids

    chunks = [range(k, count, 4) for k in range(4)]
    with ThreadPoolExecutor(4) as pool:
        return [uid for part in pool.map(create, chunks) for uid in part]


def post_positions(
    url: str, token: str, ids: list[str], batch: int, duration: float, out: Any
) -> None:
    """Every second, each unit reports once; batches spread evenly across the second."""
    batches = [ids[i : i + batch] for i in range(0, len(ids), batch)]
    gap = 1.0 / len(batches)
    latencies: list[float] = []
    posted = 0
    with httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        start = time.perf_counter()
        n = 0
        while time.perf_counter() - start < duration:
            due = start + n * gap
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            units = batches[n % len(batches)]
            jitter = (n // len(batches)) % 10 * 1e-5
            body = {
                "positions": [
                    {"unit_id": u, "lat": 51.5 + jitter, "lon": -0.1 - jitter, "speed_kmh": 30.0}
                    for u in units
                ]
            }
            t = time.perf_counter()
            r = client.post("/v1/positions", json=body)
            latencies.append((time.perf_counter() - t) * 1000)
            r.raise_for_status()
            posted += len(units)
            n += 1
        elapsed = time.perf_counter() - start
    out.put({"posts": n, "positions": posted, "elapsed_s": elapsed, "post_ms": latencies})


async def subscribe(url: str, token: str, after: int, seqs: list[int], delays: list[float]) -> None:
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    timeout = httpx.Timeout(30.0)
    async with (
        httpx.AsyncClient(base_url=url, headers=headers, timeout=timeout) as client,
        client.stream("GET", "/v1/events", params={"after": after}) as response,
    ):
        async for line in response.aiter_lines():
            if not line.startswith("data:"):
                continue
            now = time.time()
            # Parse only what we need: seq and ts sit at the start of the event JSON.
            head = line[5:200]
            seq = int(head.split('"seq":', 1)[1].split(",", 1)[0])
            ts = head.split('"ts":"', 1)[1].split('"', 1)[0]
            delays.append((now - datetime.fromisoformat(ts).timestamp()) * 1000)
            seqs.append(seq)


def subscribers(
    url: str, token: str, count: int, after: int, until_seq: Any, ready: Any, out: Any
) -> None:
    async def main() -> None:
        results: list[tuple[list[int], list[float]]] = [([], []) for _ in range(count)]
        tasks = [
            asyncio.create_task(subscribe(url, token, after, seqs, delays))
            for seqs, delays in results
        ]
        await asyncio.sleep(1.0)
        ready.set()
        give_up = None
        while True:  # until every subscriber has the last event (or 30 s after the load)
            await asyncio.sleep(0.1)
            target = until_seq.value
            if not target:
                continue
            give_up = give_up or time.monotonic() + 30
            done = all(seqs and seqs[-1] >= target for seqs, _ in results)
            if done or time.monotonic() > give_up or all(t.done() for t in tasks):
                break
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        out.put(results)

    asyncio.run(main())


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--subscribers", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="fanout-")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "platform_api.cli",
            "serve",
            "--db",
            f"sqlite:///{tmp}/p.db",
            "--port",
            str(port),
            "--demo-users",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("the platform did not start")
            time.sleep(0.1)
        gateway, viewer = login(url, "gateway"), login(url, "dispatcher")
        t = time.perf_counter()
        ids = seed_units(url, gateway, args.units)
        seed_s = time.perf_counter() - t
        head = httpx.get(f"{url}/healthz").json()["head_seq"]
        print(f"seeded {len(ids)} units in {seed_s:.1f} s; log head {head}", file=sys.stderr)

        ctx = mp.get_context("spawn")
        until_seq = ctx.Value("q", 0)
        ready = ctx.Event()
        sub_out: Any = ctx.Queue()
        post_out: Any = ctx.Queue()
        subs = ctx.Process(
            target=subscribers,
            args=(url, viewer, args.subscribers, head, until_seq, ready, sub_out),
        )
        subs.start()
        ready.wait(30)
        poster = ctx.Process(
            target=post_positions, args=(url, gateway, ids, args.batch, args.duration, post_out)
        )
        poster.start()
        posted = post_out.get(timeout=args.duration + 60)
        poster.join()
        final = httpx.get(f"{url}/healthz").json()["head_seq"]
        until_seq.value = final
        results = sub_out.get(timeout=60)
        subs.join(timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=10)

    expected = list(range(head + 1, final + 1))
    all_delays = [d for _, delays in results for d in delays]
    in_order = sum(1 for seqs, _ in results if seqs == expected)
    delivered = sum(len(seqs) for seqs, _ in results)
    events = final - head
    figures = {
        "units": args.units,
        "subscribers": args.subscribers,
        "duration_s": round(posted["elapsed_s"], 2),
        "batch": args.batch,
        "events_per_s": round(events / posted["elapsed_s"], 1),
        "positions_per_s": round(posted["positions"] / posted["elapsed_s"], 1),
        "p50_ms": round(percentile(all_delays, 50), 2),
        "p99_ms": round(percentile(all_delays, 99), 2),
        "max_ms": round(max(all_delays), 2) if all_delays else None,
        "mean_ms": round(statistics.fmean(all_delays), 2) if all_delays else None,
        "post_p50_ms": round(percentile(posted["post_ms"], 50), 2),
        "post_p99_ms": round(percentile(posted["post_ms"], 99), 2),
        "delivered": delivered,
        "expected_deliveries": events * args.subscribers,
        "subscribers_complete_in_order": in_order,
        "lost": events * args.subscribers - delivered,
        "seed_s": round(seed_s, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
