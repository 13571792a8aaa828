"""The hash chain verifies, and fails at the first altered or missing row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from platform_api.cli import main as cli_main
from platform_api.db.engine import make_engine
from platform_api.embedded import EmbeddedPlatform
from tests.platform_api.helpers import make_call, make_incident


def _tamper(platform: EmbeddedPlatform, *statements: str) -> None:
    """Change the stored log behind the platform's back, as an attacker with the file would."""
    engine = make_engine(platform.settings.db_url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def test_an_untouched_log_verifies(gateway: Any, calltaker: Any, supervisor: Any) -> None:
    make_incident(gateway, calltaker)
    report = supervisor.get("/v1/audit/verify")
    assert report == {
        "ok": True,
        "checked": 3,
        "head_seq": 3,
        "first_bad_seq": None,
        "reason": None,
        "projection_differences": [],
        "checkpoints_checked": None,
        "checkpoint_problems": [],
    }


def test_an_altered_payload_is_detected_at_its_seq(
    platform: EmbeddedPlatform, gateway: Any, supervisor: Any, capsys: Any
) -> None:
    for _ in range(4):
        make_call(gateway)
    _tamper(
        platform, "UPDATE events SET payload = replace(payload, '07700', '07999') WHERE seq = 3"
    )
    report = supervisor.get("/v1/audit/verify")
    assert (report["ok"], report["first_bad_seq"]) == (False, 3)
    assert "hash" in report["reason"]
    assert cli_main(["verify", "--db", platform.settings.db_url]) == 1
    assert '"first_bad_seq": 3' in capsys.readouterr().out


def test_an_altered_actor_or_a_deleted_row_is_detected(
    platform: EmbeddedPlatform, gateway: Any, supervisor: Any
) -> None:
    for _ in range(4):
        make_call(gateway)
    _tamper(platform, "UPDATE events SET actor = 'someone-else' WHERE seq = 2")
    assert supervisor.get("/v1/audit/verify")["first_bad_seq"] == 2
    _tamper(
        platform,
        "UPDATE events SET actor = 'gateway' WHERE seq = 2",
        "DELETE FROM events WHERE seq = 4",
    )
    report = supervisor.get("/v1/audit/verify")
    assert (report["ok"], report["first_bad_seq"]) == (False, 4)
