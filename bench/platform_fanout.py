"""Fan-out benchmark: N units posting positions at 1 Hz, M consoles on the event stream.

Measures how many log events and unit fixes the platform ingests per second, and the delay
from an event's write (its server `ts`) to its arrival at each SSE subscriber, p50/p99.
Also checks every subscriber got every event exactly once and in order.

The platform runs in its own process (`platform-api serve`), the AVL posters in a second and
the subscribers in others, so the GIL of the load generator does not slow the server.
`--instances N` runs N platform processes on one database (`--db postgres` starts a
throwaway PostgreSQL cluster) behind nginx with deploy/nginx.conf (bench/nginx.py), which
spreads the subscribers and the posts over them. `--room` is a control room's scale:
10,000 units at 1 Hz and 200 subscribers (two subscriber processes), posted by two gateway
connections (`--posters`) in batches of 500: one connection that waits for each answer
before it sends the next caps the feed at one batch per round trip, which a real AVL
gateway with thousands of vehicles does not do.

    python bench/platform_fanout.py [--units 2000] [--subscribers 20] [--duration 20]
                                    [--batch 100] [--posters 1] [--db sqlite|postgres]
                                    [--instances 1] [--room]

Last line: JSON with events_per_s, positions_per_s, p50_ms, p99_ms and context.
`server_cpu` is the CPU the platform processes used while the load ran, in cores (Linux
/proc): on a machine other work shares, it says what the platform itself cost when the
wall-clock figures wander. `client_cpu` is the same for the bench's own posters and
subscribers, which share the machine's cores with the platform; `load_avg_1m` is the
machine's load average at the end of the load (other work included).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import nginx
from bench.loadgen import (
    cpu_seconds,
    head_seq,
    login,
    percentile,
    platform_servers,
    post_positions,
    seed_units,
    server_pids,
)


async def subscribe(
    url: str,
    token: str,
    after: int,
    seqs: list[int],
    delays: list[float],
    connected: asyncio.Queue[int],
) -> None:
    """One console's stream over a bare asyncio connection.

    The subscribers share the platform's two cores, so they read as cheaply as they can:
    each event's `id` and `ts` are found with bytes methods in the raw chunked stream
    (`_events`), not through httpx's line iterator, which cost more CPU per event than the
    platform spent sending it."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(
        f"GET /v1/events?after={after} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    connected.put_nowait(status)
    if status != 200:
        return
    if b"chunked" not in head.lower():
        raise SystemExit("expected a chunked event stream")
    buf = bytearray()
    try:
        while data := await reader.read(1 << 18):
            now = time.time()
            buf += data
            end = buf.rfind(b"\r\n\r\n")  # the end of the last complete frame
            if end >= 0:
                _events(buf, end, now, seqs, delays)
                # keep the frame's last line end: a frame written in the same chunk (a
                # stream catching up) starts right after it, and is found by it
                del buf[: end + 2]
    finally:
        writer.close()


def _events(buf: bytearray, end: int, now: float, seqs: list[int], delays: list[float]) -> None:
    """Note the seq and delay of each event before `end` in the raw chunked bytes.

    The platform writes whole frames in each chunk, so a chunk's size line only ever sits
    between frames and an event is found by its `id:` line without undoing the chunks: the
    bytes are searched in place, never copied, so the subscribers cost the shared cores
    as little as they can."""
    at = buf.find(b"\r\nid: ", 0, end)
    while at >= 0:
        line_end = buf.index(b"\r\n", at + 6)
        seq = int(buf[at + 6 : line_end])
        ts_at = buf.index(b'"ts":"', line_end) + 6
        ts = buf[ts_at : buf.index(b'"', ts_at)].decode()
        delays.append((now - datetime.fromisoformat(ts).timestamp()) * 1000)
        seqs.append(seq)
        at = buf.find(b"\r\nid: ", ts_at, end)


def subscribers(
    url: str, token: str, count: int, after: int, until_seq: Any, ready: Any, out: Any
) -> None:
    async def main() -> None:
        results: list[tuple[list[int], list[float]]] = [([], []) for _ in range(count)]
        connected: asyncio.Queue[int] = asyncio.Queue()
        tasks = [
            asyncio.create_task(subscribe(url, token, after, seqs, delays, connected))
            for seqs, delays in results
        ]
        for _ in tasks:  # every stream open before the load starts
            status = await asyncio.wait_for(connected.get(), 60)
            if status != 200:
                raise SystemExit(f"a subscriber got HTTP {status}")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=None, help="default 2000 (room: 10000)")
    parser.add_argument("--subscribers", type=int, default=None, help="default 20 (room: 200)")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--batch", type=int, default=None, help="default 100 (room: 500)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument(
        "--posters",
        type=int,
        default=None,
        help="gateway connections posting at once, each for its share of the units "
        "(default 1; room: 2)",
    )
    parser.add_argument("--room", action="store_true", help="10,000 units, 200 subscribers")
    args = parser.parse_args()
    room = args.room
    args.units = args.units or (10_000 if room else 2000)
    args.subscribers = args.subscribers or (200 if room else 20)
    args.batch = args.batch or (500 if room else 100)
    args.posters = args.posters or (2 if room else 1)
    sub_procs = 2 if args.subscribers >= 100 else 1

    with contextlib.ExitStack() as stack:
        urls = stack.enter_context(platform_servers(args.db, args.instances))
        url = stack.enter_context(nginx.balancer(urls)) if len(urls) > 1 else urls[0]
        gateway, viewer = login(url, "gateway"), login(url, "dispatcher")
        t = time.perf_counter()
        ids = seed_units(url, gateway, args.units)
        seed_s = time.perf_counter() - t
        head = head_seq(url)
        print(f"log head {head}", file=sys.stderr)

        ctx = mp.get_context("spawn")
        until_seq = ctx.Value("q", 0)
        sub_out: Any = ctx.Queue()
        post_out: Any = ctx.Queue()
        readies = [ctx.Event() for _ in range(sub_procs)]
        per = [
            args.subscribers // sub_procs + (i < args.subscribers % sub_procs)
            for i in range(sub_procs)
        ]
        subs = [
            ctx.Process(
                target=subscribers,
                args=(url, viewer, count, head, until_seq, ready, sub_out),
            )
            for count, ready in zip(per, readies, strict=True)
        ]
        for proc in subs:
            proc.start()
        for ready in readies:
            if not ready.wait(120):
                raise SystemExit("the subscribers did not all connect")
        posters = [
            ctx.Process(
                target=post_positions,
                args=(url, gateway, ids[k :: args.posters], args.batch, args.duration, post_out),
            )
            for k in range(args.posters)
        ]
        servers = server_pids()
        for proc in posters:
            proc.start()
        clients = [p.pid for p in (*subs, *posters) if p.pid is not None]
        cpu_before, client_before = cpu_seconds(servers), cpu_seconds(clients)
        reports = [post_out.get(timeout=args.duration + 60) for _ in posters]
        cpu_used = cpu_seconds(servers) - cpu_before
        client_used = cpu_seconds(clients) - client_before
        for proc in posters:
            proc.join()
        posted = {
            "positions": sum(r["positions"] for r in reports),
            "elapsed_s": max(r["elapsed_s"] for r in reports),
            "post_ms": [ms for r in reports for ms in r["post_ms"]],
        }
        final = head_seq(url)
        until_seq.value = final
        results = [r for _ in subs for r in sub_out.get(timeout=90)]
        for proc in subs:
            proc.join(timeout=10)

    expected = list(range(head + 1, final + 1))
    all_delays = [d for _, delays in results for d in delays]
    in_order = sum(1 for seqs, _ in results if seqs == expected)
    delivered = sum(len(seqs) for seqs, _ in results)
    events = final - head
    figures = {
        "db": args.db,
        "instances": args.instances,
        "units": args.units,
        "subscribers": args.subscribers,
        "duration_s": round(posted["elapsed_s"], 2),
        "batch": args.batch,
        "posters": args.posters,
        "events_per_s": round(events / posted["elapsed_s"], 1),
        "positions_per_s": round(posted["positions"] / posted["elapsed_s"], 1),
        "p50_ms": round(percentile(all_delays, 50), 2),
        "p99_ms": round(percentile(all_delays, 99), 2),
        "max_ms": round(max(all_delays), 2) if all_delays else None,
        "mean_ms": round(statistics.fmean(all_delays), 2) if all_delays else None,
        "post_p50_ms": round(percentile(posted["post_ms"], 50), 2),
        "post_p99_ms": round(percentile(posted["post_ms"], 99), 2),
        "server_cpu": round(cpu_used / posted["elapsed_s"], 2),
        "client_cpu": round(client_used / posted["elapsed_s"], 2),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "delivered": delivered,
        "expected_deliveries": events * args.subscribers,
        "subscribers_complete_in_order": in_order,
        "lost": events * args.subscribers - delivered,
        "seed_s": round(seed_s, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
