"""The shipped systemd template and its environment file are ones systemd and the platform
accept: the unit passes `systemd-analyze verify`, and every variable of the example file
configures `platform-api serve` as its comment says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from platform_api.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "systemd" / "control-room-platform@.service"
ENV_EXAMPLE = ROOT / "deploy" / "systemd" / "platform.env.example"


def _assignments(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def test_the_example_environment_file_configures_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    env = _assignments(ENV_EXAMPLE)
    assert env, "the example sets something"
    assert not any("PASSWORD" in name or name == "CR_DB_URL" for name in env)  # no secret
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    unit_env = dict(
        line.removeprefix("Environment=").split("=", 1)
        for line in UNIT.read_text(encoding="utf-8").splitlines()
        if line.startswith("Environment=")
    )
    monkeypatch.setenv("CR_PORT", unit_env["CR_PORT"].replace("%i", "8471"))
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.log_format, args.access_log) == (
        env["CR_HOST"],
        8471,
        env["CR_LOG_FORMAT"],
        True,
    )
    assert unit_env["CR_DB_URL_FILE"] == "%d/db-url"  # the credential, not a variable


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_the_unit_passes_systemd_analyze(tmp_path: Path) -> None:
    # systemd checks that the files the unit names exist, so point them into tmp_path.
    (tmp_path / "platform.env").write_text("", encoding="utf-8")
    (tmp_path / "db-url").write_text("sqlite://\n", encoding="utf-8")
    text = UNIT.read_text(encoding="utf-8")
    text = text.replace("/etc/control-room/", f"{tmp_path}/")
    text = text.replace("/opt/control-room/.venv/bin/", f"{Path(sys.executable).parent}/")
    unit = tmp_path / "control-room-platform@8471.service"
    unit.write_text(text, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr and "Failed" not in result.stderr, result.stderr
