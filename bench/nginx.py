"""Run the shipped nginx configuration (deploy/nginx.conf) in front of platform instances.

For tests and benchmarks: the same file operators start from, with its upstream servers and
listen address replaced by the instances' and a free port, its temporary folders moved
into a temporary prefix, as a foreground process (not a daemon) stopped at the end.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "nginx.conf"


def binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def render(upstreams: list[str], port: int, prefix: Path) -> str:
    """deploy/nginx.conf with these instances, this port and temp paths under `prefix`."""
    text = CONFIG.read_text(encoding="utf-8")
    servers = "\n".join(
        f"        server {urlsplit(u).netloc} max_fails=1 fail_timeout=5s;" for u in upstreams
    )
    text, upstream_count = re.subn(
        r"(upstream control_room_platform \{\n)(?:.*\n)*?(\s*keepalive)",
        lambda m: m.group(1) + servers + "\n" + m.group(2),
        text,
    )
    text, listen_count = re.subn(r"listen 127\.0\.0\.1:\d+;", f"listen 127.0.0.1:{port};", text)
    if upstream_count != 1 or listen_count != 1:
        raise RuntimeError("deploy/nginx.conf no longer has the shape bench/nginx.py edits")
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return text.replace("http {\n", "http {\n" + temp + "\n", 1)


@contextlib.contextmanager
def balancer(upstreams: list[str]) -> Iterator[str]:
    """nginx on loopback in front of `upstreams` (URLs); yields its URL."""
    nginx = binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (scripts/server-packages installs it)")
    prefix = Path(tempfile.mkdtemp(prefix="cr-nginx-"))
    # as root, nginx's workers run as an unprivileged user: they must reach the temp folders
    prefix.chmod(0o755)
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / kind).mkdir()
        (prefix / kind).chmod(0o1777)
    port = _free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(render(upstreams, port, prefix), encoding="utf-8")
    log = prefix / "error.log"
    process = subprocess.Popen(
        [
            nginx,
            "-p",
            str(prefix),
            "-c",
            str(conf),
            "-e",
            str(log),
            "-g",
            f"daemon off; pid {prefix / 'nginx.pid'};",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {log.read_text(errors='replace')}")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()  # SIGTERM: fast shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(prefix, ignore_errors=True)
