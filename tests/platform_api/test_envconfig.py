"""Configuration from CR_ variables (flags win), and database URLs never shown with secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_api.cli import build_parser
from platform_api.cli import main as cli_main
from platform_api.envconfig import EnvError, db_url_from_env, env_bool, env_int, mask_url


def test_serve_takes_its_options_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CR_DB_URL", "sqlite:////srv/cr/platform.db")
    monkeypatch.setenv("CR_HOST", "0.0.0.0")
    monkeypatch.setenv("CR_PORT", "9000")
    monkeypatch.setenv("CR_LOG_FORMAT", "json")
    monkeypatch.setenv("CR_ACCESS_LOG", "off")
    monkeypatch.setenv("CR_DEMO_USERS", "yes")
    args = build_parser().parse_args(["serve"])
    assert (args.db, args.host, args.port) == ("sqlite:////srv/cr/platform.db", "0.0.0.0", 9000)
    assert (args.log_format, args.access_log, args.demo_users) == ("json", False, True)


def test_a_flag_wins_over_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CR_PORT", "9000")
    monkeypatch.setenv("CR_DB_URL", "sqlite:////srv/cr/platform.db")
    monkeypatch.setenv("CR_ACCESS_LOG", "0")
    args = build_parser().parse_args(
        ["serve", "--port", "9100", "--db", "sqlite:////tmp/other.db", "--access-log"]
    )
    assert (args.port, args.db, args.access_log) == (9100, "sqlite:////tmp/other.db", True)


def test_the_database_url_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "db-url"
    secret.write_text("postgresql+psycopg://cr:pw@db.internal/cr\n", encoding="utf-8")
    assert db_url_from_env({"CR_DB_URL_FILE": str(secret)}) == (
        "postgresql+psycopg://cr:pw@db.internal/cr"
    )
    with pytest.raises(EnvError, match="not both"):
        db_url_from_env({"CR_DB_URL_FILE": str(secret), "CR_DB_URL": "sqlite://"})
    with pytest.raises(EnvError, match="CR_DB_URL_FILE: cannot read"):
        db_url_from_env({"CR_DB_URL_FILE": str(tmp_path / "missing")})


def test_a_bad_variable_is_named(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(EnvError, match="CR_PORT must be a whole number"):
        env_int("CR_PORT", {"CR_PORT": "eighty"})
    with pytest.raises(EnvError, match="CR_SIMULATE must be one of"):
        env_bool("CR_SIMULATE", {"CR_SIMULATE": "maybe"})
    monkeypatch.setenv("CR_PORT", "eighty")
    assert cli_main(["verify"]) == 2
    assert "CR_PORT must be a whole number, not 'eighty'" in caplog.text


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://cr:s3cret@db1:5432/cr", "postgresql+psycopg://cr:***@db1:5432/cr"),
        (
            "postgresql+psycopg://cr@db1/cr?password=s3cret",
            "postgresql+psycopg://cr@db1/cr?password=",
        ),
        ("sqlite:////srv/cr/platform.db", "sqlite:////srv/cr/platform.db"),
        ("not a url s3cret", "<a database URL that does not parse>"),
    ],
)
def test_a_database_url_is_shown_without_its_secrets(url: str, shown: str) -> None:
    masked = mask_url(url)
    assert "s3cret" not in masked
    assert masked.startswith(shown)
