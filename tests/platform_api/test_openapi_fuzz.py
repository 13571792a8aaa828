"""The published contract is the server: `st run --checks all`, once per role, finds nothing.

Schemathesis generates requests from our OpenAPI document (valid ones and invalid ones) and
checks every answer against it: no 5xx, documented statuses, headers and bodies, valid data
accepted, invalid data refused, 405 with `Allow`, authentication not ignored. It runs as the
command-line tool does, against a real platform on loopback, signed in as each role in turn;
`schemathesis.toml` beside this file gives (and explains) the few expected statuses added to
schemathesis's defaults. `POST /v1/auth/logout` is left out of the run because it would end
the run's own session; tests/platform_api/test_sessions.py covers it.

The run is bounded (a few examples per operation, plus schemathesis's coverage phase for the
first role) so that it adds about a minute to the suite. `FUZZ_EXAMPLES` raises the bound.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_api.embedded import EmbeddedPlatform
from platform_api.settings import Settings
from tests.databases import fresh_db_url

CONFIG = Path(__file__).with_name("schemathesis.toml")
ROLES = ["admin", "gateway", "calltaker", "dispatcher", "supervisor", "trainer"]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))


def _st() -> str:
    beside = Path(sys.executable).with_name("st")
    found = str(beside) if beside.exists() else shutil.which("st")
    assert found, "schemathesis's `st` command is not installed"
    return found


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPlatform]:
    folder = Path(tmp_path_factory.mktemp("fuzz"))
    with (
        fresh_db_url(folder) as url,
        EmbeddedPlatform(Settings(db_url=url, demo_users=True)) as platform,
    ):
        yield platform


@pytest.mark.slow
# the first role's run walks every parameter's edge cases too: two minutes and more when the
# PostgreSQL pass runs beside the SQLite one (scripts/test)
@pytest.mark.timeout(600)
@pytest.mark.parametrize("username", ROLES)
def test_schemathesis_finds_no_failure_for_any_role(
    live: EmbeddedPlatform, username: str, tmp_path: Path
) -> None:
    token = live.login(username)
    # Every phase for the first role; the coverage phase walks each parameter's edge cases
    # (the same for every role), so the other roles fuzz and run the stateful phase.
    phases = "coverage,fuzzing,stateful" if username == ROLES[0] else "fuzzing,stateful"
    command = [
        _st(),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live.url}/openapi.json",
        "--checks",
        "all",
        "--phases",
        phases,
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        "12",
        "--exclude-path",
        "/v1/auth/logout",
        "--header",
        f"Authorization: Bearer {token}",
        "--no-color",
    ]
    # In a temporary folder: `st` keeps a cache (.schemathesis/) in its working directory.
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=540, check=False, cwd=tmp_path
    )
    summary = run.stdout[-3000:]
    tested = re.search(r"Tested: (\d+)", run.stdout)
    cases = re.search(r"(\d+) generated", run.stdout)
    print(
        f"schemathesis {username}: {tested.group(1) if tested else '?'} operations, "
        f"{cases.group(1) if cases else '?'} test cases, exit {run.returncode}"
    )
    assert run.returncode == 0, summary + run.stderr[-2000:]
    assert tested and int(tested.group(1)) >= 30, summary
