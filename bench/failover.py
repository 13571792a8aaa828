"""Failover benchmark: kill the PostgreSQL primary under load, promote the replica, lose nothing.

Starts a primary and a synchronous streaming replica on loopback (bench/pgcluster.py), and
platform instances on a multi-host URL (`host=primary&host=replica&target_session_attrs=
read-write`). Clients keep receiving calls, each with its own Idempotency-Key, spread over
the instances as a load balancer would; on a connection error or a 503 they retry the same
key on the next instance with backoff. Consoles follow the SSE stream and, when it breaks,
resume from their last seq on the next instance. Mid-run the primary is SIGKILLed and the
replica promoted, and one platform instance is stopped as well (`--keep-instances` not), so
its consoles and clients move to another.

At the end: every acknowledged command must be in the log exactly once (`lost`,
`duplicated` also count consoles' missing or repeated seqs), the hash chain must verify,
and `write_outage_s` is the time from the primary's death (its port closed) to the first
command that lands after it (`writes_after_promote_s`: from the end of `pg_ctl promote`).

    python bench/failover.py [--instances 2] [--clients 4] [--consoles 4] [--before 5]
                             [--after 8]

Last line: {"lost": 0, "duplicated": 0, "chain_ok": true, "write_outage_s": ...}.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pgcluster
from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings

RETRYABLE = {502, 503, 504}


@dataclass
class Client:
    """Sends calls until told to stop; each one retried with its key until it lands."""

    name: str
    urls: list[str]
    tokens: list[str]
    stop: threading.Event
    acked: dict[str, int] = field(default_factory=dict)  # caller_number -> seq
    successes: list[float] = field(default_factory=list)  # monotonic time of each ack
    refused: int = 0
    retries: int = 0

    def run(self) -> None:
        turn = itertools.count()
        clients = [
            httpx.Client(base_url=u, headers={"Authorization": f"Bearer {t}"}, timeout=5)
            for u, t in zip(self.urls, self.tokens, strict=True)
        ]
        try:
            for n in itertools.count():
                if self.stop.is_set():
                    return
                # a real number (the platform refuses others): the client and its count
                number = f"+4420{int(self.name[1:]):02d}{n:06d}"
                key = f"failover-{number}"
                backoff = 0.05
                while True:
                    client = clients[next(turn) % len(clients)]
                    try:
                        r = client.post(
                            "/v1/calls",
                            json={"line": "999", "caller_number": number},
                            headers={"Idempotency-Key": key},
                        )
                    except httpx.HTTPError:
                        r = None
                    if r is not None and r.status_code == 201:
                        self.acked[number] = r.json()["seq"]
                        self.successes.append(time.monotonic())
                        break
                    if r is not None and r.status_code not in RETRYABLE:
                        self.refused += 1  # a clear refusal: not sent again
                        break
                    self.retries += 1
                    time.sleep(backoff)
                    backoff = min(backoff * 2, 1.0)
        finally:
            for client in clients:
                client.close()


@dataclass
class Console:
    """Follows the stream; when it breaks, resumes from its last seq on the next instance."""

    urls: list[str]
    token: str
    first: int
    stop: threading.Event
    seqs: list[int] = field(default_factory=list)
    resumes: int = 0

    def run(self) -> None:
        turn = itertools.count()
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        while not self.stop.is_set():
            url = self.urls[next(turn) % len(self.urls)]
            last = self.seqs[-1] if self.seqs else self.first
            try:
                with (
                    httpx.Client(base_url=url, timeout=httpx.Timeout(5, read=3)) as client,
                    client.stream(
                        "GET", "/v1/events", headers={**headers, "Last-Event-ID": str(last)}
                    ) as response,
                ):
                    if response.status_code != 200:
                        raise httpx.HTTPError(f"status {response.status_code}")
                    for line in response.iter_lines():
                        if line.startswith("id:"):
                            self.seqs.append(int(line[3:].strip()))
                        if self.stop.is_set():
                            return
            except httpx.HTTPError:
                pass
            self.resumes += 1
            self.stop.wait(0.2)


def _login(url: str, user: str) -> str:
    for _ in range(50):
        with contextlib.suppress(httpx.HTTPError):
            r = httpx.post(f"{url}/v1/auth/login", json={"username": user, "password": "demo"})
            if r.status_code == 200:
                return str(r.json()["token"])
        time.sleep(0.2)
    raise RuntimeError(f"cannot sign in {user} at {url}")


def _full_log(url: str, token: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        while True:
            page = client.get("/v1/events", params={"after": after, "limit": 5000}).json()
            events += page["events"]
            if not page["events"]:
                return events
            after = page["next_after"]


def run(
    *,
    instances: int = 2,
    clients: int = 4,
    consoles: int = 4,
    before: float = 5,
    after: float = 8,
    lose_instance: bool = True,
) -> dict[str, Any]:
    with pgcluster.primary_and_replica() as (primary, replica):
        url = (
            "postgresql+psycopg://postgres@/postgres"
            f"?host=127.0.0.1:{primary.port}&host=127.0.0.1:{replica.port}"
            "&target_session_attrs=read-write&connect_timeout=2"
        )
        platforms = [
            EmbeddedPlatform(Settings(db_url=url, demo_users=True, sse_ping_s=1)).start()
            for _ in range(instances)
        ]
        try:
            return _load_kill_promote(
                platforms, primary, replica, clients, consoles, before, after, lose_instance
            )
        finally:
            for platform in platforms:
                platform.stop()


def _load_kill_promote(
    platforms: list[EmbeddedPlatform],
    primary: pgcluster.Cluster,
    replica: pgcluster.Cluster,
    n_clients: int,
    n_consoles: int,
    before: float,
    after: float,
    lose_instance: bool,
) -> dict[str, Any]:
    urls = [p.url for p in platforms]
    stop_clients, stop_consoles = threading.Event(), threading.Event()
    gateway = [_login(u, "gateway") for u in urls]
    watchers = [
        Console(urls[i:] + urls[:i], _login(urls[-1], "dispatcher"), 0, stop_consoles)
        for i in range(n_consoles)
    ]
    senders = [
        Client(f"c{i}", urls[i:] + urls[:i], gateway[i:] + gateway[:i], stop_clients)
        for i in range(n_clients)
    ]
    threads = [threading.Thread(target=w.run, daemon=True) for w in [*watchers, *senders]]
    for thread in threads:
        thread.start()
    time.sleep(before)
    primary.kill()  # returns once the primary is gone (its port closed)
    killed_at = time.monotonic()
    replica.promote()
    promoted_at = time.monotonic()
    if lose_instance and len(platforms) > 1:
        # a platform server lost too: its consoles resume on another from their last seq,
        # its clients retry there
        platforms[0].stop()
    time.sleep(after)
    stop_clients.set()
    for thread in threads[n_consoles:]:
        thread.join(timeout=30)

    supervisor = _login(urls[-1], "supervisor")
    log = _full_log(urls[-1], supervisor)
    head = log[-1]["seq"] if log else 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(not w.seqs or w.seqs[-1] < head for w in watchers):
        time.sleep(0.1)
    stop_consoles.set()
    for thread in threads[:n_consoles]:
        thread.join(timeout=10)

    received: dict[str, int] = {}
    for event in log:
        if event["type"] == "call.received":
            number = event["payload"]["changes"]["calls"][0]["caller_number"]
            received[number] = received.get(number, 0) + 1
    acked = {number for s in senders for number in s.acked}
    lost_commands = sum(1 for number in acked if received.get(number, 0) == 0)
    duplicated_commands = sum(1 for count in received.values() if count > 1)
    expected = list(range(1, head + 1))
    lost_events = sum(len(set(expected) - set(w.seqs)) for w in watchers)
    duplicated_events = sum(len(w.seqs) - len(set(w.seqs)) for w in watchers)
    out_of_order = sum(1 for w in watchers if w.seqs != sorted(w.seqs))
    report = httpx.get(
        f"{urls[-1]}/v1/audit/verify", headers={"Authorization": f"Bearer {supervisor}"}
    ).json()
    after_kill = [t for s in senders for t in s.successes if t > killed_at]
    first_write = min(after_kill) if after_kill else float("nan")
    return {
        "lost": lost_commands + lost_events,
        "duplicated": duplicated_commands + duplicated_events,
        "chain_ok": bool(report["ok"]) and report["checked"] == head,
        "write_outage_s": round(first_write - killed_at, 2),
        "writes_after_promote_s": round(first_write - promoted_at, 2),
        "promote_s": round(promoted_at - killed_at, 2),
        "acknowledged": len(acked),
        "acknowledged_after_kill": len(after_kill),
        "retries": sum(s.retries for s in senders),
        "refused": sum(s.refused for s in senders),
        "log_events": head,
        "consoles": len(watchers),
        "consoles_in_order": len(watchers) - out_of_order,
        "console_resumes": sum(w.resumes for w in watchers),
        "instances": len(platforms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--consoles", type=int, default=4)
    parser.add_argument("--before", type=float, default=5, help="seconds of load before the kill")
    parser.add_argument("--after", type=float, default=8, help="seconds of load after promotion")
    parser.add_argument(
        "--keep-instances",
        action="store_true",
        help="do not also stop one platform instance at the promotion",
    )
    args = parser.parse_args()
    # the instances log every refused request during the outage; the figures say enough
    logging.basicConfig(level=logging.ERROR)
    figures = run(
        instances=args.instances,
        clients=args.clients,
        consoles=args.consoles,
        before=args.before,
        after=args.after,
        lose_instance=not args.keep_instances,
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
