"""Throughput benchmark: a control room's command mix from several clients, for a while.

Each client works incidents end to end, as a call-taker and a dispatcher would, with its
own unit: a 999 call received, answered, raised as an incident, graded, three log entries,
the unit assigned, en route, at scene, the incident closed (which frees the unit), plus one
entry in the running log of a major incident that every client shares and that stays open
(its log grows by hundreds of entries): twelve commands a cycle, each with its
Idempotency-Key and If-Match. Clients are asyncio tasks spread over two processes and over
the instances (as a load balancer would). They send over real HTTP/1.1 keep-alive
connections with bench/rawhttp.py, a minimal client that leaves the shared cores to the
platform (`--httpx` sends the same requests with httpx, at ~6x the client's CPU).

    python bench/platform_throughput.py [--db sqlite|postgres] [--instances 1]
                                        [--clients 8] [--duration 40]

`--db postgres` starts a throwaway cluster (bench/pgcluster.py); instances are
`platform-api serve` processes after one `platform-api migrate`. The default duration keeps
the whole run within 60 s. Last line: JSON with commands_per_s, p50_ms, p99_ms and
last_over_first (commands in the last 10 s over the first 10 s; a log that slows down as
it grows shows below 1).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import rawhttp
from bench.loadgen import cpu_seconds, login, percentile, platform_servers, server_pids

WINDOW_S = 10.0
_keys = itertools.count()


class Worker:
    """One client: a call-taker and a dispatcher sharing a unit."""

    def __init__(self, name: str, client: Any, tokens: dict[str, str]) -> None:
        self.name = name
        self.client = client
        self.tokens = tokens
        self.done: list[tuple[float, float]] = []  # (finished at, latency ms)
        self.major: str | None = None  # a long-running incident whose log keeps growing
        self.errors: dict[str, int] = {}

    async def post(self, role: str, path: str, body: Any, version: int | None = None) -> Any:
        headers = {
            "Authorization": f"Bearer {self.tokens[role]}",
            "Idempotency-Key": f"{self.name}-{next(_keys)}",
        }
        if version is not None:
            headers["If-Match"] = str(version)
        started = time.perf_counter()
        r = await self.client.post(path, body, headers)
        finished = time.perf_counter()
        if r.status_code not in (200, 201):
            key = f"{path.split('/')[2]} {r.status_code}"
            self.errors[key] = self.errors.get(key, 0) + 1
            raise RuntimeError(r.text)
        self.done.append((finished, (finished - started) * 1000))
        return r.json()["changes"]

    async def run(self, unit: dict[str, Any], until: float) -> None:
        n = 0
        while time.perf_counter() < until:
            n += 1
            try:
                unit = await self.cycle(unit, n)
            except RuntimeError:
                unit = await self.refresh(unit)

    async def refresh(self, unit: dict[str, Any]) -> dict[str, Any]:
        r = await self.client.get(
            f"/v1/units/{unit['id']}", {"Authorization": f"Bearer {self.tokens['d']}"}
        )
        fresh: dict[str, Any] = r.json()
        return fresh

    async def cycle(self, unit: dict[str, Any], n: int) -> dict[str, Any]:
        body = {"line": "999", "caller_number": "07700 900123"}
        call = (await self.post("g", "/v1/calls", body))["calls"][0]
        await self.post("c", f"/v1/calls/{call['id']}/answer", {}, call["version"])
        body = {
            "opening_classification": "Violence",
            "grade": "immediate",
            "location": {"lat": 51.5 + n % 50 * 0.001, "lon": -0.12, "address": "bench"},
            "thrive": {"threat": "knife seen"},
            "narrative": "Caller reports a fight.",
        }
        incident = (await self.post("c", f"/v1/calls/{call['id']}/incident", body, 2))["incidents"][
            0
        ]
        incident = (
            await self.post(
                "c",
                f"/v1/incidents/{incident['id']}/grade",
                # immediate to priority is a downgrade: it needs a reason (issue 14)
                {"grade": "priority", "reason": "Caller says the men have left."},
                incident["version"],
            )
        )["incidents"][0]
        for text in ("Caller says two men.", "One has a bag."):
            await self.post("c", f"/v1/incidents/{incident['id']}/log", {"text": text})
        if self.major is not None:  # the major incident's running log, one entry a cycle
            await self.post("c", f"/v1/incidents/{self.major}/log", {"text": f"Update {n}."})
        changes = await self.post(
            "d",
            f"/v1/units/{unit['id']}/assign",
            {"incident_id": incident["id"]},
            unit["version"],
        )
        assignment = changes["assignments"][0]
        for state in ("en_route", "at_scene"):
            assignment = (
                await self.post(
                    "d",
                    f"/v1/assignments/{assignment['id']}/progress",
                    {"state": state},
                    assignment["version"],
                )
            )["assignments"][0]
        await self.post("d", f"/v1/incidents/{incident['id']}/log", {"text": "Unit on scene."})
        incident_now = await self.client.get(
            f"/v1/incidents/{incident['id']}", {"Authorization": f"Bearer {self.tokens['d']}"}
        )
        closed = await self.post(
            "d",
            f"/v1/incidents/{incident['id']}/close",
            {"closing_classification": "Violence - no further action"},
            incident_now.json()["version"],
        )
        freed = [u for u in closed.get("units", []) if u["id"] == unit["id"]]
        return freed[0] if freed else await self.refresh(unit)


class HttpxClient:
    """httpx behind rawhttp.Client's three methods (`--httpx`)."""

    def __init__(self, url: str) -> None:
        self._client = httpx.AsyncClient(base_url=url, timeout=30)

    async def post(self, path: str, body: Any, headers: dict[str, str]) -> httpx.Response:
        return await self._client.post(path, json=body, headers=headers)

    async def get(self, path: str, headers: dict[str, str]) -> httpx.Response:
        return await self._client.get(path, headers=headers)

    async def aclose(self) -> None:
        await self._client.aclose()


def client_process(
    urls: list[str],
    first: int,
    count: int,
    duration: float,
    start_at: float,
    major: str,
    out: Any,
    use_httpx: bool,
) -> None:
    async def main() -> None:
        workers: list[Worker] = []
        http: list[Any] = []
        jobs = []
        for i in range(first, first + count):
            url = urls[i % len(urls)]
            client = HttpxClient(url) if use_httpx else rawhttp.Client(url)
            http.append(client)
            # g: gateway, c: call-taker, d: dispatcher
            tokens = {r[0]: login(url, r) for r in ("gateway", "calltaker", "dispatcher")}
            worker = Worker(f"w{i}", client, tokens)
            body = {
                "callsign": f"T{i:04d}",
                "type": "response_car",
                "home_station": "bench",
                "position": {"lat": 51.5, "lon": -0.12},
            }
            gateway = Worker(f"seed{i}", client, tokens)
            unit = (await gateway.post("g", "/v1/units", body))["units"][0]
            worker.major = major
            workers.append(worker)
            jobs.append((worker, unit))
        await asyncio.sleep(max(0.0, start_at - time.time()))
        until = time.perf_counter() + duration
        cpu_at_start = time.process_time()
        await asyncio.gather(*(w.run(u, until) for w, u in jobs))
        cpu_used = time.process_time() - cpu_at_start
        for client in http:
            await client.aclose()
        # perf_counter is per process: send times relative to the common start
        offset = time.time() - time.perf_counter()
        out.put(
            {
                "done": [(t + offset - start_at, ms) for w in workers for t, ms in w.done],
                "errors": [w.errors for w in workers],
                "cpu_s": cpu_used,
            }
        )

    asyncio.run(main())


def _major_incident(url: str) -> str:
    body = {
        "opening_classification": "Public order",
        "grade": "immediate",
        "location": {"lat": 51.51, "lon": -0.13, "address": "major incident"},
        "thrive": {"threat": "crowd"},
        "narrative": "Major incident declared.",
    }
    headers = {"Authorization": f"Bearer {login(url, 'calltaker')}"}
    r = httpx.post(f"{url}/v1/incidents", json=body, headers=headers)
    r.raise_for_status()
    return str(r.json()["changes"]["incidents"][0]["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=40.0)
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument(
        "--httpx",
        action="store_true",
        help="send with httpx (as before) instead of bench/rawhttp.py: the same requests, "
        "at about six times the load generator's CPU",
    )
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    with platform_servers(args.db, args.instances) as urls:
        ctx = mp.get_context("spawn")
        out: Any = ctx.Queue()
        major = _major_incident(urls[0])
        start_at = time.time() + 5  # time for every client to sign in and make its unit
        per = [
            args.clients // args.processes + (i < args.clients % args.processes)
            for i in range(args.processes)
        ]
        firsts = [sum(per[:i]) for i in range(len(per))]
        procs = [
            ctx.Process(
                target=client_process,
                args=(urls, first, count, args.duration, start_at, major, out, args.httpx),
            )
            for first, count in zip(firsts, per, strict=True)
            if count
        ]
        for proc in procs:
            proc.start()
        servers = server_pids()
        # the platform's CPU at the start, after the first window, before the last, at the end
        marks = [0.0, WINDOW_S, args.duration - WINDOW_S, args.duration]
        cpu = []
        for mark in marks:
            time.sleep(max(0.0, start_at + mark - time.time()))
            cpu.append(cpu_seconds(servers))
        results = [out.get(timeout=args.duration + 120) for _ in procs]
        for proc in procs:
            proc.join(timeout=30)

    done = [d for r in results for d in r["done"]]
    errors: dict[str, int] = {}
    for r in results:
        for e in r["errors"]:
            for k, v in e.items():
                errors[k] = errors.get(k, 0) + v
    latencies = [ms for _, ms in done]
    first = sum(1 for t, _ in done if t < WINDOW_S)
    last = sum(1 for t, _ in done if t >= args.duration - WINDOW_S)
    print(
        json.dumps(
            {
                "db": args.db,
                "instances": args.instances,
                "clients": args.clients,
                "duration_s": args.duration,
                "commands": len(done),
                "errors": errors,
                "commands_per_s": round(len(done) / args.duration, 1),
                "p50_ms": round(percentile(latencies, 50), 2),
                "p99_ms": round(percentile(latencies, 99), 2),
                "first_10s_per_s": round(first / WINDOW_S, 1),
                "last_10s_per_s": round(last / WINDOW_S, 1),
                "last_over_first": round(last / first, 3) if first else None,
                # CPU per command: the platform processes' and the load generator's own
                "server_cpu_ms": round((cpu[3] - cpu[0]) * 1000 / len(done), 2) if done else None,
                # the same in the first and the last window: does a command cost more later?
                "server_cpu_ms_first_10s": round((cpu[1] - cpu[0]) * 1000 / first, 2)
                if first
                else None,
                "server_cpu_ms_last_10s": round((cpu[3] - cpu[2]) * 1000 / last, 2)
                if last
                else None,
                "client_cpu_ms": round(sum(r["cpu_s"] for r in results) * 1000 / len(done), 2)
                if done
                else None,
                # the machine's 1-minute load average before and after: other work shares it
                "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            }
        )
    )


if __name__ == "__main__":
    main()
