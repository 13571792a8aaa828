"""A database failover under load loses nothing (bench/failover.py on a small scale): the
primary is killed, the replica promoted and one platform instance stopped, and every
acknowledged command is in the log once, every console (resuming on the other instance from
its last seq) has every event once and in order, and the hash chain verifies."""

from __future__ import annotations

import logging

import pytest

from bench import failover, pgcluster
from tests.databases import on_postgres

pytestmark = [
    pytest.mark.skipif(not on_postgres(), reason="runs with the PostgreSQL tests"),
    pytest.mark.skipif(not pgcluster.available(), reason="needs PostgreSQL's programs"),
]


def test_killing_the_primary_and_promoting_the_replica_loses_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    figures = failover.run(instances=2, clients=2, consoles=2, before=1.5, after=3)
    assert figures["lost"] == 0, figures
    assert figures["duplicated"] == 0, figures
    assert figures["chain_ok"], figures
    assert figures["consoles_in_order"] == 2, figures
    assert figures["console_resumes"] > 0, figures  # the stopped instance's console moved
    # commands landed after the primary died: the instances reconnected to the replica
    assert figures["acknowledged_after_kill"] > 0, figures
    # a failover is expected: streams cut by it end with a word to their clients, and no
    # request ends in an unexpected error (a traceback in the platform's log)
    unexpected = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name.startswith(("platform_api", "uvicorn"))
    ]
    assert unexpected == [], unexpected
