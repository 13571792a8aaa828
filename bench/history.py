"""History-at-answering benchmark: the platform's history read on a generated year.

A SQLite platform database (migrated as `platform-api` would) gets `--incidents` closed
incidents spread over 400 days across London, each with its caller's call from a pool of
`--numbers` numbers; then `--repeat` history reads (a random point in London, 250 m, the
last 365 days, and a random number from the pool) are timed through the same service the
`GET /v1/history` route calls. The reads go through two indexes: `(cell, created_at)` on
incidents (platform_api/grid.py) and `(caller_number, received_at)` on calls.

    python bench/history.py [--incidents 500000] [--repeat 500] [--radius 250] [--seed 1]

Last line: JSON with history_p50_ms, history_p99_ms and context.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.orm import Session

from bench.loadgen import percentile
from platform_api.db.engine import make_engine, upgrade
from platform_api.services.history import history
from tests.yeargen import EAST, NORTH, SOUTH, WEST, generate_year


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=500_000)
    parser.add_argument("--numbers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=500)
    parser.add_argument("--radius", type=float, default=250.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'history.db'}")
        upgrade(engine)
        now = datetime.now(UTC)
        started = time.perf_counter()
        generate_year(engine, now, args.incidents, numbers=args.numbers, seed=args.seed)
        generated_s = time.perf_counter() - started
        rng = random.Random(args.seed + 1)
        times, found_incidents, found_calls = [], 0, 0
        with Session(engine) as session:
            for _ in range(args.repeat):
                lat, lon = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
                number = f"07700 {rng.randrange(args.numbers):06d}"
                t0 = time.perf_counter()
                result = history(
                    session,
                    now,
                    lat=lat,
                    lon=lon,
                    radius_m=args.radius,
                    days=365,
                    caller_number=number,
                    exclude_call_id=None,
                )
                times.append((time.perf_counter() - t0) * 1000)
                found_incidents += len(result.incidents)
                found_calls += len(result.calls)
        engine.dispose()
    print(
        json.dumps(
            {
                "history_p50_ms": round(percentile(times, 50), 2),
                "history_p99_ms": round(percentile(times, 99), 2),
                "incidents": args.incidents,
                "days": 400,
                "radius_m": args.radius,
                "mean_incidents_found": round(found_incidents / args.repeat, 1),
                "mean_calls_found": round(found_calls / args.repeat, 2),
                "generate_s": round(generated_s, 1),
                "repeat": args.repeat,
            }
        )
    )


if __name__ == "__main__":
    main()
