"""Does throughput hold while one incident's narrative log grows?

N clients add log entries to one open incident for a while, and the rate in the first and
the last 10 s is compared. When every `incident.log_added` event carried the incident's
whole log (issue 11, item 5), the rate decayed as the log grew (~70/s at first, ~48/s after
30 s) and the last event was 134 kB; now an event carries its one entry.

    .venv/bin/python bench/log_growth.py [--clients 8] [--duration 30]

Prints one JSON line: commands, rates (first and last window, overall), their ratio
`last_over_first`, and the sizes of the first and last `incident.log_added` events.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadgen import login, platform_server

WINDOW_S = 10.0


def _incident(url: str, token: str) -> str:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
    body = {
        "opening_classification": "Concern for safety",
        "grade": "priority",
        "location": {"lat": 51.5007, "lon": -0.1246, "address": "Parliament Square"},
        "narrative": "Long-running incident for the log growth bench.",
    }
    r = httpx.post(f"{url}/v1/incidents", json=body, headers=headers, timeout=30)
    r.raise_for_status()
    return str(r.json()["changes"]["incidents"][0]["id"])


def _event_sizes(url: str, token: str) -> list[int]:
    """Bytes of each `incident.log_added` payload, in log order."""
    sizes: list[int] = []
    after = 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        while True:
            r = client.get("/v1/events", params={"after": after, "limit": 500}, timeout=60)
            r.raise_for_status()
            page = r.json()
            if not page["events"]:
                return sizes
            for e in page["events"]:
                if e["type"] == "incident.log_added":
                    sizes.append(len(json.dumps(e["payload"], separators=(",", ":"))))
            after = page["next_after"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30.0)
    args = parser.parse_args()

    with platform_server() as url:
        token = login(url, "calltaker")
        incident_id = _incident(url, token)
        done: list[float] = []
        errors: list[int] = []
        lock = threading.Lock()
        start = time.perf_counter()
        stop_at = start + args.duration

        def client(n: int) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
                i = 0
                while time.perf_counter() < stop_at:
                    r = http.post(
                        f"/v1/incidents/{incident_id}/log",
                        json={"text": f"client {n} update {i}: caller still on the line"},
                        headers={"Idempotency-Key": uuid.uuid4().hex},
                    )
                    with lock:
                        if r.status_code == 200:
                            done.append(time.perf_counter() - start)
                        else:
                            errors.append(r.status_code)
                    i += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        sizes = _event_sizes(url, token)

    first = sum(1 for t in done if t < WINDOW_S) / WINDOW_S
    last = sum(1 for t in done if t >= elapsed - WINDOW_S) / WINDOW_S
    print(
        json.dumps(
            {
                "db": "sqlite",
                "clients": args.clients,
                "duration_s": round(elapsed, 1),
                "commands": len(done),
                "errors": len(errors),
                "commands_per_s": round(len(done) / elapsed, 1),
                "first_10s_per_s": round(first, 1),
                "last_10s_per_s": round(last, 1),
                "last_over_first": round(last / first, 3) if first else None,
                "first_event_bytes": sizes[0] if sizes else None,
                "last_event_bytes": sizes[-1] if sizes else None,
                "total_log_added_bytes": sum(sizes),
            }
        )
    )


if __name__ == "__main__":
    main()
