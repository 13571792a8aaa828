"""A generated year (and a bit) of closed incidents and their calls, written straight into a
platform database: the history query's test and benchmark need volume, not a log.

Incidents fall uniformly over London and over the last `days` days; each has one call from
a pool of numbers, so some numbers ring many times. Rows go in by bulk insert (minutes of
API calls otherwise); the projection is what the history read uses, and nothing reads the
log for it.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from platform_api.db.models import CallRow, IncidentRow
from platform_api.grid import cell_of

SOUTH, NORTH, WEST, EAST = 51.29, 51.69, -0.51, 0.33
CLASSIFICATIONS = ["Violence", "Burglary", "Concern for safety", "Theft", "Domestic", "ASB"]
CLOSINGS = ["No further action", "Crime recorded", "Advice given", "Arrest made"]


def generate_year(
    engine: Engine,
    now: datetime,
    count: int,
    *,
    days: int = 400,
    numbers: int = 20_000,
    seed: int = 1,
    batch: int = 20_000,
) -> None:
    rng = random.Random(seed)
    with Session(engine) as session, session.begin():
        for start in range(0, count, batch):
            incidents, calls = [], []
            for n in range(start, min(count, start + batch)):
                lat, lon = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
                created = now - timedelta(seconds=rng.uniform(0, days * 86400))
                incident_id = uuid.uuid4().hex
                incidents.append(
                    {
                        "id": incident_id,
                        "version": 3,
                        "reference": f"GEN-{n:08d}",
                        "opening_classification": rng.choice(CLASSIFICATIONS),
                        "closing_classification": rng.choice(CLOSINGS),
                        "grade": rng.choice(["immediate", "priority", "scheduled"]),
                        "target_at": None,
                        "thrive": {},
                        "lat": lat,
                        "lon": lon,
                        "address": None,
                        "borough": None,
                        "status": "closed",
                        "created_at": created,
                        "created_by": "generated",
                        "closed_at": created + timedelta(hours=1),
                        "cell": cell_of(lat, lon),
                    }
                )
                calls.append(
                    {
                        "id": uuid.uuid4().hex,
                        "version": 3,
                        "line": rng.choice(["999", "101"]),
                        "caller_number": f"07700 {rng.randrange(numbers):06d}",
                        "state": "closed",
                        "received_at": created - timedelta(seconds=90),
                        "ended_at": created,
                        "incident_id": incident_id,
                    }
                )
            session.execute(insert(IncidentRow), incidents)
            session.execute(insert(CallRow), calls)
