"""`platform-api serve` as an operator runs it: a process configured by CR_ variables.

Its log goes to stderr; with CR_LOG_FORMAT=json every line is one JSON object, including
the access log's, and no secret (a database password, a bearer token) appears anywhere.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(env: dict[str, str], tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path, Path]:
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:  # the child keeps its own copies
        process = subprocess.Popen(
            [sys.executable, "-m", "platform_api.cli", "serve"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=stdout,
            stderr=stderr,
        )
    return process, out, err


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling a process we cannot get a signal from
    raise AssertionError("serve did not become ready")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=20)


def test_serve_configured_by_environment_logs_json_with_an_access_log(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        "CR_DB_URL": f"sqlite:///{tmp_path / 'platform.db'}",
        "CR_HOST": "127.0.0.1",
        "CR_PORT": str(port),
        "CR_LOG_FORMAT": "json",
        "CR_DEMO_USERS": "1",
    }
    process, out, err = _serve(env, tmp_path)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        login = httpx.post(
            f"{url}/v1/auth/login", json={"username": "dispatcher", "password": "demo"}
        )
        token = login.json()["token"]
        state = httpx.get(f"{url}/v1/state", headers={"Authorization": f"Bearer {token}"})
        assert state.status_code == 200
    finally:
        _stop(process)
    assert process.returncode == 0
    lines = [json.loads(line) for line in err.read_text(encoding="utf-8").splitlines()]
    assert all({"ts", "level", "logger", "message"} <= set(line) for line in lines)
    access: list[dict[str, Any]] = [
        line for line in lines if line["logger"] == "platform_api.access"
    ]
    assert {"method": "GET", "path": "/v1/state", "status": 200} in [
        {k: a[k] for k in ("method", "path", "status")} for a in access
    ]
    assert all(a["path"] != "/readyz" for a in access)  # probes stay below INFO
    assert any(f"listening on {url}" in line["message"] for line in lines)
    everything = out.read_text(encoding="utf-8") + err.read_text(encoding="utf-8")
    assert token not in everything


def test_an_unreachable_database_is_a_clear_exit_that_never_shows_its_password(
    tmp_path: Path,
) -> None:
    pytest.importorskip("psycopg")
    closed = _free_port()  # nothing listens there
    env = {
        "CR_DB_URL": f"postgresql+psycopg://control:s3cret-pw@127.0.0.1:{closed}/cr"
        "?connect_timeout=5",
        "CR_PORT": str(_free_port()),
    }
    process, out, err = _serve(env, tmp_path)
    assert process.wait(timeout=60) == 2
    everything = out.read_text(encoding="utf-8") + err.read_text(encoding="utf-8")
    assert "s3cret-pw" not in everything
    assert f"cannot use the database postgresql+psycopg://control:***@127.0.0.1:{closed}/cr" in (
        everything
    )
