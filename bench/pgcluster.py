"""Throwaway PostgreSQL clusters on loopback for benchmarks and tests: one, or a primary with
a streaming replica that can be killed and promoted (bench/failover.py).

Uses the system's PostgreSQL programs (Debian's `postgresql` package, which
`scripts/postgres` installs when missing). `initdb` refuses to run as root, so as root
every PostgreSQL program runs as the `postgres` system user over folders it owns.
Durability settings stay on here (unlike the test cluster): a failover must lose nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def bindir() -> Path:
    """Where initdb and pg_ctl live (CR_PG_BINDIR, else the newest /usr/lib/postgresql)."""
    given = os.environ.get("CR_PG_BINDIR")
    if given:
        return Path(given)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    raise RuntimeError("PostgreSQL is not installed: run scripts/postgres once (it installs it)")


def available() -> bool:
    try:
        return (bindir() / "pg_ctl").exists()
    except RuntimeError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run(*args: str) -> None:
    result = subprocess.run(
        [*_as_owner(), *args], capture_output=True, text=True, check=False, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed: {result.stderr or result.stdout}")


def _own(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres")


@dataclass
class Cluster:
    """One PostgreSQL server: a data folder and a loopback port."""

    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> Cluster:
        _run(
            str(bindir() / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        )
        return self

    def start(self, *settings: str) -> Cluster:
        options = [
            "-h 127.0.0.1",
            f"-p {self.port}",
            f"-k {self.data.parent}",
            "-c max_connections=300",
            *(f"-c {s}" for s in settings),
        ]
        _run(
            str(bindir() / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.data.parent / f"{self.data.name}.log"),
            "-w",
            "-t",
            "60",
            "start",
            "-o",
            " ".join(options),
        )
        return self

    def pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def kill(self) -> None:
        """Die as a crashed server would: SIGKILL, no shutdown, connections cut."""
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)
        # its backends notice the postmaster is gone and exit; wait for the port to free
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.05)

    def promote(self) -> None:
        _run(str(bindir() / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", "promote")

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError, FileNotFoundError, subprocess.TimeoutExpired):
            _run(str(bindir() / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")


@contextlib.contextmanager
def _folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="cr-pgbench-"))
    folder.chmod(0o755)
    _own(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def single(*settings: str) -> Iterator[Cluster]:
    """One throwaway cluster; stopped and removed at the end."""
    with _folder() as folder:
        cluster = Cluster(folder / "main", free_port()).init()
        try:
            yield cluster.start(*settings)
        finally:
            cluster.stop()


@contextlib.contextmanager
def primary_and_replica() -> Iterator[tuple[Cluster, Cluster]]:
    """A primary and a streaming replica (pg_basebackup) that confirms every commit
    (synchronous replication), so a commit the platform reported is on the replica."""
    with _folder() as folder:
        primary = Cluster(folder / "primary", free_port()).init()
        replica = Cluster(folder / "replica", free_port())
        try:
            primary.start("wal_level=replica", "max_wal_senders=5", "wal_keep_size=256MB")
            _run(
                str(bindir() / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(replica.data),
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
            )
            # the replica identifies itself to the primary by application_name
            with (replica.data / "postgresql.auto.conf").open("a") as conf:
                conf.write(
                    f"primary_conninfo = 'host=127.0.0.1 port={primary.port} user=postgres "
                    "application_name=replica'\n"
                )
            replica.start("hot_standby=on")
            primary_sync(primary)
            yield primary, replica
        finally:
            replica.stop()
            primary.stop()


def primary_sync(primary: Cluster) -> None:
    """Make every commit on `primary` wait for the replica's flush; wait until it streams."""
    import psycopg

    libpq = f"host=127.0.0.1 port={primary.port} user=postgres dbname=postgres"
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET synchronous_standby_names = 'replica'")
        conn.execute("SELECT pg_reload_conf()")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'replica'"
            ).fetchone()
            if row is not None and row[0] == "sync":
                return
            time.sleep(0.1)
    raise RuntimeError("the replica did not start streaming")
